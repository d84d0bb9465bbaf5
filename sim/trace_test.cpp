// The trace: JSON Lines format, byte-identical runs per seed, exact replay.
#include <gtest/gtest.h>

#include <sstream>

#include "sim/jsonl_writer.hpp"
#include "sim/mutex.hpp"
#include "sim/replay_chooser.hpp"
#include "sim/test_workloads.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

struct Traced {
  std::string trace;
  ChoiceList choices;
  RunResult result;
};

// Runs the racy workload with faults; `chooser` replaces the seeded one if given.
Traced run_racy(std::uint64_t seed, Chooser* chooser = nullptr, int rounds = 4) {
  std::ostringstream out;
  Traced t;
  {
    JsonlWriter writer(out);
    World w({.seed = seed});
    w.attach(writer);
    if (chooser != nullptr) w.set_chooser(*chooser);
    testing::RacyWorkload load;
    load.build(w, rounds);
    t.result = w.run();
    t.choices = w.choices();
  }
  t.trace = out.str();
  return t;
}

TEST(TraceTest, TheSameSeedGivesIdenticalTraceBytes) {
  const Traced a = run_racy(42);
  const Traced b = run_racy(42);
  EXPECT_GT(a.trace.size(), 2000u);
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(a.choices, b.choices);
}

TEST(TraceTest, DifferentSeedsGiveDifferentTraces) {
  EXPECT_NE(run_racy(1).trace, run_racy(2).trace);
}

TEST(TraceTest, ReplayingTheRecordedChoicesReproducesTheTraceExactly) {
  for (std::uint64_t seed : {3u, 17u, 99u}) {
    const Traced original = run_racy(seed);
    ASSERT_FALSE(original.choices.empty());
    ReplayChooser replay(original.choices);
    // A different world seed: the choice list alone decides this workload.
    const Traced replayed = run_racy(seed + 1000, &replay);
    EXPECT_EQ(replayed.trace, original.trace) << "seed " << seed;
    EXPECT_TRUE(replay.exhausted());
  }
}

TEST(TraceTest, ReplayIntoADifferentRunIsReportedAsDivergence) {
  const Traced original = run_racy(5, nullptr, 2);
  ReplayChooser replay(original.choices);
  EXPECT_THROW(run_racy(5, &replay, 6), ReplayDivergence);
}

// Pins the format: a change in it is a change for every consumer of traces.
TEST(TraceTest, JsonLinesFormatIsStable) {
  std::ostringstream out;
  int lock_line = 0;
  {
    JsonlWriter writer(out);
    World w;
    w.attach(writer);
    Cpu& c = w.add_cpu({.name = "cpu0", .memory_bytes = 16});
    Mutex m(w, "m\"1");
    w.spawn(c, "a", [&](Ctx cx) -> Task<> {
      lock_line = __LINE__ + 1;
      co_await m.lock();
      co_await cx.compute(5ns);
      co_await m.unlock();
    });
    w.run();
  }
  const std::string expected =
      std::string(R"({"seq":0,"t":0,"kind":"sim.object","obj":1,"type":"cpu","name":"cpu0"}
{"seq":1,"t":0,"cpu":0,"kind":"cpu.config","obj":1,"policy":"fifo","memory_bytes":16}
{"seq":2,"t":0,"kind":"sim.object","obj":2,"type":"memory","name":"cpu0.mem"}
{"seq":3,"t":0,"kind":"sim.object","obj":3,"type":"mutex","name":"m\"1"}
{"seq":4,"t":0,"cpu":0,"actor":1,"kind":"sim.spawn","name":"a","prio":0,"daemon":false,"parent":0}
{"seq":5,"t":0,"cpu":0,"actor":1,"kind":"sim.dispatch"}
{"seq":6,"t":0,"cpu":0,"actor":1,"kind":"mutex.lock","obj":3,"site":"trace_test.cpp:)") + std::to_string(lock_line) + R"("}
{"seq":7,"t":0,"cpu":0,"actor":1,"kind":"sim.compute","ns":5}
{"seq":8,"t":5,"cpu":0,"actor":1,"kind":"mutex.unlock","obj":3,"to":0}
{"seq":9,"t":5,"cpu":0,"actor":1,"kind":"sim.exit"}
{"seq":10,"t":5,"kind":"sim.end","outcome":"quiescent","steps":5,"events":1,"choices":0}
)";
  EXPECT_EQ(out.str(), expected);
}

TEST(TraceTest, ObserversGetRecordsStepsAndChoices) {
  struct Counter : Observer {
    int records = 0, steps = 0, choices = 0, sends = 0;
    std::size_t footprint_entries = 0;
    bool want = false;
    bool wants_footprints() const override { return want; }
    void on_record(const TraceRecord& r) override {
      ++records;
      if (r.kind == "bus.send") {
        ++sends;
        EXPECT_NE(r.field("msg"), nullptr);
        EXPECT_EQ(r.field("bytes")->as_int(), 16);
      }
    }
    void on_step(const StepInfo& s) override {
      ++steps;
      footprint_entries += s.footprint.size();
    }
    void on_choice(const ChoicePoint&, std::uint32_t) override { ++choices; }
  };
  for (bool want : {false, true}) {
    Counter counter;
    counter.want = want;
    World w({.seed = 8});
    w.attach(counter);
    testing::RacyWorkload load;
    load.build(w, 3);
    const RunResult r = w.run();
    EXPECT_EQ(counter.sends, 9);
    EXPECT_EQ(static_cast<std::uint64_t>(counter.steps), r.steps);
    EXPECT_EQ(static_cast<std::uint64_t>(counter.choices), r.choices);
    if (want) {
      EXPECT_GT(counter.footprint_entries, 0u);
    } else {
      EXPECT_EQ(counter.footprint_entries, 0u) << "footprints cost nothing unless asked for";
    }
  }
}

}  // namespace
}  // namespace ipcsim::sim

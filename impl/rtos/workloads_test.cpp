// The canonical workloads, correct variants: each ends quiescent, does its job
// (check() == ""), and leaves every pool and heap sound, for several seeds.
#include "impl/rtos/workloads.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "impl/rtos/test_support.hpp"
#include "sim/jsonl_writer.hpp"

namespace ipcsim::rtos::workloads {
namespace {

using namespace std::chrono_literals;

struct Outcome {
  sim::RunResult result;
  std::string check;
  std::string consistency;
  std::string trace;
};

template <class Build>
Outcome run_one(std::uint64_t seed, Build build, std::size_t memory = 128 * 1024) {
  std::ostringstream out;
  Outcome r;
  {
    sim::World w({.seed = seed});
    sim::JsonlWriter writer(out);
    w.attach(writer);
    sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = memory});
    auto wl = build(w, cpu);
    r.result = w.run();
    r.check = wl->check();
    r.consistency = wl->os().check_consistency();
  }
  r.trace = out.str();
  return r;
}

class WorkloadSeeds : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(WorkloadSeeds, PipelineDeliversEveryPacketNoLayerKnowingThePool) {
  const Outcome r = run_one(GetParam(), [](sim::World& w, sim::Cpu& c) { return build_pipeline(w, c, {}); });
  EXPECT_EQ(r.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(r.check, "");
  EXPECT_EQ(r.consistency, "");
}

TEST_P(WorkloadSeeds, PassChainDeliversEverything) {
  const Outcome r = run_one(GetParam(), [](sim::World& w, sim::Cpu& c) { return build_pass_chain(w, c, {}); });
  EXPECT_EQ(r.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(r.check, "");
  EXPECT_EQ(r.consistency, "");
}

TEST_P(WorkloadSeeds, BroadcastGivesEverySlaveEveryRoundOnce) {
  const Outcome r = run_one(GetParam(), [](sim::World& w, sim::Cpu& c) { return build_broadcast(w, c, {}); });
  EXPECT_EQ(r.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(r.check, "");
  EXPECT_EQ(r.consistency, "");
}

TEST_P(WorkloadSeeds, AssemblyFillsEverySectionBeforeForwarding) {
  const Outcome r = run_one(GetParam(), [](sim::World& w, sim::Cpu& c) { return build_assembly(w, c, {}); });
  EXPECT_EQ(r.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(r.check, "");
  EXPECT_EQ(r.consistency, "");
}

TEST_P(WorkloadSeeds, DeletionLeavesEveryPoolFull) {
  const Outcome r = run_one(GetParam(), [](sim::World& w, sim::Cpu& c) { return build_deletion(w, c, {}); });
  EXPECT_EQ(r.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(r.check, "");
  EXPECT_EQ(r.consistency, "");
}

TEST_P(WorkloadSeeds, BroadcastersAllGetTheirRepliesAndPoolsBack) {
  const Outcome r = run_one(GetParam(), [](sim::World& w, sim::Cpu& c) { return build_broadcasters(w, c, {}); });
  EXPECT_EQ(r.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(r.check, "");
  EXPECT_EQ(r.consistency, "");
}

INSTANTIATE_TEST_SUITE_P(Seeds, WorkloadSeeds, ::testing::Values(1, 2, 3, 42, 1234));

TEST(WorkloadTest, OneSeedOneTraceByteForByte) {
  auto build = [](sim::World& w, sim::Cpu& c) { return build_pipeline(w, c, {.packets = 12}); };
  const Outcome a = run_one(99, build);
  const Outcome b = run_one(99, build);
  const Outcome c = run_one(100, build);
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_NE(a.trace, c.trace);
  EXPECT_NE(a.trace.find("\"kind\":\"rtos.msg.make\""), std::string::npos);
}

// A field named like a record key (seq, cpu, kind, ...) would make a JSON
// Lines record with a duplicate key, which readers resolve as they please.
TEST(WorkloadTest, TraceRecordsHaveNoDuplicateKeys) {
  const std::vector<std::string> traces = {
      run_one(1, [](sim::World& w, sim::Cpu& c) { return build_pipeline(w, c, {.packets = 8}); }).trace,
      run_one(1, [](sim::World& w, sim::Cpu& c) { return build_assembly(w, c, {}); }).trace,
      run_one(1, [](sim::World& w, sim::Cpu& c) { return build_broadcasters(w, c, {}); }).trace,
      run_one(1, [](sim::World& w, sim::Cpu& c) { return build_deletion(w, c, {}); }).trace,
  };
  std::size_t lines = 0;
  for (const std::string& trace : traces) {
    std::istringstream in(trace);
    std::string line;
    while (std::getline(in, line)) {
      ++lines;
      std::vector<std::string> keys;
      // Keys are the strings followed by ':' at the top level of a flat object.
      for (std::size_t at = line.find("{\""); at != std::string::npos; at = line.find(",\"", at + 1)) {
        const std::size_t start = at + 2;
        const std::size_t end = line.find('"', start);
        if (end == std::string::npos || end + 1 >= line.size() || line[end + 1] != ':') continue;
        keys.push_back(line.substr(start, end - start));
      }
      std::sort(keys.begin(), keys.end());
      EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end()) << line;
    }
  }
  EXPECT_GT(lines, 1000u);
}

// memory_needed(params) is exactly what the builder carves: a CPU with that
// many bytes is enough, and one with a word less is refused at set-up.
template <class Params, class Build>
void expect_memory_needed_is_exact(const Params& p, Build build) {
  const std::size_t need = memory_needed(p);
  {
    sim::World w;
    sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = need});
    auto wl = build(w, cpu, p);
    EXPECT_EQ(wl->os().space().carved() + 8, need);
    EXPECT_EQ(w.run().outcome, sim::RunOutcome::Quiescent);
    EXPECT_EQ(wl->check(), "");
  }
  sim::World w;
  sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = need - 8});
  EXPECT_THROW((void)build(w, cpu, p), sim::UsageError);
}

TEST(WorkloadTest, MemoryNeededIsWhatTheBuilderCarves) {
  expect_memory_needed_is_exact(PipelineParams{},
                                [](auto& w, auto& c, const auto& p) { return build_pipeline(w, c, p); });
  expect_memory_needed_is_exact(PipelineParams{.rx_blocks = 20, .block_size = 300, .pipe_capacity = 7},
                                [](auto& w, auto& c, const auto& p) { return build_pipeline(w, c, p); });
  expect_memory_needed_is_exact(PassChainParams{.stages = 5, .blocks = 3},
                                [](auto& w, auto& c, const auto& p) { return build_pass_chain(w, c, p); });
  expect_memory_needed_is_exact(BroadcastParams{.slaves = 40, .block_size = 200},
                                [](auto& w, auto& c, const auto& p) { return build_broadcast(w, c, p); });
  expect_memory_needed_is_exact(BroadcastParams{.slaves = 3, .late_readers = 4},
                                [](auto& w, auto& c, const auto& p) { return build_broadcast(w, c, p); });
  expect_memory_needed_is_exact(AssemblyParams{.servers = 6, .header_bytes = 3, .section_bytes = 13},
                                [](auto& w, auto& c, const auto& p) { return build_assembly(w, c, p); });
  expect_memory_needed_is_exact(DeletionParams{.workers = 6, .heap_bytes = 3001},
                                [](auto& w, auto& c, const auto& p) { return build_deletion(w, c, p); });
  expect_memory_needed_is_exact(BroadcastersParams{.broadcasters = 5, .blocks_each = 3},
                                [](auto& w, auto& c, const auto& p) { return build_broadcasters(w, c, p); });
}

TEST(WorkloadTest, PipelineAppRunsAtEachPacketsPriority) {
  sim::World w({.seed = 8});
  sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 128 * 1024});
  auto wl = build_pipeline(w, cpu, {.packets = 16, .packet_priorities = 5});
  ASSERT_EQ(w.run().outcome, sim::RunOutcome::Quiescent);
  ASSERT_EQ(wl->check(), "");
  ASSERT_FALSE(wl->stats.app_priority_seen.empty());
  for (int prio : wl->stats.app_priority_seen) {
    EXPECT_GE(prio, 1);
    EXPECT_LE(prio, 5);
  }
}

TEST(WorkloadTest, PassChainStagesRunAtTheMessagePriority) {
  sim::World w({.seed = 8});
  sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
  auto wl = build_pass_chain(w, cpu, {});
  ASSERT_EQ(w.run().outcome, sim::RunOutcome::Quiescent);
  ASSERT_EQ(wl->check(), "");
  for (const PassChain::Seen& s : wl->seen) EXPECT_EQ(s.ran_at, static_cast<int>(s.msg_priority));
}

TEST(WorkloadTest, PipelineUnderLoadDropsAreAccountedFor) {
  sim::World w({.seed = 3});
  sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 128 * 1024});
  auto wl = build_pipeline(
      w, cpu, {.packets = 40, .period = 500ns, .jitter = 0ns, .rx_blocks = 3, .pipe_capacity = 2, .fifo_limit = 2});
  ASSERT_EQ(w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
  EXPECT_GT(wl->stats.no_block + wl->stats.pipe_full + wl->overruns(), 0u);
}

TEST(WorkloadTest, BroadcastWithoutGateLetsAFastSlaveReadARoundTwice) {
  sim::World w({.seed = 1});
  sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
  auto wl = build_broadcast(w, cpu, {}, {.broadcast_without_gate = true});
  w.run();
  EXPECT_NE(wl->check(), "");
}

// The seed's interlock taken literally (two ops), on one priority-preemptive
// CPU: slaves that outrank the master reach the gate before it can run; a
// master that outranks them preempts the last one between its two ops.
TEST(WorkloadTest, SeedInterlockHoldsWhenSlavesOutrankTheMasterAndNotOtherwise) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const Outcome above = run_one(seed, [](sim::World& w, sim::Cpu& c) {
      return build_broadcast(w, c, {.master_priority = 5, .slave_priority = 6, .interlock = Interlock::Seed});
    });
    EXPECT_EQ(above.result.outcome, sim::RunOutcome::Quiescent);
    EXPECT_EQ(above.check, "");
    const Outcome below = run_one(seed, [](sim::World& w, sim::Cpu& c) {
      return build_broadcast(w, c, {.master_priority = 7, .slave_priority = 6, .interlock = Interlock::Seed});
    });
    EXPECT_EQ(below.result.outcome, sim::RunOutcome::Deadlock);
    ASSERT_TRUE(below.result.deadlock);
    EXPECT_NE(below.result.deadlock->text.find("wait at gate 'semG'"), std::string::npos);
    // The same master above its slaves is safe with the atomic interlock.
    const Outcome atomic = run_one(seed, [](sim::World& w, sim::Cpu& c) {
      return build_broadcast(w, c, {.master_priority = 7, .slave_priority = 6});
    });
    EXPECT_EQ(atomic.result.outcome, sim::RunOutcome::Quiescent);
    EXPECT_EQ(atomic.check, "");
  }
  const Outcome broadcasters = run_one(1, [](sim::World& w, sim::Cpu& c) {
    return build_broadcasters(w, c, {.interlock = Interlock::Seed});
  });
  EXPECT_EQ(broadcasters.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(broadcasters.check, "");
  const Outcome broadcasters_below = run_one(1, [](sim::World& w, sim::Cpu& c) {
    return build_broadcasters(w, c, {.master_priority = 8, .interlock = Interlock::Seed});
  });
  EXPECT_EQ(broadcasters_below.result.outcome, sim::RunOutcome::Deadlock);
}

// On one CPU with slaves above the master the two schedule-dependent variants
// are not schedule-dependent: pulsing first lets every slave back to the old
// round at once; peeking first cannot lose a pulse the master cannot yet send.
TEST(WorkloadTest, PulseBeforeSendAndPeekThenGateOnOneCpu) {
  sim::World w({.seed = 1});
  sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
  auto pulse_first = build_broadcast(w, cpu, {}, {.broadcast_pulse_before_send = true});
  w.run();
  EXPECT_NE(pulse_first->check(), "");
  const Outcome peek = run_one(1, [](sim::World& w, sim::Cpu& c) {
    return build_broadcast(w, c, {}, {.broadcast_peek_then_gate = true});
  });
  EXPECT_EQ(peek.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(peek.check, "");
}

TEST(WorkloadTest, LateReadersReadWhatIsOnShowOrWaitForTheNextRound) {
  {
    // Below the master and the slaves on one CPU: they come after the last
    // round, when nothing is on show any more, and wait (daemons).
    sim::World w({.seed = 1});
    sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
    auto wl = build_broadcast(w, cpu, {.slaves = 2, .rounds = 2, .late_readers = 2});
    ASSERT_EQ(w.run().outcome, sim::RunOutcome::Quiescent);
    EXPECT_EQ(wl->check(), "");
    EXPECT_TRUE(wl->late_rounds.empty());
  }
  {
    // Above the slaves: they wait at the exchange from the start and are resumed with round 1.
    sim::World w({.seed = 1});
    sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
    auto wl = build_broadcast(w, cpu, {.slaves = 2, .rounds = 2, .late_readers = 2, .late_reader_priority = 9});
    ASSERT_EQ(w.run().outcome, sim::RunOutcome::Quiescent);
    EXPECT_EQ(wl->check(), "");
    EXPECT_EQ(wl->late_rounds, (std::vector<std::uint32_t>{1, 1}));
  }
}

TEST(WorkloadTest, AssemblyOffByOneForwardsBeforeTheLastSectionIsFilled) {
  sim::World w({.seed = 1});
  sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
  auto wl = build_assembly(w, cpu, {}, {.assembly_threshold_off_by_one = true});
  w.run();
  EXPECT_GT(wl->incomplete, 0u);
}

}  // namespace
}  // namespace ipcsim::rtos::workloads

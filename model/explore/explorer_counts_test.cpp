// Exploration counts pinned on programs small enough to count by hand. A step
// is "apply the announced op, then run local code to the next op"; an actor's
// first step runs from its start to its first op. Actors on different CPUs are
// all candidates while live, so every step among several live actors is a
// Schedule choice point; one live actor steps without a choice.
#include <gtest/gtest.h>

#include "model/explore/explorer.hpp"
#include "model/explore/test_programs.hpp"
#include "sim/fault_plan.hpp"

namespace ipcsim::explore {
namespace {

ExploreOptions all(bool dpor) {
  ExploreOptions o;
  o.dpor = dpor;
  o.stop_on_violation = false;
  return o;
}

TEST(ExplorerCounts, TwoActorsWithOneSharedMutex) {
  testing::SharedMutexPair p;
  // Each actor: x0 (start, announce lock), x1 (lock, announce unlock),
  // x2 (unlock, end). If B applies its lock while A holds m, B blocks there
  // (b1) and, woken by A's unlock (hand-off), needs one more step (b1r) before
  // its unlock b2.
  // Without DPOR, a run is a word over {A, B} wherever both are candidates:
  //  - A locks first and B's lock comes while A holds m: a0 a1 b0 arranged with
  //    a0 < a1 (3 ways: b0 before a0, between, after a1), then b1 (blocks),
  //    a2, b1r, b2: 3 runs;
  //  - A locks first and unlocks before B's lock: b0 anywhere among a0 a1 a2
  //    (4 places), then b1 b2: 4 runs;
  //  - B first: symmetric, 3 + 4.
  // 14 runs.
  ExploreReport plain = exhaustive(p, all(false));
  EXPECT_TRUE(plain.complete);
  EXPECT_EQ(plain.executions, 14u);
  EXPECT_EQ(plain.redundant, 0u);
  // Steps: the 3 + 3 runs where one actor blocks take 3 + 4 steps, the 4 + 4
  // others 3 + 3: 6 * 7 + 8 * 6 = 90.
  EXPECT_EQ(plain.transitions, 90u);
  // With DPOR: the Mazurkiewicz traces are the orders of the accesses to m
  // (x0 touches only its own actor and CPU): A's lock and unlock before B's
  // lock (a1 a2 b1 b2), B blocking in between (a1 b1 a2 b2), and the same two
  // with A and B swapped. 4 traces, one run each.
  ExploreReport dpor = exhaustive(p, all(true));
  EXPECT_TRUE(dpor.complete);
  EXPECT_EQ(dpor.executions, 4u);
  EXPECT_EQ(dpor.redundant, 0u);
  // Final states: who locked first.
  EXPECT_EQ(plain.distinct_final_states, 2u);
  EXPECT_EQ(dpor.final_states, plain.final_states);
}

TEST(ExplorerCounts, ThreeIndependentActors) {
  testing::IndependentActors p(3, 1);
  // Three actors on three CPUs, two steps each (start; store into its own
  // memory, end). Without DPOR every interleaving of three 2-step sequences:
  // 6! / (2! 2! 2!) = 90 runs. With DPOR nothing is dependent: 1 run.
  ExploreReport plain = exhaustive(p, all(false));
  EXPECT_EQ(plain.executions, 90u);
  EXPECT_EQ(plain.transitions, 90u * 6);
  ExploreReport dpor = exhaustive(p, all(true));
  EXPECT_EQ(dpor.executions, 1u);
  EXPECT_EQ(dpor.transitions, 6u);
  EXPECT_EQ(dpor.redundant, 0u);
  // That run goes non-preemptively (the actor that went last goes on): a0 a1
  // at choice points with 3 candidates each, then b0 b1 with 2 each, then c0
  // c1 alone. Unexplored alternatives: 2 + 2 + 1 + 1 = 6 pruned branches.
  EXPECT_EQ(dpor.pruned_branches, 6u);
  EXPECT_EQ(plain.distinct_final_states, 1u);
  EXPECT_EQ(dpor.final_states, plain.final_states);
}

TEST(ExplorerCounts, MessageRaceOnAReorderingBus) {
  testing::BusMessageRace p;
  // Two senders, two steps each (start; send, end): C(4, 2) = 6 interleavings
  // at t = 0. Both messages land at 1 us; the first to land (the first sent)
  // has another in flight to the same port, so a reorder fault point (2 answers)
  // is asked; the second has none. 6 * 2 = 12 runs.
  ExploreReport plain = exhaustive(p, all(false));
  EXPECT_EQ(plain.executions, 12u);
  // With DPOR the sends conflict (both write the bus and the port), the starts
  // are independent: 2 traces, times the 2 reorder answers = 4 runs.
  ExploreReport dpor = exhaustive(p, all(true));
  EXPECT_EQ(dpor.executions, 4u);
  EXPECT_EQ(dpor.redundant, 0u);
  // The receiver sees sender 1 first or sender 2 first.
  EXPECT_EQ(plain.distinct_final_states, 2u);
  EXPECT_EQ(dpor.final_states, plain.final_states);
}

TEST(ExplorerCounts, ReorderChoicesWithinTheFaultBudget) {
  // Three messages in flight to one port, landing at 1 us in send order.
  // Landing #1: a reorder fault point; if it fires, a MessageOrder choice
  // among the 2 others (n = 2). Landing #2: a reorder fault point with 1 other
  // (no order choice). Landing #3: nothing in flight, no question.
  //  - unlimited budget: (1 + 2) * 2 = 6 runs, all 3! = 6 arrival orders;
  //  - budget 1: no reorder at #1 then 2 answers at #2, or a reorder at #1 (2
  //    picks) after which #2 asks nothing: 2 + 2 = 4 runs, 4 orders;
  //  - budget 0: no fault point asks: 1 run.
  testing::ReorderThree unlimited(UINT32_MAX);
  ExploreReport r = exhaustive(unlimited, all(true));
  EXPECT_EQ(r.executions, 6u);
  EXPECT_EQ(r.distinct_final_states, 6u);
  testing::ReorderThree one(1);
  r = exhaustive(one, all(true));
  EXPECT_EQ(r.executions, 4u);
  EXPECT_EQ(r.distinct_final_states, 4u);
  testing::ReorderThree none(0);
  r = exhaustive(none, all(true));
  EXPECT_EQ(r.executions, 1u);
  // The caller's override of the budget wins over the program's default.
  ExploreOptions o = all(true);
  o.run.max_faults = 0;
  EXPECT_EQ(exhaustive(unlimited, o).executions, 1u);
}

// One message over a faulty bus, or a worker under a scheduled crash: the
// program's outcome is what the receiver got and when, or how far the worker came.
class FaultyDelivery final : public Program {
 public:
  enum class Mode { Delay, DropOrDuplicate, Crash };
  explicit FaultyDelivery(Mode mode) : mode_(mode) {}
  std::string name() const override { return "faulty_delivery"; }
  Execution run(RunContext& cx) override {
    using namespace std::chrono_literals;
    sim::World w({.seed = cx.seed(), .max_faults = cx.max_faults(1)});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::BusFaults faults;
    if (mode_ == Mode::Delay) faults = {.delay_ppm = 1000, .delay_min = 1us, .delay_max = 4us};
    if (mode_ == Mode::DropOrDuplicate) faults = {.drop_ppm = 1000, .duplicate_ppm = 1000};
    sim::Bus& bus = w.add_bus({.name = "bus", .cpus = {0, 1}, .latency = 1us, .faults = faults});
    sim::Port& in = w.add_port(c0, "in");
    sim::FaultPlan plan;
    if (mode_ == Mode::Crash) plan.add({.type = sim::FaultType::CrashCpu, .cpu = 1, .at = sim::at_ns(2500)});
    plan.install(w);
    std::uint32_t progress = 0;
    w.spawn(c1, "tx", [&](sim::Ctx cx) -> sim::Task<> {
      co_await bus.send(in, 1, std::vector<std::byte>(4));
      for (int k = 0; k < 5; ++k) {
        co_await cx.sleep(1us);
        ++progress;
      }
    });
    std::vector<std::int64_t> arrivals;
    w.spawn(c0, "rx", [&](sim::Ctx cx) -> sim::Task<> {
      while (co_await in.recv_for(10us)) arrivals.push_back(sim::to_ns(cx.now()));
    });
    Execution e;
    e.run = w.run(cx.limits());
    OutcomeHash h;
    h.add(progress);
    for (std::int64_t t : arrivals) h.add(static_cast<std::uint64_t>(t));
    e.outcome_hash = h.value();
    w.shutdown();
    return e;
  }

 private:
  Mode mode_;
};

TEST(ExplorerCounts, EveryFaultKindIsExploredWithBothAnswers) {
  // Schedule first: tx (cpu1) and rx (cpu0) start at t = 0; tx's send and
  // rx's receive both write the port, so under DPOR there are 2 traces (the
  // receive is applied before the send or after it) and each count below is
  // 2 x the fault choices; the outcome does not depend on that order.
  // Delay: a delay fault point at the send (no / yes), and if yes a
  // DelayAmount choice among 4 levels (1, 2, 3, 4 us): 2 x (1 + 4) = 10 runs,
  // 5 arrival times.
  FaultyDelivery delay(FaultyDelivery::Mode::Delay);
  ExploreReport r = exhaustive(delay, all(true));
  EXPECT_EQ(r.executions, 10u);
  EXPECT_EQ(r.distinct_final_states, 5u);
  // Drop / duplicate with a fault budget of 1: drop (nothing arrives), or no
  // drop and then duplicate no / yes (1 or 2 arrivals); the copy asks nothing,
  // the budget being spent: 2 x 3 = 6 runs, 3 outcomes.
  FaultyDelivery lossy(FaultyDelivery::Mode::DropOrDuplicate);
  r = exhaustive(lossy, all(true));
  EXPECT_EQ(r.executions, 6u);
  EXPECT_EQ(r.distinct_final_states, 3u);
  // A scheduled crash of cpu1 at 2.5 us (a fault point of probability 1):
  // crash or not, 2 x 2 = 4 runs; the worker got 2 or 5 sleeps done.
  FaultyDelivery crash(FaultyDelivery::Mode::Crash);
  r = exhaustive(crash, all(true));
  EXPECT_EQ(r.executions, 4u);
  EXPECT_EQ(r.distinct_final_states, 2u);
}

TEST(ExplorerCounts, LostUpdateTraces) {
  testing::LostUpdate p(2, 1);
  // Two actors, three steps each (start; load; store): C(6, 3) = 20 runs.
  ExploreReport plain = exhaustive(p, all(false));
  EXPECT_EQ(plain.executions, 20u);
  // Traces: orders of l_A, s_A, l_B, s_B with l < s per actor (6 of them),
  // where swapping two adjacent loads changes nothing: {l_A s_A l_B s_B},
  // {l_B s_B l_A s_A}, {l_A l_B s_A s_B = l_B l_A s_A s_B},
  // {l_A l_B s_B s_A = l_B l_A s_B s_A}: 4.
  ExploreReport dpor = exhaustive(p, all(true));
  EXPECT_EQ(dpor.executions, 4u);
  EXPECT_EQ(dpor.redundant, 0u);
  EXPECT_EQ(plain.distinct_final_states, 2u);  // x = 1 (lost update) or 2
  EXPECT_EQ(dpor.final_states, plain.final_states);
  EXPECT_EQ(plain.violated_properties, std::vector<std::string>{"lost_update"});
  EXPECT_EQ(dpor.violated_properties, std::vector<std::string>{"lost_update"});
}

TEST(ExplorerCounts, PreemptionBound) {
  testing::LostUpdate p(2, 1);
  // Bound 0: at each choice the actor that went last goes on, except at the
  // first choice (nobody went yet) and after an actor ends: A A A then B B B,
  // or B B B then A A A: 2 runs, both serial, no lost update.
  ExploreOptions o = all(false);
  o.max_preemptions = 0;
  ExploreReport r = exhaustive(p, o);
  EXPECT_EQ(r.executions, 2u);
  EXPECT_TRUE(r.violated_properties.empty());
  // Bound 1: a switch away from a live actor costs 1, a switch after the last
  // actor ended is free. Starting with A: A^3 B^3 (0), A^1 B^3 A^2 and
  // A^2 B^3 A^1 (1 each: the switch back after B ended is free); any word with
  // a second switch away from a live actor costs 2. Mirrored for B: 6 runs.
  // A^2 B^3 A^1 is l_A, then all of B, then s_A: the lost update.
  o.max_preemptions = 1;
  r = exhaustive(p, o);
  EXPECT_EQ(r.executions, 6u);
  EXPECT_EQ(r.violated_properties, std::vector<std::string>{"lost_update"});
  EXPECT_GT(r.preemption_pruned, 0u);
}

TEST(ExplorerCounts, DepthBoundCutsBranchingNotRuns) {
  testing::LostUpdate p(2, 1);
  // max_depth 1: only the first choice point branches (2 answers); each run
  // continues past it with default answers (the last actor goes on).
  ExploreOptions o = all(false);
  o.max_depth = 1;
  ExploreReport r = exhaustive(p, o);
  EXPECT_EQ(r.executions, 2u);
  EXPECT_EQ(r.depth_bounded, 2u);
}

}  // namespace
}  // namespace ipcsim::explore

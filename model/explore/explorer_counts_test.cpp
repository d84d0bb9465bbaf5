// Exploration counts pinned on programs small enough to count by hand. A step
// is "apply the announced op, then run local code to the next op"; an actor's
// first step runs from its start to its first op. Actors on different CPUs are
// all candidates while live, so every step among several live actors is a
// Schedule choice point; one live actor steps without a choice.
#include <gtest/gtest.h>

#include <limits>

#include "model/explore/controlled_run.hpp"  // kFallbackSteps
#include "model/explore/estimate.hpp"
#include "model/explore/explorer.hpp"
#include "model/explore/random_program.hpp"
#include "model/explore/test_programs.hpp"
#include "sim/fault_plan.hpp"

namespace ipcsim::explore {
namespace {

ExploreOptions all(bool dpor) {
  ExploreOptions o;
  o.dpor = dpor ? DporMode::Source : DporMode::Plain;
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

// ---- What a search covered: budgets and assumptions, each counted and named ----

TEST(ExplorerCoverage, AnExhaustedSearchWithNothingToAssumeIsComplete) {
  testing::SharedMutexPair p;
  ExploreReport r = exhaustive(p, all(true));
  EXPECT_EQ(r.end, SearchEnd::Exhausted);
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.budget_hits().empty());
  EXPECT_TRUE(r.assumptions().empty());
  EXPECT_EQ(r.coverage(), "complete");
}

TEST(ExplorerCoverage, MaxExecutionsMakesItInconclusive) {
  testing::SharedMutexPair p;  // 14 runs without DPOR
  ExploreOptions o = all(false);
  o.max_executions = 3;
  ExploreReport r = exhaustive(p, o);
  EXPECT_EQ(r.executions, 3u);
  EXPECT_EQ(r.end, SearchEnd::MaxExecutions);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.budget_hits(), std::vector<std::string>{"max executions (3) reached"});
  EXPECT_EQ(r.coverage(), "inconclusive: explored 3 executions, budget hit: max executions (3) reached");
  // The same bound, not reached, costs nothing.
  o.max_executions = 14;
  EXPECT_TRUE(exhaustive(p, o).complete);
}

TEST(ExplorerCoverage, ATimeLimitOnlyStopsTheSearch) {
  testing::SharedMutexPair p;
  ExploreOptions o = all(true);
  o.time_limit_seconds = 0;  // already passed before the first run
  ExploreReport r = exhaustive(p, o);
  EXPECT_EQ(r.executions, 0u);
  EXPECT_EQ(r.end, SearchEnd::TimeLimit);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.coverage(), "inconclusive: explored 0 executions, budget hit: time limit (0 s) reached");
  // A limit that does not fire changes nothing, not even the summary.
  o.time_limit_seconds = 3600;
  ExploreReport unlimited = exhaustive(p, all(true));
  ExploreReport limited = exhaustive(p, o);
  EXPECT_TRUE(limited.complete);
  EXPECT_EQ(limited.summary(), unlimited.summary());
}

// One actor storing a billion times: a single run of minutes, no choice in it.
// The time limit must end it from inside, or this test outlives ctest's timeout.
TEST(ExplorerCoverage, ATimeLimitEndsARunThatIsStillGoing) {
  testing::IndependentActors p(1, 1'000'000'000);
  ExploreOptions o = all(true);
  o.run.limits.max_steps = std::numeric_limits<std::uint64_t>::max();
  o.time_limit_seconds = 0.05;
  const ExploreReport r = exhaustive(p, o);
  EXPECT_EQ(r.executions, 0u);  // the cut run is not an execution
  EXPECT_EQ(r.distinct_final_states, 0u);
  EXPECT_EQ(r.end, SearchEnd::TimeLimit);
  EXPECT_FALSE(r.complete);
  // The estimate's probes are runs too: its budget cuts the first one.
  const SizeEstimate e = knuth_estimate(p, o, kDefaultProbes, kProbeSeed, 0.05);
  EXPECT_EQ(e.asked, kDefaultProbes);
  EXPECT_EQ(e.probes, 0u);
  EXPECT_EQ(e.executions, 0);
}

TEST(ExplorerCoverage, DepthBoundedAndStepLimitedRunsMakeItInconclusive) {
  testing::LostUpdate p(2, 1);
  ExploreOptions o = all(false);
  o.max_depth = 1;
  ExploreReport r = exhaustive(p, o);
  EXPECT_EQ(r.end, SearchEnd::Exhausted);  // the tree within the bound was exhausted...
  EXPECT_FALSE(r.complete);                // ...but the runs went on past it unexplored
  EXPECT_EQ(r.budget_hits(),
            std::vector<std::string>{"2 runs reached the depth bound (1 choice points) and went on unexplored"});

  testing::SharedMutexPair q;  // 6 or 7 steps a run
  o = all(true);
  o.run.limits.max_steps = 4;
  r = exhaustive(q, o);
  EXPECT_GT(r.step_limited, 0u);
  EXPECT_FALSE(r.complete);
  EXPECT_NE(r.coverage().find("hit the step limit (4 steps)"), std::string::npos) << r.coverage();
}

TEST(ExplorerCoverage, AnInconclusiveSearchStillNamesWhatItsRunsAssumed) {
  testing::BusMessageRace p;  // under DPOR: races across instants, events outside steps
  ExploreOptions o = all(true);
  o.max_executions = 1;
  ExploreReport r = exhaustive(p, o);
  ASSERT_EQ(r.end, SearchEnd::MaxExecutions);
  ASSERT_GT(r.cross_instant_races, 0u);
  ASSERT_GT(r.events, 0u);
  const std::string c = r.coverage();
  EXPECT_EQ(c.rfind("inconclusive: explored 1 execution, budget hit: max executions (1) reached\n"
                    "the runs it did explore rest on these assumptions:\n  - ",
                    0),
            0u)
      << c;
  EXPECT_NE(c.find("across instants left as time ordered them"), std::string::npos) << c;
  EXPECT_NE(c.find("fired outside steps"), std::string::npos) << c;
}

TEST(ExplorerCoverage, StoppingAtTheFirstViolationIsNotATruncation) {
  testing::LostUpdate p(2, 1);
  ExploreOptions o;  // stop_on_violation
  ExploreReport r = exhaustive(p, o);
  ASSERT_TRUE(r.counterexample);
  EXPECT_EQ(r.end, SearchEnd::Violation);
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(r.budget_hits().empty());
  EXPECT_EQ(r.coverage(), "stopped at the first violation (run " + std::to_string(r.counterexample->execution) + ")");
}

TEST(ExplorerCoverage, APreemptionBoundIsAnAssumptionWhenItRefusedSomething) {
  testing::LostUpdate p(2, 1);
  ExploreOptions o = all(false);
  o.max_preemptions = 1;
  ExploreReport r = exhaustive(p, o);
  ASSERT_GT(r.preemption_pruned, 0u);
  EXPECT_TRUE(r.complete);  // within its bound
  ASSERT_EQ(r.assumptions().size(), 1u);
  EXPECT_EQ(r.assumptions()[0].rfind("at most 1 preemption per run (", 0), 0u) << r.assumptions()[0];
  EXPECT_EQ(r.coverage().rfind("complete under these assumptions:\n  - at most 1 preemption", 0), 0u);
  // With DPOR the bound refuses race reversals instead: counted too.
  o.dpor = DporMode::Source;
  o.max_preemptions = 0;
  r = exhaustive(p, o);
  EXPECT_EQ(r.reversals_over_bound, 1u);
  EXPECT_NE(r.coverage().find("1 race reversal refused by the bound"), std::string::npos) << r.coverage();
  // A bound that refused nothing assumed nothing.
  o.max_preemptions = 10;
  EXPECT_TRUE(exhaustive(p, o).assumptions().empty());
}

TEST(ExplorerCoverage, RacesAcrossInstantsAndEventsAreNamedUnderDpor) {
  testing::BusMessageRace p;  // messages land at 1 us, events; the receiver starts at 5 us
  ExploreReport dpor = exhaustive(p, all(true));
  EXPECT_GT(dpor.cross_instant_races, 0u);
  EXPECT_GT(dpor.events, 0u);
  const std::string c = dpor.coverage();
  EXPECT_EQ(c.rfind("complete under these assumptions:", 0), 0u) << c;
  EXPECT_NE(c.find("races across instants left as time ordered them"), std::string::npos) << c;
  EXPECT_NE(c.find("fired outside steps"), std::string::npos) << c;
  // Plain search assumes neither: it tries every order whatever the footprints.
  ExploreReport plain = exhaustive(p, all(false));
  EXPECT_EQ(plain.coverage(), "complete");
  EXPECT_EQ(plain.final_states, dpor.final_states);
}

TEST(ExplorerCoverage, RunsEndingAtTheHorizonAreAnAssumption) {
  testing::BusMessageRace p;  // the receiver is spawned at 5 us
  ExploreOptions o = all(false);
  o.run.limits.horizon = sim::at_ns(2000);  // after the arrivals, before the receiver
  ExploreReport r = exhaustive(p, o);
  EXPECT_EQ(r.horizon_ended, r.executions);
  EXPECT_TRUE(r.complete);  // the horizon is part of the program, not a budget of the search
  ASSERT_EQ(r.assumptions().size(), 1u);
  EXPECT_EQ(r.assumptions()[0], std::to_string(r.executions) +
                                    " runs ended at the scenario's horizon (2us); what comes after it is not explored");
  EXPECT_EQ(r.coverage().rfind("complete under these assumptions:\n  - ", 0), 0u) << r.coverage();
  // Runs that end before the horizon assume nothing about it.
  o.run.limits.horizon = sim::at_ns(1'000'000);
  r = exhaustive(p, o);
  EXPECT_EQ(r.horizon_ended, 0u);
  EXPECT_EQ(r.coverage(), "complete");
}

TEST(ExplorerCoverage, AnUnaskedFaultPointIsAnAssumption) {
  testing::ReorderThree p(1);  // two reorder points, a budget of one fault
  ExploreReport r = exhaustive(p, all(false));
  EXPECT_GT(r.faults_unasked, 0u);
  ASSERT_EQ(r.assumptions().size(), 1u);
  EXPECT_NE(r.assumptions()[0].find("not asked because their run had spent it"), std::string::npos);
  testing::ReorderThree unbounded(10);
  EXPECT_EQ(exhaustive(unbounded, all(false)).faults_unasked, 0u);
}

TEST(ExplorerCoverage, IrreversibleRacesAreCountedAndNamed) {
  // A random program (model/explore/random_program.hpp) with races inside an
  // instant that no choice point could reverse; DPOR still reaches plain
  // search's final states on it (dpor_soundness_test.cpp), but the report
  // must not hide the assumption.
  testing::RandomProgram p(4);
  ExploreReport r = exhaustive(p, all(true));
  ASSERT_TRUE(r.complete);
  EXPECT_GT(r.irreversible_races, 0u);
  EXPECT_NE(r.coverage().find("within an instant that no choice point could reverse"), std::string::npos);
  ExploreReport plain = exhaustive(p, all(false));
  EXPECT_EQ(plain.final_states, r.final_states);
}

// A on a FIFO CPU takes `chain` steps alone (B waits behind it in the ready
// queue: one candidate, no choice point), then stores 1 into x; B then stores
// 2. The race of the two stores cannot be reversed at A's store, so the
// fall-back walks back through A's chain to the one choice point, at its start.
class LongChainThenRace final : public Program {
 public:
  explicit LongChainThenRace(int chain) : chain_(chain) {}
  std::string name() const override { return "long_chain_then_race"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c = w.add_cpu({.name = "cpu0"});
    sim::Memory& x = w.add_shared_region("x", 8, {c.id()});
    w.spawn(c, "A", [&x, n = chain_](sim::Ctx cx) -> sim::Task<> {
      for (int i = 0; i < n; ++i) (void)co_await cx.cpu().memory().load<std::uint32_t>(0);
      co_await x.store<std::uint32_t>(0, 1);
    });
    w.spawn(c, "B", [&x](sim::Ctx) -> sim::Task<> { co_await x.store<std::uint32_t>(0, 2); });
    Execution e;
    e.run = w.run(cx.limits());
    e.outcome_hash = OutcomeHash().add(testing::peek_u32(x, 0)).value();
    return e;
  }

 private:
  int chain_;
};

TEST(ExplorerCoverage, AFallBackThatRunsOutOfItsBudgetIsCounted) {
  LongChainThenRace short_chain(10);
  ExploreReport r = exhaustive(short_chain, all(true));
  EXPECT_EQ(r.fallbacks_exhausted, 0u);
  LongChainThenRace long_chain(static_cast<int>(detail::kFallbackSteps) + 10);
  r = exhaustive(long_chain, all(true));
  EXPECT_GT(r.fallbacks_exhausted, 0u);
  EXPECT_NE(r.coverage().find("gave up after 256 steps"), std::string::npos) << r.coverage();
  // Plain search, for reference: both orders of A and B.
  EXPECT_EQ(exhaustive(long_chain, all(false)).final_states, r.final_states);
}


// Optimal-DPOR (wakeup trees) against Source-DPOR, pinned on random programs
// where Source-DPOR's runs end blocked by their sleep set: it explores only
// the first step of a race's reversal, and the run then wanders into an order
// its sleep set already covers. Optimal-DPOR follows the whole reversal and
// leaves out reversals that could only block, so none of its runs block here,
// and every final state of plain search is still reached.
TEST(ExplorerCounts, OptimalDporRunsNoneBlockedWhereSourceDporDoes) {
  struct Pinned {
    std::uint64_t seed;
    testing::RandomShape shape;
    std::uint64_t source, source_blocked, optimal;
  };
  const Pinned pinned[] = {
      {10, {}, 2, 1, 1},
      {56, {}, 5, 2, 3},
      {56, {.bus_faults = true}, 15, 6, 9},
      {86, {}, 9, 3, 6},
      {5, {.more_sync = true}, 19, 3, 16},  // gates, a threshold semaphore, an event
  };
  for (const Pinned& c : pinned) {
    testing::RandomProgram p(c.seed, c.shape);
    SCOPED_TRACE(p.name() + (c.shape.bus_faults ? " with bus faults" : "") + (c.shape.more_sync ? " with more sync" : ""));
    const ExploreReport plain = exhaustive(p, all(false));
    const ExploreReport source = exhaustive(p, all(true));
    ExploreOptions o = all(true);
    o.dpor = DporMode::Optimal;
    const ExploreReport optimal = exhaustive(p, o);
    ASSERT_TRUE(plain.complete);
    EXPECT_TRUE(optimal.complete);
    EXPECT_EQ(optimal.final_states, plain.final_states) << optimal.summary();
    EXPECT_EQ(source.final_states, plain.final_states) << source.summary();
    EXPECT_EQ(optimal.redundant, 0u) << optimal.summary();
    EXPECT_EQ(source.executions, c.source);
    EXPECT_EQ(source.redundant, c.source_blocked);
    EXPECT_EQ(optimal.executions, c.optimal);
  }
}

}  // namespace
}  // namespace ipcsim::explore

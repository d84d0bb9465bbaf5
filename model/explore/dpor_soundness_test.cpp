// DPOR is sound (finds every bug and every final state plain exhaustive search
// finds) and reduces (explores fewer runs; one run when nothing is shared).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include "model/explore/explorer.hpp"
#include "model/explore/random_program.hpp"
#include "model/explore/test_programs.hpp"
#include "sim/replay_chooser.hpp"
#include "testing/sweep.hpp"

namespace ipcsim::explore {
namespace {

ExploreOptions all(bool dpor) {
  ExploreOptions o;
  o.dpor = dpor ? DporMode::Source : DporMode::Plain;
  o.stop_on_violation = false;
  return o;
}

struct Case {
  std::unique_ptr<Program> program;
  std::vector<std::string> bugs;  // what plain search must find
};

std::vector<Case> bug_zoo() {
  std::vector<Case> out;
  out.push_back({std::make_unique<testing::LostUpdate>(2, 1), {"lost_update"}});
  out.push_back({std::make_unique<testing::LostUpdate>(3, 1), {"lost_update"}});
  out.push_back({std::make_unique<testing::LostUpdate>(2, 2), {"lost_update"}});
  out.push_back({std::make_unique<testing::AbbaDeadlock>(), {"deadlock_free"}});
  out.push_back({std::make_unique<testing::AtomicityViolation>(false), {"atomicity"}});
  out.push_back({std::make_unique<testing::AtomicityViolation>(true), {}});
  out.push_back({std::make_unique<testing::Depth2Bug>(3), {"depth2"}});
  out.push_back({std::make_unique<testing::SharedMutexPair>(), {}});
  out.push_back({std::make_unique<testing::BusMessageRace>(), {}});
  return out;
}

TEST(DporSoundness, FindsEveryBugAndFinalStatePlainSearchFinds) {
  for (Case& c : bug_zoo()) {
    SCOPED_TRACE(c.program->name());
    const ExploreReport plain = exhaustive(*c.program, all(false));
    const ExploreReport dpor = exhaustive(*c.program, all(true));
    ASSERT_TRUE(plain.complete);
    ASSERT_TRUE(dpor.complete);
    EXPECT_EQ(plain.violated_properties, c.bugs) << "the broken variant must be caught by plain search";
    EXPECT_EQ(dpor.violated_properties, plain.violated_properties);
    EXPECT_EQ(dpor.final_states, plain.final_states);
    EXPECT_LE(dpor.executions, plain.executions);
    ExploreOptions o = all(true);
    o.dpor = DporMode::Optimal;
    const ExploreReport optimal = exhaustive(*c.program, o);
    ASSERT_TRUE(optimal.complete);
    EXPECT_EQ(optimal.violated_properties, plain.violated_properties);
    EXPECT_EQ(optimal.final_states, plain.final_states);
    // Locks included (atomicity_violation blocked 14 of its 42 runs before
    // the wake of a mutex's next owner stopped counting as a race).
    EXPECT_EQ(optimal.redundant, 0u) << optimal.summary();
  }
}

TEST(DporSoundness, ReducesOnTheBugZoo) {
  // Strict reduction where there is independence to exploit.
  testing::LostUpdate three(3, 1);
  const ExploreReport plain = exhaustive(three, all(false));
  const ExploreReport dpor = exhaustive(three, all(true));
  // 3 actors x 3 steps: 9! / (3!)^3 = 1680 interleavings.
  EXPECT_EQ(plain.executions, 1680u);
  EXPECT_LT(dpor.executions * 10, plain.executions) << dpor.summary();
}

TEST(DporSoundness, DisjointActorsNeedExactlyOneExecution) {
  for (int n : {2, 4, 6}) {
    testing::IndependentActors p(n, 3);
    const ExploreReport r = exhaustive(p, all(true));
    EXPECT_EQ(r.executions, 1u) << n << " actors";
    EXPECT_EQ(r.redundant, 0u);
    EXPECT_EQ(r.races, 0u);
    EXPECT_TRUE(r.complete);
  }
}

ExploreOptions all(DporMode mode) {
  ExploreOptions o = all(true);
  o.dpor = mode;
  return o;
}

struct Sweep {
  int compared = 0;
  std::uint64_t plain_runs = 0;
  std::uint64_t dpor_runs = 0;     // Source-DPOR
  std::uint64_t optimal_runs = 0;  // Optimal-DPOR
  std::uint64_t source_blocked = 0;
  std::uint64_t optimal_blocked = 0;  // runs blocked by their sleep set
};

// Plain search, Source-DPOR and Optimal-DPOR on random programs `first`..`last`
// of one shape; the programs plain search cannot finish within `limit` runs are
// left out. Both reductions must reach plain search's final states and
// violations.
// `blocked_allowed`: only the extended sweep below, whose few blocked runs are
// documented (model/explore/README.md), reports them instead of failing.
Sweep compare_random(std::uint64_t first, std::uint64_t last, testing::RandomShape shape, std::uint64_t limit,
                     bool blocked_allowed = false) {
  Sweep s;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    testing::RandomProgram p(seed, shape);
    ExploreOptions plain_options = all(false);
    plain_options.max_executions = limit;
    const ExploreReport plain = exhaustive(p, plain_options);
    if (!plain.complete) continue;
    for (DporMode mode : {DporMode::Source, DporMode::Optimal}) {
      const ExploreReport dpor = exhaustive(p, all(mode));
      EXPECT_TRUE(dpor.complete);
      EXPECT_EQ(dpor.final_states, plain.final_states) << p.name() << ": plain " << plain.summary() << "dpor "
                                                       << dpor.summary();
      EXPECT_EQ(dpor.violated_properties, plain.violated_properties) << p.name() << " " << to_string(mode);
      EXPECT_LE(dpor.executions, plain.executions) << p.name() << " " << to_string(mode);
      (mode == DporMode::Source ? s.dpor_runs : s.optimal_runs) += dpor.executions;
      (mode == DporMode::Source ? s.source_blocked : s.optimal_blocked) += dpor.redundant;
    }
    ++s.compared;
    s.plain_runs += plain.executions;
  }
  // Optimal-DPOR explores each of these programs without a run blocked by
  // its sleep set (explorer.hpp says how, on this kernel).
  if (!blocked_allowed) {
    EXPECT_EQ(s.optimal_blocked, 0u);
  }
  std::printf("%d programs: plain %llu runs, source %llu (%llu blocked), optimal %llu (%llu blocked)\n", s.compared,
              static_cast<unsigned long long>(s.plain_runs), static_cast<unsigned long long>(s.dpor_runs),
              static_cast<unsigned long long>(s.source_blocked), static_cast<unsigned long long>(s.optimal_runs),
              static_cast<unsigned long long>(s.optimal_blocked));
  return s;
}

// Each seed is a different random program; the digests cover what every actor
// observed and when each of its ops completed, so a missed interleaving shows.
// (Sweeps of 3,000 + 1,500 + 600 programs of these shapes, run while writing
// the explorer, found no difference either; they take minutes.)
TEST(DporSoundness, RandomProgramsReachTheSameFinalStatesAsPlainSearch) {
  const Sweep s = compare_random(1, sweep(160), {}, 1500);
  EXPECT_GE(s.compared, sweep(125));
  EXPECT_LT(s.dpor_runs * 10, s.plain_runs);
  RecordProperty("compared", s.compared);
}

TEST(DporSoundness, RandomProgramsWithBusFaultsToo) {
  const Sweep s = compare_random(1, sweep(60), {.bus_faults = true}, 1500);
  EXPECT_GE(s.compared, sweep(40));
  EXPECT_LT(s.dpor_runs * 10, s.plain_runs);
}

// Gates, a threshold semaphore and a manual event: their footprints use the
// commutative AccessMode::Update (signals, blocking at a gate), which this
// checks against plain search.
TEST(DporSoundness, RandomProgramsWithGatesThresholdsAndEvents) {
  const Sweep s = compare_random(1, sweep(120), {.more_sync = true}, 1500);
  EXPECT_GE(s.compared, sweep(90));
  EXPECT_LT(s.dpor_runs * 5, s.plain_runs);
  RecordProperty("compared", s.compared);
}

// Actors that change their own priority: a raised priority keeps a CPU, so an
// actor that was a candidate beside it steps only at a later instant, and the
// race with it crosses instants. Without the fall-back to where that actor
// was last a candidate (ControlledRun::where_it_waited), DPOR missed final
// states here (and in small RTOS priority-pass chains; see
// cli/scenario/dpor_vs_plain_test.cpp).
TEST(DporSoundness, RandomProgramsThatChangePriorities) {
  const Sweep s = compare_random(1, sweep(100), {.priority_changes = true}, 1500);
  EXPECT_GE(s.compared, sweep(65));
  RecordProperty("compared", s.compared);
}

// Found by the sweep beyond CI (priority_changes, seed 498). cpu0 is
// priority-preemptive; r1 and r2 (both priority 2) are on it, r0 alone on
// cpu1 (a lock and an unlock of m0, a priority change: independent of both).
// r1 raises its priority to 3 in its first step, yields (and is dispatched
// again: step 2, which writes cpu0's dispatch key) and computes twice 500 ns;
// r2 waits up to 1500 ns for a message that never comes. If r2 goes first it
// blocks at 0 and times out at 1500; if r1 goes first, it keeps cpu0 until
// 1000 and r2 times out at 2500: two final states. The race happens-before
// finds is r1's second dispatch (step 2) with r2's dispatch at 1000, on the
// dispatch key. At the choice point before step 2, r2 is no candidate (r1
// holds cpu0 at priority 3), but r0, independent of everything, is an initial
// of the reversal: Source-DPOR took it as the reversal and Optimal-DPOR
// judged the sequence one that could only block (r2, of r1's CPU and no
// candidate there, cannot step before r1); both reported the race reversed
// and the search complete with one final state. r2 was a candidate at the
// first choice point, before r1 raised its priority: where_it_waited()
// tries the reversal there whenever j's actor was no candidate before i.
TEST(DporSoundness, AReversalThroughAnotherActorDoesNotHideWhereTheRacingActorWaited) {
  testing::RandomProgram p(498, {.priority_changes = true});
  const ExploreReport plain = exhaustive(p, all(DporMode::Plain));
  ASSERT_TRUE(plain.complete);
  EXPECT_EQ(plain.distinct_final_states, 2u);
  for (DporMode mode : {DporMode::Source, DporMode::Optimal}) {
    const ExploreReport r = exhaustive(p, all(mode));
    EXPECT_TRUE(r.complete) << to_string(mode);
    EXPECT_EQ(r.final_states, plain.final_states) << to_string(mode) << ": " << r.summary();
    EXPECT_EQ(r.irreversible_races + r.cross_instant_races, 0u) << r.summary();
    if (mode == DporMode::Optimal) {
      EXPECT_EQ(r.redundant, 0u) << r.summary();
    }
  }
}

TEST(DporSoundness, LargerRandomPrograms) {
  const Sweep s = compare_random(1, sweep(25), {.max_actors = 4, .max_ops = 5}, 1500);
  EXPECT_GE(s.compared, sweep(12));
}

// The sweep beyond CI, on demand: IPCSIM_DPOR_SWEEP=161-700 runs the five
// shapes above on those seeds (minutes per few hundred seeds). Final states
// and violations must equal plain search's; blocked runs are printed, not
// failed (model/explore/README.md lists the few known ones). Skipped unless
// the variable is set, so that CI stays small.
TEST(DporSoundness, ExtendedSweepOnDemand) {
  const char* range = std::getenv("IPCSIM_DPOR_SWEEP");
  if (range == nullptr) GTEST_SKIP() << "set IPCSIM_DPOR_SWEEP=first-last to run it";
  unsigned long long first = 0, last = 0;
  ASSERT_EQ(std::sscanf(range, "%llu-%llu", &first, &last), 2)
      << "IPCSIM_DPOR_SWEEP: expected first-last, got " << range;
  ASSERT_LE(first, last) << "IPCSIM_DPOR_SWEEP: " << range;
  const std::pair<const char*, testing::RandomShape> shapes[] = {{"basic", {}},
                                                                  {"bus_faults", {.bus_faults = true}},
                                                                  {"more_sync", {.more_sync = true}},
                                                                  {"priority_changes", {.priority_changes = true}},
                                                                  {"max_actors = 4", {.max_actors = 4, .max_ops = 5}}};
  for (const auto& [name, shape] : shapes) {
    std::printf("%s, seeds %llu-%llu: ", name, first, last);
    compare_random(first, last, shape, 1500, /*blocked_allowed=*/true);
  }
}

// cpu0 is priority-preemptive: H (high) blocks on a semaphore at once, then L
// (low) takes three steps touching only its own memory, noting the time after
// each. B on cpu1 signals the semaphore: H wakes, preempts L, computes 1 us.
// Where B's signal falls among L's steps decides L's times; nothing but the
// preemption connects B's step with L's later steps, so only the CPU holder
// key (step_tracker.hpp) tells DPOR that they do not commute.
class RemotePreemption final : public Program {
 public:
  std::string name() const override { return "remote_preemption"; }
  Execution run(RunContext& cx) override {
    using namespace std::chrono_literals;
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Semaphore s(w, "s", 0);
    std::vector<std::int64_t> times;
    w.spawn(c0, "H", [&s](sim::Ctx cx) -> sim::Task<> {
      co_await s.wait();
      co_await cx.compute(1us);
    }, {.priority = 9});
    w.spawn(c0, "L", [&times](sim::Ctx cx) -> sim::Task<> {
      sim::Memory& mine = cx.cpu().memory();
      for (std::uint32_t k = 0; k < 3; ++k) {
        co_await mine.store<std::uint32_t>(0, k);
        times.push_back(sim::to_ns(cx.now()));
      }
    }, {.priority = 1});
    w.spawn(c1, "B", [&s](sim::Ctx) -> sim::Task<> { co_await s.signal(); });
    Execution e;
    e.run = w.run(cx.limits());
    OutcomeHash h;
    for (std::int64_t t : times) h.add(static_cast<std::uint64_t>(t));
    e.outcome_hash = h.value();
    w.shutdown();
    return e;
  }
};

TEST(DporSoundness, PreemptionByARemoteWakeIsOrderedWithTheHoldersSteps) {
  RemotePreemption p;
  const ExploreReport plain = exhaustive(p, all(false));
  const ExploreReport dpor = exhaustive(p, all(true));
  // L's three notes: the signal lands before L's first step, or after its
  // first, second or third: (1000 1000 1000), (0 1000 1000), (0 0 1000), (0 0 0).
  EXPECT_EQ(plain.distinct_final_states, 4u);
  EXPECT_EQ(dpor.final_states, plain.final_states) << dpor.summary();
}

TEST(Counterexample, StrictReplayReproducesTheFirstAndTheShortest) {
  testing::LostUpdate p(2, 2);
  for (bool shortest : {false, true}) {
    ExploreOptions o;
    o.shortest = shortest;
    const ExploreReport r = exhaustive(p, o);
    ASSERT_TRUE(r.counterexample) << r.summary();
    const Counterexample& cex = *r.counterexample;
    EXPECT_EQ(cex.property, "lost_update");
    EXPECT_TRUE(cex.replay_checked);
    EXPECT_TRUE(cex.replay_reproduces) << cex.replay_note;
    // And by hand: a strict ReplayChooser consumes exactly the list and fails the same way.
    sim::ReplayChooser strict(cex.choices, sim::ReplayChooser::Mode::Strict);
    const Outcome o2 = run_once(p, strict, {.seed = cex.seed});
    ASSERT_TRUE(o2.violation);
    EXPECT_EQ(o2.violation->property, "lost_update");
    EXPECT_EQ(o2.violation->message, cex.message);
    EXPECT_EQ(o2.choices, cex.choices);
    EXPECT_TRUE(strict.exhausted());
    if (shortest) {
      EXPECT_TRUE(r.complete);
      // Every violating run needs both actors' loads before some store; the
      // shortest list is no longer than the first one found.
      ExploreOptions first_only;
      const ExploreReport first = exhaustive(p, first_only);
      EXPECT_LE(cex.choices.size(), first.counterexample->choices.size());
    } else {
      EXPECT_FALSE(r.complete) << "stops at the first violation";
    }
  }
}

TEST(Counterexample, DeadlockCounterexampleReplays) {
  testing::AbbaDeadlock p;
  const ExploreReport r = exhaustive(p, {});
  ASSERT_TRUE(r.counterexample);
  EXPECT_EQ(r.counterexample->property, "deadlock_free");
  EXPECT_NE(r.counterexample->message.find("m1"), std::string::npos) << r.counterexample->message;
  EXPECT_TRUE(r.counterexample->replay_reproduces) << r.counterexample->replay_note;
}

// A program whose second run differs from its first: not deterministic.
class Flaky final : public Program {
 public:
  std::string name() const override { return "flaky"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    const int n = 2 + (runs_++ % 2);  // 2 actors, then 3
    for (int i = 0; i < n; ++i) {
      sim::Cpu& c = w.add_cpu({.name = "cpu" + std::to_string(i)});
      w.spawn(c, "a", [](sim::Ctx cx) -> sim::Task<> { co_await cx.yield(); });
    }
    Execution e;
    e.run = w.run(cx.limits());
    return e;
  }
  int runs_ = 0;
};

TEST(ExplorerErrors, ANondeterministicProgramIsReported) {
  Flaky p;
  EXPECT_THROW(exhaustive(p, all(false)), ExplorationError);
}

// The same choices every run, but from the second run on the writer's first
// store goes to other bytes (that no one else touches): the books of the
// prefix a run replays are kept from the run before (controlled_run.hpp), so
// a replayed step must touch what it touched then.
class FlakyFootprint final : public Program {
 public:
  std::string name() const override { return "flaky_footprint"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    const sim::CpuId c0 = w.add_cpu({.name = "cpu0"}).id();
    const sim::CpuId c1 = w.add_cpu({.name = "cpu1"}).id();
    sim::Memory& x = w.add_shared_region("x", 16, {c0, c1});
    const std::uint64_t aside = runs_++ == 0 ? 8 : 12;
    w.spawn(w.cpu(c0), "writer", [&x, aside](sim::Ctx) -> sim::Task<> {
      co_await x.store<std::uint32_t>(aside, 1);
      for (std::uint32_t k = 1; k <= 2; ++k) co_await x.store<std::uint32_t>(0, k);
    });
    w.spawn(w.cpu(c1), "reader", [&x](sim::Ctx) -> sim::Task<> {
      for (int k = 0; k < 2; ++k) (void)co_await x.load<std::uint32_t>(0);
    });
    Execution e;
    e.run = w.run(cx.limits());
    return e;
  }
  int runs_ = 0;
};

TEST(ExplorerErrors, AReplayedStepThatTouchesOtherBytesIsReported) {
  for (DporMode mode : {DporMode::Source, DporMode::Optimal}) {
    FlakyFootprint p;
    ExploreOptions o = all(true);
    o.dpor = mode;
    try {
      (void)exhaustive(p, o);
      ADD_FAILURE() << to_string(mode) << ": no error";
    } catch (const ExplorationError& e) {
      EXPECT_NE(std::string(e.what()).find("other accesses than before"), std::string::npos)
          << to_string(mode) << ": " << e.what();
    }
  }
}

// Unlocks a mutex it may not hold: a usage error in some schedules only.
class WrongUnlock final : public Program {
 public:
  std::string name() const override { return "wrong_unlock"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Mutex m(w, "m");
    w.spawn(c0, "owner", [&](sim::Ctx) -> sim::Task<> {
      co_await m.lock();
      co_await m.unlock();
    });
    w.spawn(c1, "meddler", [&](sim::Ctx) -> sim::Task<> {
      (void)co_await m.try_lock();
      co_await m.unlock();  // a usage error when try_lock failed (the owner holds m)
    });
    Execution e;
    e.run = w.run(cx.limits());
    w.shutdown();
    return e;
  }
};

TEST(ExplorerErrors, UsageErrorsInSomeSchedulesAreViolations) {
  WrongUnlock p;
  for (bool dpor : {false, true}) {
    const ExploreReport r = exhaustive(p, all(dpor));
    EXPECT_EQ(r.violated_properties, std::vector<std::string>{"no_usage_error"});
    EXPECT_LT(r.violating, r.executions) << "only some schedules fail";
  }
  const ExploreReport r = exhaustive(p, {});
  ASSERT_TRUE(r.counterexample);
  EXPECT_NE(r.counterexample->message.find("does not hold"), std::string::npos) << r.counterexample->message;
  EXPECT_TRUE(r.counterexample->replay_reproduces) << r.counterexample->replay_note;
}

// The same program without bind(): the explorer cannot end redundant runs
// early, so they run to their end, and the search is otherwise the same.
class Unbound final : public Program {
 public:
  explicit Unbound(Program& inner) : inner_(&inner) {}
  std::string name() const override { return inner_->name(); }
  Execution run(RunContext& cx) override {
    // Binds a context of its own: the explorer's context never sees the World.
    RunContext own(cx.chooser(), cx.observers(), cx.seed(), cx.limits(), std::nullopt);
    return inner_->run(own);
  }
  Program* inner_;
};

TEST(ExplorerRedundancy, RedundantRunsEndEarlyOnlyWhenTheWorldIsBound) {
  testing::LostUpdate p(3, 1);
  const ExploreReport bound = exhaustive(p, all(true));
  Unbound u(p);
  const ExploreReport unbound = exhaustive(u, all(true));
  EXPECT_EQ(bound.executions, unbound.executions);
  EXPECT_EQ(bound.redundant, unbound.redundant);
  EXPECT_EQ(bound.final_states, unbound.final_states);
  if (bound.redundant > 0) {
    EXPECT_LT(bound.transitions, unbound.transitions);
  }
}

}  // namespace
}  // namespace ipcsim::explore

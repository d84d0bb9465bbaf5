#include "model/explore/lock_order.hpp"

#include <gtest/gtest.h>

#include "model/explore/explorer.hpp"
#include "model/explore/fuzz.hpp"
#include "model/explore/test_programs.hpp"
#include "sim/random_chooser.hpp"

namespace ipcsim::explore {
namespace {

using namespace std::chrono_literals;

LockEdge edge(std::string held, std::string acquired, std::uint64_t run = 1) {
  return LockEdge{std::move(held), std::move(acquired), "h.cpp:1", "a.cpp:2", "'t' (#3)", run};
}

TEST(LockOrderGraph, ReportsTheCycleAnEdgeClosesOnce) {
  LockOrderGraph g;
  EXPECT_FALSE(g.add(edge("a", "b")));
  EXPECT_FALSE(g.add(edge("b", "c")));
  EXPECT_FALSE(g.add(edge("a", "b"))) << "a known edge changes nothing";
  EXPECT_EQ(g.edge_count(), 2u);
  EXPECT_EQ(g.class_count(), 3u);
  const std::optional<LockCycle> cycle = g.add(edge("c", "a", 7));
  ASSERT_TRUE(cycle);
  // The new edge, then the known path back to its start.
  ASSERT_EQ(cycle->edges.size(), 3u);
  EXPECT_EQ(cycle->edges[0].held, "c");
  EXPECT_EQ(cycle->edges[1].held, "a");
  EXPECT_EQ(cycle->edges[2].held, "b");
  EXPECT_EQ(cycle->edges[2].acquired, "c");
  EXPECT_NE(cycle->message.find("'c' -> 'a' -> 'b' -> 'c'"), std::string::npos) << cycle->message;
  EXPECT_NE(cycle->message.find("run 7"), std::string::npos);
  EXPECT_FALSE(g.add(edge("c", "a"))) << "reported once";
  EXPECT_EQ(g.cycles().size(), 1u);
  EXPECT_EQ(g.edges().size(), 3u);
}

TEST(LockOrderGraph, SelfEdgesAreRecursiveLockingUnlessDisabled) {
  LockOrderGraph g;
  const auto c = g.add(edge("pool", "pool"));
  ASSERT_TRUE(c);
  EXPECT_NE(c->message.find("possible recursive locking: 't' (#3) holds 'pool'"), std::string::npos) << c->message;
  LockOrderGraph quiet({.report_self_edges = false});
  EXPECT_FALSE(quiet.add(edge("pool", "pool")));
  EXPECT_EQ(quiet.edge_count(), 0u);
}

TEST(LockOrderGraph, SiteOfALockOp) {
  EXPECT_EQ(site_of_lock_op("lock mutex 'm' at a.cpp:12"), "a.cpp:12");
  EXPECT_EQ(site_of_lock_op("wait on semaphore 's'"), "");
}

// Runs `program` once under a random chooser with the lock-order monitor.
Outcome run_with_graph(Program& program, LockOrderGraph& graph, std::uint64_t seed = 1, std::uint64_t run = 1) {
  sim::RandomChooser chooser(seed);
  return run_once(program, chooser, {.lock_order = &graph}, {}, run);
}

TEST(LockOrderMonitor, CatchesAnAbbaInversionInARunThatDidNotDeadlock) {
  testing::AbbaAtDifferentTimes p;
  LockOrderGraph graph;
  const Outcome o = run_with_graph(p, graph);
  EXPECT_EQ(o.execution.run.outcome, sim::RunOutcome::Quiescent) << "no deadlock in this run";
  ASSERT_TRUE(o.violation);
  EXPECT_EQ(o.violation->property, "lock_order");
  const std::string& m = o.violation->message;
  // Both acquisition sites of both edges: A's m1 then m2, B's m2 then m1.
  EXPECT_NE(m.find("potential deadlock"), std::string::npos) << m;
  // Actors by their names and numbers, as every violation message names them.
  EXPECT_NE(m.find("'A' (#1) holds 'm1'"), std::string::npos) << m;
  EXPECT_NE(m.find("'B' (#2) holds 'm2'"), std::string::npos) << m;
  // Four acquisition sites: held and acquired, for each of the two edges.
  std::size_t sites = 0;
  for (std::size_t at = m.find("test_programs.hpp:"); at != std::string::npos; at = m.find("test_programs.hpp:", at + 1)) {
    ++sites;
  }
  EXPECT_EQ(sites, 4u) << m;
  EXPECT_EQ(graph.edge_count(), 2u);
}

// Takes m1 then m2 in two actors, one after the other: consistent order.
class ConsistentOrder final : public Program {
 public:
  std::string name() const override { return "consistent_order"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Mutex m1(w, "m1");
    sim::Mutex m2(w, "m2");
    for (sim::Cpu* c : {&c0, &c1}) {
      w.spawn(*c, "t", [&](sim::Ctx) -> sim::Task<> {
        co_await m1.lock();
        co_await m2.lock();
        co_await m2.unlock();
        co_await m1.unlock();
      });
    }
    Execution e;
    e.run = w.run(cx.limits());
    w.shutdown();
    return e;
  }
};

TEST(LockOrderMonitor, AConsistentOrderIsFineInEveryInterleaving) {
  ConsistentOrder p;
  LockOrderGraph graph;
  ExploreOptions o;
  o.run.lock_order = &graph;
  o.stop_on_violation = false;
  const ExploreReport r = exhaustive(p, o);
  EXPECT_TRUE(r.violated_properties.empty()) << r.summary();
  EXPECT_EQ(graph.edge_count(), 1u);
  EXPECT_TRUE(graph.cycles().empty());
}

// A holds m1 and crashes; a cleaner recovers m1 (sim::Mutex::recover_dead_owner)
// and B, waiting for it, gets it and then takes m2: one edge m1 -> m2 and no
// stale holding by the dead A, in every interleaving; no deadlock either.
class RecoveredLock final : public Program {
 public:
  std::string name() const override { return "recovered_lock"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Cpu& c2 = w.add_cpu({.name = "cpu2"});
    sim::Mutex m1(w, "m1");
    sim::Mutex m2(w, "m2");
    const sim::ActorRef a = w.spawn(c0, "A", [&](sim::Ctx cx) -> sim::Task<> {
      co_await m1.lock();
      co_await cx.sleep(10us);
      co_await m1.unlock();
    });
    w.spawn(c1, "B", [&](sim::Ctx cx) -> sim::Task<> {
      co_await cx.sleep(1us);
      co_await m1.lock();
      co_await m2.lock();
      co_await m2.unlock();
      co_await m1.unlock();
    });
    w.spawn(c2, "cleaner", [&, a](sim::Ctx cx) -> sim::Task<> {
      co_await cx.join(a);
      if (m1.owner() == a.id) m1.recover_dead_owner();
      co_await m2.lock();
      co_await m2.unlock();
    });
    w.at(sim::at_ns(5000), [&] { w.crash(c0); });
    Execution e;
    e.run = w.run(cx.limits());
    w.shutdown();
    return e;
  }
};

TEST(LockOrderMonitor, ARecoveredLockLeavesNoHoldingByTheDeadOwner) {
  RecoveredLock p;
  LockOrderGraph graph;
  ExploreOptions o;
  o.run.lock_order = &graph;
  o.stop_on_violation = false;
  const ExploreReport r = exhaustive(p, o);
  EXPECT_TRUE(r.violated_properties.empty()) << r.summary();
  EXPECT_EQ(graph.edge_count(), 1u);
  EXPECT_TRUE(graph.cycles().empty());
}

TEST(LockOrderMonitor, ADeadlockingRunReportsTheInversionAtTheAttempt) {
  // In the runs where ABBA deadlocks, neither second lock is ever granted:
  // the edges come from the attempts (sim.block on a mutex), as in lockdep,
  // and the inversion is seen before the deadlock.
  testing::AbbaDeadlock p;
  LockOrderGraph graph;
  ExploreOptions o;
  o.run.lock_order = &graph;
  const ExploreReport r = exhaustive(p, o);
  ASSERT_TRUE(r.counterexample);
  EXPECT_EQ(r.counterexample->property, "lock_order");
  EXPECT_TRUE(r.counterexample->replay_reproduces) << r.counterexample->replay_note;
}

TEST(LockOrderMonitor, TheGraphSpansRunsOfAnExploration) {
  testing::LockOrderByRace p;
  // Each run takes the two locks in one order only.
  {
    LockOrderGraph single;
    sim::RandomChooser chooser(3);
    const Outcome o = run_once(p, chooser, {.lock_order = &single});
    EXPECT_FALSE(o.violation);
    EXPECT_EQ(single.edge_count(), 1u);
  }
  LockOrderGraph graph;
  ExploreOptions o;
  o.run.lock_order = &graph;
  const ExploreReport r = exhaustive(p, o);
  ASSERT_TRUE(r.counterexample) << r.summary();
  EXPECT_EQ(r.counterexample->property, "lock_order");
  EXPECT_NE(r.counterexample->message.find("run 1"), std::string::npos) << "names the run of the other edge";
  // Replayed alone, with a fresh graph, the run shows one order only: the
  // report says so instead of pretending.
  EXPECT_TRUE(r.counterexample->replay_checked);
  EXPECT_FALSE(r.counterexample->replay_reproduces);
  EXPECT_NE(r.counterexample->replay_note.find("different runs"), std::string::npos) << r.counterexample->replay_note;
  // Without the graph nothing is wrong.
  const ExploreReport plain = exhaustive(p, {});
  EXPECT_FALSE(plain.counterexample);
}

TEST(LockOrderMonitor, AndRunsOfAFuzzCampaign) {
  testing::LockOrderByRace p;
  LockOrderGraph graph;
  FuzzOptions o;
  o.run.lock_order = &graph;
  o.max_runs = 200;
  const FuzzReport r = fuzz(p, o);
  ASSERT_TRUE(r.first);
  EXPECT_EQ(r.first->property, "lock_order");
  EXPECT_GT(r.runs, 1u) << "one run cannot show both orders";
}

}  // namespace
}  // namespace ipcsim::explore

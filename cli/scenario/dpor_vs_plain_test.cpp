// DPOR against plain search on small RTOS scenarios: both must reach the same
// set of final states (sim::World::state_digest: every memory byte, every
// kernel object, every actor; with the driver's digest, the verdict and the
// outcome) and the same violations. The configurations are the smallest that
// still race: plain search has to finish them in CI.
//
// This is how the explorer's fall-back to "where the racing actor was last a
// candidate" (model/explore/controlled_run.cpp, where_it_waited) was found:
// in a priority-pass chain, a stage raised to its message's priority keeps
// the CPU that a sibling stage was a candidate for, that sibling steps only at
// a later instant, and DPOR left the race alone as "ordered by time": it
// reached 2 of the 4 final states of pass_chain(3 stages, 4 messages, 3
// sources) in 10 runs, plain search all 4 in 36.
#include <gtest/gtest.h>

#include <string>

#include "cli/drivers/drivers.hpp"
#include "cli/scenario/loader.hpp"
#include "cli/scenario/scenario_program.hpp"
#include "model/explore/explorer.hpp"
#include "testing/sweep.hpp"

namespace ipcsim::scenario {
namespace {

std::string cpus(int n, const char* memory = nullptr) {
  std::string t;
  for (int i = 0; i < n; ++i) {
    t += "\n[[cpu]]\nname = \"cpu" + std::to_string(i) + "\"\npolicy = \"priority\"\n";
    if (memory != nullptr) t += std::string("memory = \"") + memory + "\"\n";
  }
  return t;
}

std::string scenario(const std::string& name, const std::string& machine, const std::string& workload,
                     const std::string& expect = "pass") {
  return "[scenario]\nname = \"" + name + "\"\nmechanism = \"rtos\"\n" + machine + "\n[workload]\n" + workload +
         "\n[expect]\noutcome = \"" + expect + "\"\n";
}

struct Compared {
  explore::ExploreReport plain;
  explore::ExploreReport dpor;     // Source-DPOR
  explore::ExploreReport optimal;  // Optimal-DPOR (wakeup trees)
};

Compared compare(const std::string& text) {
  drivers::register_all();
  Diagnostics diag;
  const std::optional<Scenario> s = parse_scenario(text, "dpor_vs_plain.toml", diag);
  EXPECT_TRUE(s) << diag.format();
  if (!s) return {};
  ScenarioProgram program(*s);
  explore::ExploreOptions o;
  o.stop_on_violation = false;  // every violation, in both searches
  o.verify_counterexample = false;
  o.max_executions = 100'000;
  o.run.seed = s->run.seed;
  o.run.limits = sim::RunLimits{.horizon = s->run.horizon, .max_steps = s->run.max_steps};
  o.run.deadlock_is_violation = true;
  Compared c;
  o.dpor = explore::DporMode::Plain;
  c.plain = explore::exhaustive(program, o);
  o.dpor = explore::DporMode::Source;
  c.dpor = explore::exhaustive(program, o);
  o.dpor = explore::DporMode::Optimal;
  c.optimal = explore::exhaustive(program, o);
  EXPECT_TRUE(c.plain.complete) << c.plain.summary();
  for (const explore::ExploreReport* r : {&c.dpor, &c.optimal}) {
    EXPECT_TRUE(r->complete) << r->summary();
    EXPECT_EQ(r->violated_properties, c.plain.violated_properties) << r->summary();
    // A run stops at its first violation, and where it stopped is its final
    // state: which independent steps came before the stop is a matter of
    // interleaving, not of state, so only runs without violations compare.
    if (c.plain.violated_properties.empty()) {
      EXPECT_EQ(r->final_states, c.plain.final_states) << "plain: " << c.plain.summary() << "dpor: " << r->summary();
    }
    EXPECT_LE(r->executions, c.plain.executions);
  }
  ::testing::Test::RecordProperty("plain_executions", std::to_string(c.plain.executions));
  ::testing::Test::RecordProperty("dpor_executions", std::to_string(c.dpor.executions));
  ::testing::Test::RecordProperty("optimal_executions", std::to_string(c.optimal.executions));
  ::testing::Test::RecordProperty("source_blocked", std::to_string(c.dpor.redundant));
  ::testing::Test::RecordProperty("optimal_blocked", std::to_string(c.optimal.redundant));
  ::testing::Test::RecordProperty("final_states", std::to_string(c.plain.distinct_final_states));
  return c;
}

// The master and the sink on cpu0, each slave on a CPU of its own, the RTOS
// in a shared region; the slaves' work differs, so they signal semT at
// different instants. The final states differ in the order the three tasks
// that end at the gate's pulse gave their control blocks back.
TEST(DporVsPlain, BroadcastTwoSlavesOnCpusOfTheirOwn) {
  // Plain search takes 32,400 runs here: 6 s in the default build, which runs
  // it; 90 s under the sanitizers, which see the same code paths in the
  // three-slave case below.
  if (kSanitized) GTEST_SKIP() << "32,400 plain runs: checked by the default build, not under the sanitizers";
  const Compared c = compare(scenario("bcast2", cpus(3, "4KiB"),
                                      "kind = \"broadcast\"\nslaves = 2\nrounds = 1\nslave_cpus = [\"cpu1\", \"cpu2\"]\n"
                                      "slave_work_min = \"1us\"\nslave_work_max = \"2us\"\nshared_memory_bytes = 9216\n"));
  EXPECT_EQ(c.plain.distinct_final_states, 6u);
  EXPECT_LT(c.dpor.executions * 100, c.plain.executions);
}

// Three slaves that outrank the master on its CPU, two rounds: choices only
// among equal priorities, every one of them a dispatch of the same CPU.
TEST(DporVsPlain, BroadcastThreeSlaves) {
  const Compared c = compare(scenario("bcast3", cpus(1),
                                      "kind = \"broadcast\"\nslaves = 3\nrounds = 2\nslave_work_min = \"500ns\"\n"
                                      "slave_work_max = \"3us\"\n"));
  EXPECT_EQ(c.plain.distinct_final_states, 6u);
}

TEST(DporVsPlain, PassChain) {
  const Compared c =
      compare(scenario("pass_chain", cpus(1), "kind = \"pass_chain\"\nstages = 3\nmessages = 4\nsources = 3\n"));
  EXPECT_EQ(c.plain.distinct_final_states, 4u);
}

TEST(DporVsPlain, Assembly) {
  const Compared c = compare(scenario("assembly", cpus(1), "kind = \"assembly\"\nmessages = 2\nservers = 3\n"));
  EXPECT_GE(c.plain.executions, 6u);
  EXPECT_EQ(c.plain.distinct_final_states, 1u);  // the servers' order leaves no trace in the state
}

// Broken variants: the same violations, found by both (final states are not
// compared: see compare()).
TEST(DporVsPlain, BroadcastWithoutGate) {
  const Compared c = compare(scenario("no_gate", cpus(1),
                                      "kind = \"broadcast\"\nbug = \"broadcast_without_gate\"\nslaves = 2\nrounds = 2\n",
                                      "no_double_delivery"));
  EXPECT_EQ(c.plain.violated_properties, std::vector<std::string>{"no_double_delivery"});
}

TEST(DporVsPlain, PassChainKeepingTheReceiversPriority) {
  const Compared c = compare(scenario("pass_keeps_priority", cpus(1),
                                      "kind = \"pass_chain\"\nbug = \"pass_keeps_receiver_priority\"\nstages = 2\n"
                                      "messages = 3\nsources = 2\n",
                                      "priority_pass"));
  EXPECT_EQ(c.plain.violated_properties, std::vector<std::string>{"priority_pass"});
}

}  // namespace
}  // namespace ipcsim::scenario

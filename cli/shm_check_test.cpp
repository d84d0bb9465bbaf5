// The shm mechanism under the model checker, on its bundled scenarios: a
// configuration on which both searches (DPOR and plain) cover every schedule,
// with their execution counts pinned; and the block-before-admin variant
// reported by the lock-order monitor on a run that did not deadlock. (The
// schedule-dependent check_then_lock is searched by its scenario's CHECK test.)
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "cli/drivers/drivers.hpp"
#include "cli/scenario/loader.hpp"
#include "cli/scenario/runner.hpp"
#include "cli/scenario/scenario_program.hpp"
#include "model/explore/explorer.hpp"
#include "model/explore/lock_order.hpp"
#include "model/explore/runner.hpp"
#include "sim/random_chooser.hpp"
#include "testing/source_dir.hpp"

namespace ipcsim::cli {
namespace {

// The bundled file, with `edit` applied to its text (a line added after its
// [workload] header).
scenario::Scenario load(const std::string& name, const std::string& extra_workload_line = "",
                        const std::string& bug = "") {
  drivers::register_all();
  const std::string path = std::string(::ipcsim::source_dir()) + "/scenarios/shm/" + name;
  std::ifstream in(path);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!extra_workload_line.empty()) {
    const std::size_t at = text.find("[workload]\n");
    if (at == std::string::npos) ADD_FAILURE() << path << " has no [workload]";
    else text.insert(at + 11, extra_workload_line + "\n");
  }
  if (!bug.empty()) {
    const std::size_t at = text.find("bug = \"");
    const std::size_t end = text.find('\n', at);
    if (at == std::string::npos) ADD_FAILURE() << path << " names no bug";
    else text.replace(at, end - at, "bug = \"" + bug + "\"");
  }
  scenario::Diagnostics diag;
  auto s = scenario::parse_scenario(text, path, diag);
  if (!s) ADD_FAILURE() << diag.format();
  return s ? *s : scenario::Scenario{};
}

explore::ExploreReport explore_all(const scenario::Scenario& s, bool dpor) {
  scenario::ScenarioProgram p(s);
  explore::ExploreOptions o;
  o.dpor = dpor;
  o.stop_on_violation = false;
  o.verify_counterexample = false;
  o.max_executions = 10'000;
  o.run.seed = s.run.seed;
  return explore::exhaustive(p, o);
}

TEST(ShmCheckTest, ARegistrationAndItsCleanupAreCorrectOnEverySchedule) {
  const scenario::Scenario s = load("check_register.toml");
  const explore::ExploreReport dpor = explore_all(s, true);
  ASSERT_TRUE(dpor.complete) << dpor.summary();
  EXPECT_EQ(dpor.violating, 0u) << dpor.summary();
  EXPECT_EQ(dpor.executions, 9u) << dpor.summary();
  EXPECT_EQ(dpor.redundant, 5u) << dpor.summary();
  // Plain search does not rest on DPOR's assumptions: every schedule, 360 runs.
  const explore::ExploreReport plain = explore_all(s, false);
  ASSERT_TRUE(plain.complete) << plain.summary();
  EXPECT_EQ(plain.violating, 0u) << plain.summary();
  EXPECT_EQ(plain.executions, 360u) << plain.summary();
}

TEST(ShmCheckTest, BlockBeforeAdminIsALockOrderInversionEvenWithoutADeadlock) {
  // The bundled file sends 10 us apart: the sender's block -> admin and the
  // engine's admin -> block never meet, and the runs end quiescent (judged
  // here with lock_order left to nobody, so that nothing stops them early)...
  const scenario::Scenario s = load("block_before_admin.toml");
  ASSERT_EQ(s.expect, "lock_order");
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    sim::RandomChooser chooser(seed);
    scenario::RunOptions ro;
    ro.chooser = &chooser;
    ro.judge_lock_order = false;
    const scenario::RunReport r = scenario::run_scenario(s, ro);
    EXPECT_EQ(r.result.outcome, sim::RunOutcome::Quiescent) << "seed " << seed;
    EXPECT_EQ(r.violated, "") << "seed " << seed;
  }
  // ... and the inversion is reported all the same, on every schedule.
  scenario::ScenarioProgram p(s);
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    explore::LockOrderGraph graph;
    sim::RandomChooser chooser(seed);
    explore::RunSettings settings;
    settings.seed = s.run.seed;
    settings.lock_order = &graph;
    const explore::Outcome o = explore::run_once(p, chooser, settings);
    ASSERT_TRUE(o.violation) << "seed " << seed;
    EXPECT_EQ(o.violation->property, "lock_order") << "seed " << seed;
    EXPECT_NE(o.violation->message.find("'proc1.block'"), std::string::npos) << o.violation->message;
    EXPECT_NE(o.violation->message.find("'shm.admin.lock'"), std::string::npos) << o.violation->message;
  }
  // The correct engine on the same workload: one lock order, admin -> block.
  const scenario::Scenario ok = load("block_before_admin.toml", "", "none");
  scenario::ScenarioProgram q(ok);
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    explore::LockOrderGraph graph;
    sim::RandomChooser chooser(seed);
    explore::RunSettings settings;
    settings.seed = ok.run.seed;
    settings.lock_order = &graph;
    const explore::Outcome o = explore::run_once(q, chooser, settings);
    EXPECT_FALSE(o.violation) << "seed " << seed << ": " << o.violation->message;
    EXPECT_GE(graph.edge_count(), 1u) << "the engine takes a block lock under the admin lock";
  }
}

}  // namespace
}  // namespace ipcsim::cli

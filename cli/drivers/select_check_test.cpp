// Model checking the select mechanism on its bundled small configurations:
// the correct protocol's smallest race (scenarios/select/small.toml) is
// covered completely with Source-DPOR, Optimal-DPOR (the default: no run
// blocked by its sleep set) and without DPOR, and the counts are pinned
// (a change in either is a change in the protocol's steps or in the
// explorer, to be looked at); the schedule-dependent broken variant
// (record_after_check.toml) is found.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "cli/drivers/drivers.hpp"
#include "cli/scenario/loader.hpp"
#include "cli/scenario/scenario_program.hpp"
#include "model/explore/explorer.hpp"
#include "testing/source_dir.hpp"
#include "testing/sweep.hpp"

namespace ipcsim::scenario {
namespace {

explore::ExploreReport explore_file(const std::string& name, explore::DporMode mode, bool stop_on_violation) {
  drivers::register_all();
  Diagnostics diag;
  const std::optional<Scenario> s =
      load_scenario(std::string(ipcsim::source_dir()) + "/scenarios/select/" + name, diag);
  EXPECT_TRUE(s) << diag.format();
  if (!s) return {};
  ScenarioProgram program(*s);
  explore::ExploreOptions o;
  o.stop_on_violation = stop_on_violation;
  o.verify_counterexample = false;
  o.max_executions = 100'000;
  o.run.seed = s->run.seed;
  o.run.limits = sim::RunLimits{.horizon = s->run.horizon, .max_steps = s->run.max_steps};
  o.run.deadlock_is_violation = true;
  o.dpor = mode;
  return explore::exhaustive(program, o);
}

explore::ExploreReport explore_file(const std::string& name, bool dpor, bool stop_on_violation) {
  return explore_file(name, dpor ? explore::DporMode::Source : explore::DporMode::Plain, stop_on_violation);
}

// A search of `name` in `mode` that covers every schedule in `executions`
// runs and finds no violation; Optimal-DPOR blocks none of them.
explore::ExploreReport expect_covered(const std::string& name, explore::DporMode mode, std::uint64_t executions) {
  explore::ExploreReport r = explore_file(name, mode, false);
  EXPECT_TRUE(r.complete) << r.summary();
  EXPECT_TRUE(r.violated_properties.empty()) << r.summary();
  EXPECT_EQ(r.executions, executions) << r.summary();
  if (mode == explore::DporMode::Optimal) {
    EXPECT_EQ(r.redundant, 0u) << r.summary();
  }
  return r;
}

// Source-DPOR and Optimal-DPOR cover `name` in their pinned counts and reach
// the same final states; so does the plain search, when it ends (not under
// the sanitizers: its thousands of runs are breadth, which the default build
// gives).
void expect_covered_in_every_mode(const std::string& name, std::uint64_t source, std::uint64_t optimal,
                                  std::optional<std::uint64_t> plain = std::nullopt) {
  const explore::ExploreReport dpor = expect_covered(name, explore::DporMode::Source, source);
  EXPECT_EQ(expect_covered(name, explore::DporMode::Optimal, optimal).final_states, dpor.final_states);
  if (!plain) return;
  if (kSanitized) GTEST_SKIP() << *plain << " plain runs: checked by the default build, not under the sanitizers";
  EXPECT_EQ(expect_covered(name, explore::DporMode::Plain, *plain).final_states, dpor.final_states);
}

TEST(SelectCheck, SmallRaceIsCoveredWithAndWithoutDpor) {
  expect_covered_in_every_mode("small.toml", 31, 18, 3634);
}

TEST(SelectCheck, RecordAfterCheckIsFound) {
  const explore::ExploreReport r = explore_file("record_after_check.toml", true, true);
  EXPECT_EQ(r.violated_properties, std::vector<std::string>{"no_lost_wakeup"}) << r.summary();
}

// The "check-then-sleep" trap: two selects on one CPU, the second beginning
// as the notification lands. Correct (scan and suspend in one op), DPOR
// covers every schedule; the plain search does not end in minutes (357,070
// executions in 120 s, none violating), so only the DPOR count is pinned.
TEST(SelectCheck, SleepAtomicIsCoveredWithDpor) {
  if (kSanitized) GTEST_SKIP() << "5,066 runs: checked by the default build, not under the sanitizers";
  expect_covered("sleep_atomic.toml", explore::DporMode::Source, 5066);
}

TEST(SelectCheck, CheckThenSleepIsFound) {
  const explore::ExploreReport r = explore_file("check_then_sleep.toml", true, true);
  EXPECT_EQ(r.violated_properties, std::vector<std::string>{"no_lost_wakeup"}) << r.summary();
}

// The "shadow before real" trap's correct version: a refused connect fails
// socket() itself, in every schedule, with DPOR and without.
TEST(SelectCheck, RefusedConnectIsCoveredWithAndWithoutDpor) {
  expect_covered_in_every_mode("refused_connect.toml", 14, 8, 1650);
}

// Leaving contention mode: DPOR covers every schedule of the detach, the
// kForward, the reads and selects in flight and the packets (the plain search
// stopped at 60 s, 75,580 executions, none violating: not pinned). The
// literal reading, silent_switch_back, is found.
TEST(SelectCheck, SwitchBackIsCoveredWithDpor) {
  expect_covered_in_every_mode("sockets_leave_small.toml", 202, 48);
}

// Optimal-DPOR blocked 3 of 138 runs here: a fall-back from the root's step
// that spawns the reader kept, in its sequence, the step of the reader's
// CPU's agent that only the reader's own steps wake (ControlledRun::reverse);
// and the spawn itself counted as a race with the reader's first step.
TEST(SelectCheck, PipeEndsEpipeBlocksNoRunWithOptimalDpor) {
  expect_covered("pipe_ends_epipe.toml", explore::DporMode::Optimal, 135);
}

TEST(SelectCheck, SilentSwitchBackIsFound) {
  const explore::ExploreReport r = explore_file("silent_switch_back.toml", true, true);
  EXPECT_EQ(r.violated_properties, std::vector<std::string>{"no_lost_wakeup"}) << r.summary();
}

}  // namespace
}  // namespace ipcsim::scenario

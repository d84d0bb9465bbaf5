// The message-list under `check`: a small configuration of the correct
// protocol is proved (every schedule, DPOR and plain search, their execution
// counts pinned so a change in the exploration is noticed), and the unlocked
// scan, a race only some schedules expose, is found with a shortest
// counterexample.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "cli/drivers/drivers.hpp"
#include "cli/scenario/loader.hpp"
#include "cli/scenario/scenario_program.hpp"
#include "model/explore/explorer.hpp"
#include "testing/source_dir.hpp"

namespace ipcsim::cli {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string bundled_path(const std::string& name) {
  return std::string(::ipcsim::source_dir()) + "/scenarios/scan/" + name;
}

scenario::Scenario parse(const std::string& text, const std::string& path) {
  drivers::register_all();
  scenario::Diagnostics diag;
  auto s = scenario::parse_scenario(text, path, diag);
  if (!s) ADD_FAILURE() << diag.format();
  return s ? *s : scenario::Scenario{};
}

explore::ExploreReport explore_all(const scenario::Scenario& s, bool dpor, bool shortest = false) {
  scenario::ScenarioProgram p(s);
  explore::ExploreOptions o;
  o.dpor = dpor ? explore::DporMode::Source : explore::DporMode::Plain;
  o.stop_on_violation = false;
  o.shortest = shortest;
  o.max_executions = 100'000;
  o.run.seed = s.run.seed;
  return explore::exhaustive(p, o);
}

TEST(ScanCheckTest, TheSmallConfigurationHasNoViolatingSchedule) {
  const std::string path = bundled_path("check_small.toml");
  const explore::ExploreReport r = explore_all(parse(read(path), path), /*dpor=*/true);
  ASSERT_TRUE(r.complete) << r.summary();
  EXPECT_EQ(r.violating, 0u) << r.summary();
  EXPECT_EQ(r.executions, 800u) << r.summary();
  EXPECT_EQ(r.distinct_final_states, 6u) << r.summary();
}

// Plain search of the two-message file takes some 70,000 runs (seconds): the
// DPOR/plain comparison is pinned on its one-message variant.
TEST(ScanCheckTest, DporAndPlainSearchCoverTheSameRunsOfOneMessage) {
  const std::string path = bundled_path("check_small.toml");
  std::string text = read(path);
  const std::size_t at = text.find("messages = 2");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, "messages = 1");
  const explore::ExploreReport dpor = explore_all(parse(text, path), true);
  const explore::ExploreReport plain = explore_all(parse(text, path), false);
  ASSERT_TRUE(dpor.complete) << dpor.summary();
  ASSERT_TRUE(plain.complete) << plain.summary();
  EXPECT_EQ(dpor.violating, 0u);
  EXPECT_EQ(plain.violating, 0u);
  EXPECT_EQ(dpor.executions, 64u) << dpor.summary();
  EXPECT_EQ(plain.executions, 6090u) << plain.summary();
  EXPECT_EQ(dpor.final_states, plain.final_states);
}

TEST(ScanCheckTest, TheUnlockedScanIsARaceOnlySomeSchedulesExpose) {
  const std::string path = bundled_path("unlocked_scan.toml");
  const explore::ExploreReport r = explore_all(parse(read(path), path), true, /*shortest=*/true);
  ASSERT_TRUE(r.complete) << r.summary();
  EXPECT_GT(r.violating, 0u) << r.summary();
  EXPECT_LT(r.violating, r.executions - r.redundant) << r.summary();
  ASSERT_TRUE(r.counterexample.has_value());
  EXPECT_EQ(r.counterexample->property, "live_slots_only");
  EXPECT_EQ(r.counterexample->choices.size(), 13u) << r.counterexample->message;
  EXPECT_TRUE(r.counterexample->replay_reproduces) << r.counterexample->replay_note;
}

}  // namespace
}  // namespace ipcsim::cli

#include "cli/scenario/fuzz.hpp"

#include <gtest/gtest.h>

#include <set>

#include "cli/drivers/drivers.hpp"
#include "cli/scenario/loader.hpp"
#include "cli/scenario/runner.hpp"
#include "cli/scenario/test_scenarios.hpp"
#include "sim/replay_chooser.hpp"

namespace ipcsim::scenario {
namespace {

Scenario load(bool dedupe) {
  drivers::register_all();
  Diagnostics diag;
  auto s = parse_scenario(testing::pingpong_text(dedupe), "pp.toml", diag);
  EXPECT_TRUE(s) << diag.format();
  return *s;
}

std::set<std::uint64_t> finding_seeds(const FuzzResult& r) {
  std::set<std::uint64_t> out;
  for (const auto& f : r.findings) out.insert(f.seed);
  return out;
}

TEST(FuzzTest, StopsAtTheLowestFindingWhateverTheNumberOfJobs) {
  const Scenario s = load(false);
  FuzzOptions one{.runs = 200, .first_seed = 1, .jobs = 1};
  FuzzOptions three = one;
  three.jobs = 3;
  const FuzzResult a = run_fuzz(s, one);
  const FuzzResult b = run_fuzz(s, three);
  ASSERT_EQ(a.findings.size(), 1u);
  ASSERT_EQ(b.findings.size(), 1u);
  EXPECT_EQ(a.findings[0].seed, b.findings[0].seed);
  EXPECT_EQ(a.findings[0].shrunk, b.findings[0].shrunk);
  EXPECT_EQ(a.runs_done, b.runs_done);
  EXPECT_EQ(a.runs_done, a.findings[0].run_index + 1);
  EXPECT_TRUE(a.as_expected);
  // Every run before the finding passed: check the one just before directly.
  if (a.findings[0].run_index > 0) {
    const RunReport before = run_scenario(s, {.seed = a.findings[0].seed - 1});
    EXPECT_EQ(before.violated, "");
  }
}

TEST(FuzzTest, ShardsTogetherCoverExactlyTheWholeCampaign) {
  const Scenario s = load(false);
  FuzzOptions all{.runs = 60, .first_seed = 1, .jobs = 1, .keep_going = true, .shrink = false};
  const FuzzResult whole = run_fuzz(s, all);
  ASSERT_GT(whole.findings.size(), 1u) << "the broken variant fails often";
  std::set<std::uint64_t> union_seeds;
  std::uint64_t runs = 0;
  for (unsigned i = 1; i <= 3; ++i) {
    FuzzOptions shard = all;
    shard.shard_index = i;
    shard.shard_count = 3;
    shard.jobs = 2;
    const FuzzResult part = run_fuzz(s, shard);
    runs += part.runs_done;
    for (std::uint64_t seed : finding_seeds(part)) EXPECT_TRUE(union_seeds.insert(seed).second) << "seed in two shards";
  }
  EXPECT_EQ(runs, 60u);
  EXPECT_EQ(union_seeds, finding_seeds(whole));
}

TEST(FuzzTest, ShrunkCounterexampleReplaysStrictlyToTheSameViolation) {
  const Scenario s = load(false);
  const FuzzResult r = run_fuzz(s, {.runs = 100, .first_seed = 7});
  ASSERT_EQ(r.findings.size(), 1u);
  const FuzzFinding& f = r.findings[0];
  EXPECT_LE(f.shrunk.size(), f.original.size());
  sim::ReplayChooser strict(f.shrunk);
  const RunReport again = run_scenario(s, {.seed = f.seed, .chooser = &strict});
  EXPECT_EQ(again.violated, "no_double_delivery");
  EXPECT_EQ(again.choices, f.shrunk);
}

TEST(FuzzTest, ACleanScenarioPassesAndABrokenOneMustBeCaught) {
  const FuzzResult clean = run_fuzz(load(true), {.runs = 100, .first_seed = 1, .jobs = 2});
  EXPECT_TRUE(clean.findings.empty());
  EXPECT_TRUE(clean.as_expected);
  EXPECT_EQ(clean.runs_done, 100u);
  // With no fault budget the duplicate never happens: the expected violation is
  // not found, and that is not as expected.
  Scenario broken = load(false);
  broken.run.max_faults = 0;
  const FuzzResult missed = run_fuzz(broken, {.runs = 20, .first_seed = 1});
  EXPECT_TRUE(missed.findings.empty());
  EXPECT_FALSE(missed.as_expected);
  EXPECT_NE(missed.verdict.find("was not found in 20 run(s)"), std::string::npos) << missed.verdict;
}

}  // namespace
}  // namespace ipcsim::scenario

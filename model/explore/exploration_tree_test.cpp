#include "model/explore/exploration_tree.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "model/explore/explorer.hpp"
#include "model/explore/test_programs.hpp"

namespace ipcsim::explore {
namespace {

ExploreOptions all(bool dpor, ExplorationTree& tree) {
  ExploreOptions o;
  o.dpor = dpor ? DporMode::Source : DporMode::Plain;
  o.stop_on_violation = false;
  o.tree = &tree;
  return o;
}

nlohmann::json as_json(const ExplorationTree& tree) {
  std::string text;
  std::string error;
  EXPECT_TRUE(tree.to_json(text, error)) << error;
  return nlohmann::json::parse(text);
}

TEST(ExplorationTree, OneNodePerDecisionSharedByPrefixes) {
  testing::LostUpdate p(2, 1);
  ExplorationTree tree;
  const ExploreReport r = exhaustive(p, all(false, tree));
  ASSERT_EQ(r.executions, 20u);
  const nlohmann::json j = as_json(tree);
  EXPECT_EQ(j["executions"], 20);
  const auto& nodes = j["nodes"];
  EXPECT_EQ(nodes[0]["id"], 0);
  EXPECT_EQ(nodes[0]["parent"], -1);
  // Plain search over two 3-step actors: a decision is a letter (A or B) taken
  // while both actors still had steps, after a prefix with a < 3 A's and b < 3
  // B's; there are C(a + b, a) such prefixes per (a, b), summing to 19 over
  // a, b in [0, 2], and 2 letters after each: 38 decision nodes, plus the root.
  EXPECT_EQ(nodes.size(), 39u);
  std::map<std::int64_t, int> children;
  int leaves = 0;
  for (const auto& n : nodes) {
    if (n["id"] != 0) {
      EXPECT_EQ(n["kind"], "s");
      EXPECT_EQ(n["n"], 2);
      EXPECT_LT(n["value"].get<int>(), 2);
      EXPECT_TRUE(n["actor"].is_number());
      EXPECT_FALSE(n["pruned"].get<bool>()) << "plain search prunes nothing";
      ++children[n["parent"].get<std::int64_t>()];
    }
    if (n.contains("end")) ++leaves;
  }
  EXPECT_EQ(leaves, 20) << "each run ends at its own last decision";
  for (const auto& [parent, count] : children) EXPECT_LE(count, 2) << "a binary choice has at most 2 children";
  // Violations mark the leaves of the 12 runs that lost an update.
  int violating = 0;
  for (const auto& n : nodes) violating += n["violation"] == "lost_update" ? 1 : 0;
  EXPECT_EQ(violating, 12);
}

TEST(ExplorationTree, DporShowsItsPrunedAlternatives) {
  testing::IndependentActors p(3, 1);
  ExplorationTree tree;
  const ExploreReport r = exhaustive(p, all(true, tree));
  ASSERT_EQ(r.executions, 1u);
  const nlohmann::json j = as_json(tree);
  int pruned = 0;
  int taken = 0;
  for (const auto& n : j["nodes"]) {
    if (n["id"] == 0) continue;
    (n["pruned"].get<bool>() ? pruned : taken)++;
  }
  EXPECT_EQ(taken, 4) << "the one run's 4 choice points";
  EXPECT_EQ(pruned, static_cast<int>(r.pruned_branches));
  EXPECT_EQ(pruned, 6);
}

TEST(ExplorationTree, RedundantRunsAndNonScheduleChoicesAreMarked) {
  testing::ReorderThree p(UINT32_MAX);
  ExplorationTree tree;
  exhaustive(p, all(true, tree));
  const nlohmann::json j = as_json(tree);
  std::map<std::string, int> kinds;
  for (const auto& n : j["nodes"]) kinds[n["kind"].get<std::string>()]++;
  // Landing #1: "reorder" 0 and 1; after a 1, an "o" (message order) with 2
  // values; landing #2: "reorder" 0 and 1 under each of the 3 outcomes of #1.
  EXPECT_EQ(kinds["reorder"], 2 + 3 * 2);
  EXPECT_EQ(kinds["o"], 2);
  for (const auto& n : j["nodes"]) {
    if (n["kind"] != "s" && n["id"] != 0) {
      EXPECT_TRUE(n["actor"].is_null());
    }
  }
  // Runs DPOR cut short end with "redundant".
  testing::AtomicityViolation racy(false);
  ExplorationTree tree2;
  const ExploreReport r = exhaustive(racy, all(true, tree2));
  ASSERT_GT(r.redundant, 0u);
  std::uint64_t redundant = 0;
  const nlohmann::json j2 = as_json(tree2);
  for (const auto& n : j2["nodes"]) redundant += n.value("end", std::string()) == "redundant" ? 1 : 0;
  EXPECT_EQ(redundant, r.redundant);
}

TEST(ExplorationTree, TheSizeLimitFailsWithAClearMessage) {
  testing::LostUpdate p(2, 2);
  ExplorationTree tree(10);
  exhaustive(p, all(false, tree));
  EXPECT_TRUE(tree.truncated());
  EXPECT_EQ(tree.nodes().size(), 10u);
  std::string text;
  std::string error;
  EXPECT_FALSE(tree.to_json(text, error));
  EXPECT_NE(error.find("more than 10 nodes"), std::string::npos) << error;
  EXPECT_NE(error.find("small scenarios"), std::string::npos) << error;
  EXPECT_FALSE(tree.write_json("/tmp/never-written.json", error));
}

TEST(ExplorationTree, WritesAFile) {
  testing::SharedMutexPair p;
  ExplorationTree tree;
  exhaustive(p, all(true, tree));
  const std::string path = ::testing::TempDir() + "ipcsim_tree.json";
  std::string error;
  ASSERT_TRUE(tree.write_json(path, error)) << error;
  std::ifstream in(path);
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["executions"], 4);
  EXPECT_FALSE(tree.write_json("/nonexistent-dir/x.json", error));
  EXPECT_NE(error.find("/nonexistent-dir/x.json"), std::string::npos);
}

}  // namespace
}  // namespace ipcsim::explore

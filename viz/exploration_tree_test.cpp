// The exploration tree: reading the explorer's JSON and drawing it.
#include <gtest/gtest.h>

#include <sstream>

#include "viz/errors.hpp"
#include "viz/exploration_tree.hpp"
#include "viz/testing/golden.hpp"
#include "viz/testing/xml_check.hpp"

namespace ipcsim::viz {
namespace {

ParseError tree_error(const std::string& text) {
  std::istringstream in(text);
  try {
    parse_exploration_tree(in, "tree.json");
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "no ParseError for " << text;
  return ParseError("", 0, 0, "");
}

TEST(ExplorationTreeTest, ReadsTheExplorersFormat) {
  const ExplorationTree tree = testing::stored_tree("small.tree.json");
  EXPECT_EQ(tree.executions, 3u);
  ASSERT_EQ(tree.nodes.size(), 7u);
  EXPECT_EQ(tree.nodes[1].kind, "s");
  EXPECT_EQ(tree.nodes[1].actor, 1);
  EXPECT_FALSE(tree.nodes[5].actor.has_value());
  EXPECT_TRUE(tree.nodes[3].pruned);
  EXPECT_EQ(tree.nodes[6].violation, "no_loss");
}

TEST(ExplorationTreeTest, DrawsChoicesPrunedNodesAndTheViolatingPath) {
  const ExplorationTree tree = testing::stored_tree("small.tree.json");
  const std::string dot = exploration_tree_dot(tree);
  EXPECT_NE(dot.find("n1 [label=\"s/2=0\\nactor 1\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("n3 [label=\"s/2=1\\nactor 3\\npruned\""), std::string::npos);
  EXPECT_NE(dot.find("n6 [label=\"drop/2=1\\nno_loss\", fillcolor=\"#d62728\""), std::string::npos);
  EXPECT_NE(dot.find("n0 -> n4 [color=\"#d62728\""), std::string::npos) << "the path to the violation is red";
  EXPECT_EQ(dot.find("n0 -> n1 [color"), std::string::npos) << "and only that path";
  EXPECT_NE(dot.find("3 executions, 6 choice points, 1 violating"), std::string::npos);
  testing::expect_golden("small.tree.dot", dot);
  const std::string svg = exploration_tree_svg(tree);
  const testing::XmlCheck xml = testing::check_xml(svg);
  EXPECT_TRUE(xml.ok) << xml.error;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(exploration_tree_svg(tree) == svg) << "render " << i << " differs";
}

// lost_update.tree.json is what model/explore writes (ExplorationTree::write_json)
// for its LostUpdate(2 actors, 1 round) test program under DPOR: 4 executions,
// 4 alternatives pruned, 2 runs that lose the update.
TEST(ExplorationTreeTest, ReadsAndDrawsTheExplorersOwnExport) {
  const ExplorationTree tree = testing::stored_tree("lost_update.tree.json");
  EXPECT_EQ(tree.executions, 4u);
  EXPECT_FALSE(tree.truncated);
  ASSERT_EQ(tree.nodes.size(), 15u);
  EXPECT_EQ(tree.nodes[0].kind, "root");
  EXPECT_FALSE(tree.nodes[0].actor.has_value());
  std::size_t pruned = 0, violating = 0, ends = 0;
  for (const TreeNode& n : tree.nodes) {
    pruned += n.pruned ? 1 : 0;
    violating += n.violation ? 1 : 0;
    ends += n.end.empty() ? 0 : 1;
  }
  EXPECT_EQ(pruned, 4u);
  EXPECT_EQ(violating, 2u);
  EXPECT_EQ(ends, 4u) << "one end per execution";
  const std::string dot = exploration_tree_dot(tree);
  EXPECT_NE(dot.find("4 executions, 14 choice points, 2 violating"), std::string::npos) << dot;
  testing::expect_golden("lost_update.tree.dot", dot);
  EXPECT_TRUE(testing::check_xml(exploration_tree_svg(tree)).ok);
}

TEST(ExplorationTreeTest, RootMayBeLeftOutAndSizeIsLimited) {
  std::istringstream in(
      R"({"executions": 2, "truncated": true, "nodes": [{"id": 1, "parent": 0, "kind": "s", "n": 2, "value": 0, "actor": 1},
                                     {"id": 2, "parent": 1, "kind": "s", "n": 2, "value": 1, "actor": 2},
                                     {"id": 3, "parent": 0, "kind": "s", "n": 2, "value": 1, "actor": 2}]})");
  const ExplorationTree tree = parse_exploration_tree(in, "t");
  TreeOptions two;
  two.max_nodes = 2;
  const std::string dot = exploration_tree_dot(tree, two);
  EXPECT_NE(dot.find("n0 -> n1"), std::string::npos);
  EXPECT_NE(dot.find("n1 -> n2"), std::string::npos);
  EXPECT_EQ(dot.find("n0 -> n3"), std::string::npos);
  EXPECT_NE(dot.find("1 nodes not drawn (max_nodes 2)"), std::string::npos);
  EXPECT_NE(dot.find("the tree is incomplete"), std::string::npos);
}

TEST(ExplorationTreeTest, BadFilesSayWhere) {
  const ParseError syntax = tree_error("{\"executions\": 1,\n \"nodes\": [ {\"id\": 1,, } ]}");
  EXPECT_EQ(syntax.line(), 2u);
  EXPECT_GT(syntax.column(), 1u);
  EXPECT_NE(tree_error("[]").message().find("expected an object"), std::string::npos);
  EXPECT_NE(tree_error("{\"nodes\": []}").message().find("\"executions\""), std::string::npos);
  EXPECT_NE(tree_error(R"({"executions": 1, "nodes": [{"id": 1, "parent": 9, "kind": "s", "n": 2, "value": 0}]})")
                .message()
                .find("nodes[0] (id 1): parent 9 is not a node"),
            std::string::npos);
  EXPECT_NE(tree_error(R"({"executions": 1, "nodes": [{"id": 1, "parent": 0, "kind": "s", "n": 2, "value": 2}]})")
                .message()
                .find("\"value\" 2 is not in [0, 2)"),
            std::string::npos);
  EXPECT_NE(tree_error(R"({"executions": 1, "nodes": [{"id": 1, "parent": 0, "kind": "s", "n": 2, "value": 0},
                                                      {"id": 1, "parent": 0, "kind": "s", "n": 2, "value": 1}]})")
                .message()
                .find("id is used twice"),
            std::string::npos);
  EXPECT_THROW(load_exploration_tree("/nonexistent.json"), ParseError);
}

}  // namespace
}  // namespace ipcsim::viz

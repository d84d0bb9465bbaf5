// The explored execution tree of a model-checking run, from the JSON file the
// explorer writes (model/explore):
//   {"executions": N, "nodes": [{"id": 1, "parent": 0, "kind": "s", "n": 3,
//     "value": 1, "actor": 2, "violation": null, "pruned": false}, ...]}
// one node per choice point reached; the root has id 0 and parent -1 (it may
// be left out of the list); "end" (how an execution ending at a node ended)
// and "truncated" are optional. A node is drawn as "kind/n=value" (the choice
// list notation of sim/choice.hpp) and the actor a schedule choice picked;
// nodes where a property broke are red with the property named, and the path
// from the root to them is red; pruned nodes (DPOR) are grey and dashed; an
// end other than "quiescent" is written under the leaf.
//
//   viz::ExplorationTree tree = viz::load_exploration_tree("explore.json");
//   std::string svg = viz::exploration_tree_svg(tree);
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace ipcsim::viz {

struct TreeNode {
  std::int64_t id = 0;
  std::int64_t parent = -1;
  std::string kind;  // "s", "o", "drop", ... (sim::choice_kind_name)
  std::uint32_t n = 0;
  std::uint32_t value = 0;
  std::optional<std::int64_t> actor;
  std::optional<std::string> violation;
  bool pruned = false;
  std::string end;  // how the execution ending here ended ("deadlock", "redundant"); "" if none ends here
};

struct ExplorationTree {
  std::string source;
  std::uint64_t executions = 0;
  bool truncated = false;       // the explorer stopped recording nodes
  std::vector<TreeNode> nodes;  // as in the file
};

// ParseError (errors.hpp) on bad JSON (with line and column) or a bad shape
// (naming the node: "nodes[4] (id 5): parent 9 is not a node").
ExplorationTree parse_exploration_tree(std::istream& in, const std::string& source = "<input>");
ExplorationTree load_exploration_tree(const std::string& path);

struct TreeOptions {
  std::size_t max_nodes = 3000;  // limit on nodes drawn (in file order); the title says what was cut
};

std::string exploration_tree_dot(const ExplorationTree& tree, const TreeOptions& options = {});
std::string exploration_tree_svg(const ExplorationTree& tree, const TreeOptions& options = {});

}  // namespace ipcsim::viz

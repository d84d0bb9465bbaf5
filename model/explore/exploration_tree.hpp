// The tree an exhaustive exploration walked, for viewers (viz/).
//
// One node per decision taken at a choice point reached by some execution: the
// root (id 0, parent -1, kind "root") is the start of every run; a node's
// children are the decisions taken at the next choice point after it. Prefixes
// shared by several executions share their nodes. Alternatives that DPOR (or a
// preemption bound) proved unnecessary appear as leaves with "pruned": true.
// The last node of each execution carries how it ended ("end") and the
// property it violated, if any. JSON (written with nlohmann-json, in the .cpp):
//
//   {"executions": 4, "truncated": false, "nodes": [
//     {"id": 0, "parent": -1, "kind": "root", "n": 0, "value": 0, "actor": null,
//      "violation": null, "pruned": false},
//     {"id": 1, "parent": 0, "kind": "s", "n": 2, "value": 0, "actor": 1,
//      "violation": null, "pruned": false},
//     {"id": 2, "parent": 1, "kind": "drop", "n": 2, "value": 1, "actor": null,
//      "violation": "no_loss", "pruned": false, "end": "quiescent"}, ...]}
//
// "kind" is the short choice name of sim/choice.hpp ("s", "o", "drop", ...);
// "actor" is the chosen actor's id for "s" nodes, else null; "end" is a
// sim::RunOutcome name, "redundant" (DPOR's sleep set showed the rest of the
// run equivalent to one already explored), "preemption-bound" (every candidate
// awake was over the preemption bound) or "depth-bound". The export is meant
// for small scenarios: past max_nodes the tree stops growing and to_json()
// fails with a message saying so.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/choice.hpp"
#include "sim/ids.hpp"

namespace ipcsim::explore {

class ExplorationTree {
 public:
  static constexpr std::size_t kDefaultMaxNodes = 20'000;
  explicit ExplorationTree(std::size_t max_nodes = kDefaultMaxNodes);

  struct Node {
    std::int64_t id = 0;
    std::int64_t parent = -1;
    std::string kind;  // "root" or a choice kind name
    std::uint32_t n = 0;
    std::uint32_t value = 0;
    sim::ActorId actor = sim::kNoActor;  // schedule nodes only
    std::string violation;               // "" = none
    bool pruned = false;
    std::string end;  // "" = not the end of an execution
  };

  // For the explorer. Returns the new node's id, or -1 once the limit is hit
  // (or when parent is -1 because an ancestor could not be stored).
  std::int64_t add(std::int64_t parent, sim::ChoiceKind kind, std::uint32_t n, std::uint32_t value,
                   sim::ActorId actor, bool pruned);
  void end_execution(std::int64_t leaf, std::string_view end, std::string_view violation);
  void set_executions(std::uint64_t executions) { executions_ = executions; }

  const std::vector<Node>& nodes() const { return nodes_; }
  bool truncated() const { return truncated_; }
  std::uint64_t executions() const { return executions_; }
  std::size_t max_nodes() const { return max_nodes_; }

  // The JSON text; false with `error` set when the tree outgrew max_nodes.
  bool to_json(std::string& out, std::string& error) const;
  bool write_json(const std::string& path, std::string& error) const;

 private:
  std::size_t max_nodes_;
  std::vector<Node> nodes_;
  bool truncated_ = false;
  std::uint64_t executions_ = 0;
};

}  // namespace ipcsim::explore

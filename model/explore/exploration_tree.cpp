#include "model/explore/exploration_tree.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "sim/check.hpp"

namespace ipcsim::explore {

ExplorationTree::ExplorationTree(std::size_t max_nodes) : max_nodes_(max_nodes) {
  IPCSIM_ASSERT(max_nodes_ >= 1);
  nodes_.push_back(Node{.id = 0, .parent = -1, .kind = "root"});
}

std::int64_t ExplorationTree::add(std::int64_t parent, sim::ChoiceKind kind, std::uint32_t n, std::uint32_t value,
                                  sim::ActorId actor, bool pruned) {
  if (parent < 0) return -1;
  IPCSIM_ASSERT(static_cast<std::size_t>(parent) < nodes_.size());
  if (nodes_.size() >= max_nodes_) {
    truncated_ = true;
    return -1;
  }
  Node node;
  node.id = static_cast<std::int64_t>(nodes_.size());
  node.parent = parent;
  node.kind = std::string(sim::choice_kind_name(kind));
  node.n = n;
  node.value = value;
  node.actor = actor;
  node.pruned = pruned;
  nodes_.push_back(std::move(node));
  return nodes_.back().id;
}

void ExplorationTree::end_execution(std::int64_t leaf, std::string_view end, std::string_view violation) {
  if (leaf < 0) return;
  IPCSIM_ASSERT(static_cast<std::size_t>(leaf) < nodes_.size());
  Node& node = nodes_[static_cast<std::size_t>(leaf)];
  // The root ends every execution that asked nothing; keep the first verdict.
  if (node.end.empty()) node.end = std::string(end);
  if (node.violation.empty()) node.violation = std::string(violation);
}

bool ExplorationTree::to_json(std::string& out, std::string& error) const {
  if (truncated_) {
    error = "exploration tree export: the tree has more than " + std::to_string(max_nodes_) +
            " nodes, the limit for this export, which is meant for small scenarios; lower the depth bound "
            "(--max-depth) or the scenario's size, or raise the limit";
    return false;
  }
  nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
  for (const Node& n : nodes_) {
    nlohmann::ordered_json j;
    j["id"] = n.id;
    j["parent"] = n.parent;
    j["kind"] = n.kind;
    j["n"] = n.n;
    j["value"] = n.value;
    j["actor"] = n.actor != sim::kNoActor ? nlohmann::ordered_json(n.actor) : nlohmann::ordered_json(nullptr);
    j["violation"] = n.violation.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(n.violation);
    j["pruned"] = n.pruned;
    if (!n.end.empty()) j["end"] = n.end;
    nodes.push_back(std::move(j));
  }
  nlohmann::ordered_json doc;
  doc["executions"] = executions_;
  doc["truncated"] = false;
  doc["nodes"] = std::move(nodes);
  out = doc.dump();
  return true;
}

bool ExplorationTree::write_json(const std::string& path, std::string& error) const {
  std::string text;
  if (!to_json(text, error)) return false;
  std::ofstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot write exploration tree to '" + path + "'";
    return false;
  }
  f << text << '\n';
  if (!f) {
    error = "error while writing exploration tree to '" + path + "'";
    return false;
  }
  return true;
}

}  // namespace ipcsim::explore

#include "viz/exploration_tree.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "viz/errors.hpp"
#include "viz/graphviz.hpp"
#include "viz/text.hpp"

namespace ipcsim::viz {
namespace {

using Json = nlohmann::json;

// Line and column (from 1) of byte offset `byte` (from 1) in `text`.
std::pair<std::size_t, std::size_t> line_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

class TreeReader {
 public:
  explicit TreeReader(std::string source) : source_(std::move(source)) {}

  ExplorationTree read(const std::string& text) {
    Json j;
    try {
      j = Json::parse(text);
    } catch (const Json::parse_error& e) {
      const auto [line, column] = line_column(text, e.byte);
      const std::string what = e.what();
      const std::size_t colon = what.find(": ");
      throw ParseError(source_, line, column, "not valid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
    }
    if (!j.is_object()) fail("expected an object {\"executions\": N, \"nodes\": [...]}");
    ExplorationTree tree;
    tree.source = source_;
    if (!j.contains("executions") || !j["executions"].is_number_unsigned()) {
      fail("expected \"executions\": a non-negative integer");
    }
    tree.executions = j["executions"].get<std::uint64_t>();
    if (j.contains("truncated")) {
      if (!j["truncated"].is_boolean()) fail("expected \"truncated\": true or false");
      tree.truncated = j["truncated"].get<bool>();
    }
    if (!j.contains("nodes") || !j["nodes"].is_array()) fail("expected \"nodes\": an array");
    std::set<std::int64_t> ids;
    std::size_t k = 0;
    for (const Json& n : j["nodes"]) {
      tree.nodes.push_back(node(n, k++));
      if (!ids.insert(tree.nodes.back().id).second) {
        fail(where(k - 1, tree.nodes.back().id) + "id is used twice");
      }
    }
    for (std::size_t i = 0; i < tree.nodes.size(); ++i) {
      const TreeNode& n = tree.nodes[i];
      if (n.parent == -1 && n.id != 0) fail(where(i, n.id) + "only the root (id 0) has parent -1");
      if (n.parent != -1 && n.parent != 0 && ids.count(n.parent) == 0) {
        fail(where(i, n.id) + "parent " + std::to_string(n.parent) + " is not a node");
      }
      if (n.parent == n.id) fail(where(i, n.id) + "is its own parent");
    }
    return tree;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { throw ParseError(source_, 0, 0, message); }

  static std::string where(std::size_t k, std::int64_t id) {
    return "nodes[" + std::to_string(k) + "] (id " + std::to_string(id) + "): ";
  }

  TreeNode node(const Json& j, std::size_t k) const {
    if (!j.is_object()) fail("nodes[" + std::to_string(k) + "]: expected an object");
    TreeNode n;
    const auto integer = [&](const char* key, bool required) -> std::optional<std::int64_t> {
      if (!j.contains(key) || j[key].is_null()) {
        if (required) fail("nodes[" + std::to_string(k) + "]: missing \"" + key + "\" (an integer)");
        return std::nullopt;
      }
      if (!j[key].is_number_integer()) fail("nodes[" + std::to_string(k) + "]: \"" + key + "\" must be an integer");
      return j[key].get<std::int64_t>();
    };
    n.id = *integer("id", true);
    n.parent = *integer("parent", true);
    if (n.id < 0) fail(where(k, n.id) + "ids are non-negative");
    if (j.contains("kind") && j["kind"].is_string()) n.kind = j["kind"].get<std::string>();
    if (n.id != 0) {
      if (!j.contains("kind") || !j["kind"].is_string()) fail(where(k, n.id) + "missing \"kind\" (a string such as \"s\")");
      const std::int64_t count = *integer("n", true);
      const std::int64_t value = *integer("value", true);
      if (count < 1 || count > UINT32_MAX) fail(where(k, n.id) + "\"n\" must be at least 1");
      if (value < 0 || value >= count) {
        fail(where(k, n.id) + "\"value\" " + std::to_string(value) + " is not in [0, " + std::to_string(count) + ")");
      }
      n.n = static_cast<std::uint32_t>(count);
      n.value = static_cast<std::uint32_t>(value);
    }
    n.actor = integer("actor", false);
    if (j.contains("violation") && !j["violation"].is_null()) {
      if (!j["violation"].is_string()) fail(where(k, n.id) + "\"violation\" must be null or a property name");
      n.violation = j["violation"].get<std::string>();
    }
    if (j.contains("end") && !j["end"].is_null()) {
      if (!j["end"].is_string()) fail(where(k, n.id) + "\"end\" must be a string");
      n.end = j["end"].get<std::string>();
    }
    if (j.contains("pruned")) {
      if (!j["pruned"].is_boolean()) fail(where(k, n.id) + "\"pruned\" must be true or false");
      n.pruned = j["pruned"].get<bool>();
    }
    return n;
  }

  std::string source_;
};

}  // namespace

ExplorationTree parse_exploration_tree(std::istream& in, const std::string& source) {
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return TreeReader(source).read(text);
}

ExplorationTree load_exploration_tree(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ParseError(path, 0, 0, "cannot open the exploration tree file");
  return parse_exploration_tree(in, path);
}

std::string exploration_tree_dot(const ExplorationTree& tree, const TreeOptions& options) {
  // Nodes drawn: the first max_nodes of the file whose parents are drawn too.
  std::set<std::int64_t> kept = {0};
  std::map<std::int64_t, const TreeNode*> by_id;
  const TreeNode* root = nullptr;
  std::size_t considered = 0;
  for (const TreeNode& n : tree.nodes) {
    by_id[n.id] = &n;
    if (n.id == 0) {
      root = &n;
      continue;
    }
    if (considered++ >= options.max_nodes) continue;
    if (kept.count(n.parent) != 0) kept.insert(n.id);
  }
  // Red: every node on the path from the root to a violation.
  std::set<std::int64_t> on_bad_path;
  std::size_t violations = 0;
  for (const TreeNode& n : tree.nodes) {
    if (!n.violation) continue;
    ++violations;
    for (std::int64_t v = n.id; v > 0 && on_bad_path.insert(v).second;) {
      auto it = by_id.find(v);
      v = it != by_id.end() ? it->second->parent : -1;
    }
  }
  const std::size_t non_root = tree.nodes.size() - (root != nullptr ? 1 : 0);
  std::string title = "explored executions · " + escape_dot(tree.source) + "\\n" + std::to_string(tree.executions) + " executions, " +
                      std::to_string(non_root) + " choice points";
  if (violations > 0) title += ", " + std::to_string(violations) + " violating";
  if (tree.truncated) title += "\\nthe explorer stopped recording: the tree is incomplete";
  if (kept.size() - 1 < non_root) {
    title += "\\n" + std::to_string(non_root - (kept.size() - 1)) + " nodes not drawn (max_nodes " +
             std::to_string(options.max_nodes) + ")";
  }
  std::string out = "digraph exploration {\n";
  out += "  graph [fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"" + title +
         "\", pad=0.3, nodesep=0.15, ranksep=0.35];\n";
  out += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#8c8c8c\", fontname=\"Helvetica\", "
         "fontsize=8, height=0.2, margin=\"0.12,0.03\"];\n";
  out += "  edge [color=\"#8c8c8c\", arrowsize=0.5];\n";
  out += "  n0 [label=\"start\", shape=circle, fillcolor=\"#595959\", fontcolor=\"#ffffff\", width=0.3, fixedsize=true];\n";
  for (const TreeNode& n : tree.nodes) {
    if (n.id == 0 || kept.count(n.id) == 0) continue;
    std::string label = escape_dot(n.kind) + "/" + std::to_string(n.n) + "=" + std::to_string(n.value);
    if (n.actor && (n.kind == "s" || n.kind == "schedule")) label += "\\nactor " + std::to_string(*n.actor);
    std::string attrs;
    if (!n.end.empty() && n.end != "quiescent") label += "\\n(" + escape_dot(n.end) + ")";
    if (n.violation) {
      label += "\\n" + escape_dot(*n.violation);
      attrs = ", fillcolor=\"#d62728\", fontcolor=\"#ffffff\", color=\"#8b0000\"";
    } else if (n.pruned) {
      label += "\\npruned";
      attrs = ", style=\"rounded,dashed,filled\", fillcolor=\"#f5f5f5\", fontcolor=\"#8c8c8c\"";
    } else if (on_bad_path.count(n.id) != 0) {
      attrs = ", color=\"#d62728\", penwidth=1.6";
    }
    out += "  n" + std::to_string(n.id) + " [label=\"" + label + "\"" + attrs + "];\n";
  }
  for (const TreeNode& n : tree.nodes) {
    if (n.id == 0 || kept.count(n.id) == 0) continue;
    out += "  n" + std::to_string(n.parent) + " -> n" + std::to_string(n.id);
    if (on_bad_path.count(n.id) != 0) out += " [color=\"#d62728\", penwidth=1.8]";
    if (n.pruned) out += " [style=dashed]";
    out += ";\n";
  }
  out += "}\n";
  return out;
}

std::string exploration_tree_svg(const ExplorationTree& tree, const TreeOptions& options) {
  return render_dot(exploration_tree_dot(tree, options), "dot");
}

}  // namespace ipcsim::viz

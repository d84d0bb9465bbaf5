#include "viz/lock_graph.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "viz/check.hpp"
#include "viz/graphviz.hpp"
#include "viz/text.hpp"

namespace ipcsim::viz {
namespace {

struct Held {
  std::size_t lock = 0;
  std::string site;
};

// Strongly connected components (Tarjan); returns the component of each node.
std::vector<std::size_t> components(std::size_t n, const std::vector<std::vector<std::size_t>>& out) {
  constexpr std::size_t kUnseen = static_cast<std::size_t>(-1);
  std::vector<std::size_t> index(n, kUnseen), low(n, 0), comp(n, kUnseen), stack;
  std::vector<bool> on_stack(n, false);
  std::size_t next = 0;
  std::size_t comps = 0;
  std::function<void(std::size_t)> visit = [&](std::size_t v) {
    index[v] = low[v] = next++;
    stack.push_back(v);
    on_stack[v] = true;
    for (std::size_t w : out[v]) {
      if (index[w] == kUnseen) {
        visit(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack[w]) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] == index[v]) {
      for (;;) {
        const std::size_t w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        comp[w] = comps;
        if (w == v) break;
      }
      ++comps;
    }
  };
  for (std::size_t v = 0; v < n; ++v) {
    if (index[v] == kUnseen) visit(v);
  }
  return comp;
}

// One cycle through `start` inside its component: a shortest path back (BFS).
std::vector<std::size_t> cycle_through(std::size_t start, const std::vector<std::vector<std::size_t>>& out,
                                       const std::vector<std::size_t>& comp) {
  std::vector<std::size_t> parent(out.size(), static_cast<std::size_t>(-1));
  std::vector<std::size_t> queue = {start};
  std::vector<bool> seen(out.size(), false);
  for (std::size_t q = 0; q < queue.size(); ++q) {
    const std::size_t v = queue[q];
    for (std::size_t w : out[v]) {
      if (comp[w] != comp[start]) continue;
      if (w == start) {
        std::vector<std::size_t> path = {v};
        for (std::size_t u = v; u != start;) {
          u = parent[u];
          path.push_back(u);
        }
        std::reverse(path.begin(), path.end());
        return path;  // start ... v, and v -> start closes it
      }
      if (!seen[w]) {
        seen[w] = true;
        parent[w] = v;
        queue.push_back(w);
      }
    }
  }
  return {start};
}

}  // namespace

LockGraph lock_graph(const Trace& trace) {
  LockGraph g;
  g.source = trace.source();
  std::map<std::string, std::size_t> lock_index;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> edge_index;
  std::map<ActorId, std::vector<Held>> held;
  const auto lock_of = [&](ObjectId obj) {
    const std::string name = trace.object_name(obj);
    auto [it, added] = lock_index.try_emplace(name, g.locks.size());
    if (added) g.locks.push_back(name);
    return it->second;
  };
  for (const Record& r : trace.records()) {
    if (r.kind == "mutex.lock") {
      ++g.acquisitions;
      const std::size_t m = lock_of(r.obj);
      const std::string site(r.str_field("site"));
      for (const Held& h : held[r.actor]) {
        auto [it, added] = edge_index.try_emplace({h.lock, m}, g.edges.size());
        if (added) {
          g.edges.push_back(LockEdge{h.lock, m, h.site, site, trace.actor_name(r.actor), r.seq, 0, false});
        }
        ++g.edges[it->second].count;
      }
      held[r.actor].push_back(Held{m, site});
    } else if (r.kind == "mutex.unlock") {
      auto& list = held[r.actor];
      const std::size_t m = lock_of(r.obj);
      for (auto it = list.rbegin(); it != list.rend(); ++it) {
        if (it->lock == m) {
          list.erase(std::next(it).base());
          break;
        }
      }
    } else if (r.kind == "mutex.recover") {
      // A dead owner's lock released by a survivor: the dead one holds it no more.
      auto& list = held[static_cast<ActorId>(r.int_field("dead").value_or(0))];
      const std::size_t m = lock_of(r.obj);
      for (auto it = list.rbegin(); it != list.rend(); ++it) {
        if (it->lock == m) {
          list.erase(std::next(it).base());
          break;
        }
      }
    } else if (r.kind == "sim.exit" || r.kind == "sim.kill") {
      held.erase(r.actor);
    }
  }
  // Cycles: edges inside a strongly connected knot, and self-loops (a lock class
  // taken while held: two mutexes of one name, or recursion).
  std::vector<std::vector<std::size_t>> out(g.locks.size());
  for (const LockEdge& e : g.edges) out[e.from].push_back(e.to);
  const std::vector<std::size_t> comp = components(g.locks.size(), out);
  std::map<std::size_t, std::size_t> comp_size;
  for (std::size_t c : comp) ++comp_size[c];
  g.lock_in_cycle.assign(g.locks.size(), false);
  for (LockEdge& e : g.edges) {
    e.in_cycle = e.from == e.to || (comp[e.from] == comp[e.to] && comp_size[comp[e.from]] > 1);
    if (e.in_cycle) g.lock_in_cycle[e.from] = g.lock_in_cycle[e.to] = true;
  }
  std::vector<bool> reported(g.locks.size(), false);
  for (const LockEdge& e : g.edges) {
    if (!e.in_cycle || reported[e.from]) continue;
    std::vector<std::size_t> cycle = e.from == e.to ? std::vector<std::size_t>{e.from} : cycle_through(e.from, out, comp);
    for (std::size_t v : cycle) reported[v] = true;
    if (e.from != e.to) {
      for (std::size_t v = 0; v < g.locks.size(); ++v) {
        if (comp[v] == comp[e.from]) reported[v] = true;
      }
    }
    g.cycles.push_back(std::move(cycle));
  }
  return g;
}

std::string lock_graph_dot(const LockGraph& g) {
  std::string out = "digraph locks {\n";
  out += "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"" +
         escape_dot("lock order (held → acquired) · " + g.source);
  for (const auto& cycle : g.cycles) {
    std::string text;
    for (std::size_t v : cycle) text += g.locks[v] + " → ";
    out += "\\n" + escape_dot("CYCLE (potential deadlock): " + text + g.locks[cycle.front()]);
  }
  out += "\", pad=0.3, nodesep=0.5, ranksep=1.2];\n";
  out += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#595959\", fontname=\"Helvetica\", "
         "fontsize=11, margin=\"0.22,0.08\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#595959\", fontcolor=\"#404040\"];\n";
  if (g.locks.empty()) {
    out += "  none [shape=plaintext, style=\"\", label=\"no mutex.lock records in this trace\"];\n}\n";
    return out;
  }
  for (std::size_t v = 0; v < g.locks.size(); ++v) {
    out += "  l" + std::to_string(v) + " [label=\"" + escape_dot(g.locks[v]) + "\"";
    if (g.lock_in_cycle[v]) out += ", color=\"#c0392b\", fillcolor=\"#fff1f0\", fontcolor=\"#a8071a\", penwidth=2";
    out += "];\n";
  }
  for (const LockEdge& e : g.edges) {
    // Left-justified lines (\l); each piece escaped on its own.
    const std::string label = "held at " + escape_dot(e.held_site) + "\\lacquired at " + escape_dot(e.acquired_site) + "\\lby " +
                       escape_dot(e.actor) + (e.count > 1 ? " (" + std::to_string(e.count) + "×)" : "") + "\\l";
    out += "  l" + std::to_string(e.from) + " -> l" + std::to_string(e.to) + " [label=\"" + label + "\", tooltip=\"seq " +
           std::to_string(e.seq) + "\"";
    if (e.in_cycle) out += ", color=\"#c0392b\", fontcolor=\"#a8071a\", penwidth=2.2";
    out += "];\n";
  }
  out += "}\n";
  return out;
}

std::string lock_graph_dot(const Trace& trace) { return lock_graph_dot(lock_graph(trace)); }
std::string lock_graph_svg(const LockGraph& graph) { return render_dot(lock_graph_dot(graph), "dot"); }
std::string lock_graph_svg(const Trace& trace) { return lock_graph_svg(lock_graph(trace)); }

}  // namespace ipcsim::viz

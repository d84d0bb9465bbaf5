#include "model/explore/lock_order.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>

namespace ipcsim::explore {

// vecS everywhere: vertices and out-edges keep insertion order, so searches
// (and therefore the cycles reported) are deterministic.
struct LockOrderGraph::Impl {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, std::string, LockEdge>;
  using Vertex = Graph::vertex_descriptor;
  Graph g;
  std::map<std::string, Vertex, std::less<>> by_name;
  std::vector<std::pair<Vertex, Vertex>> order;  // edges in insertion order

  Vertex vertex(const std::string& name) {
    auto it = by_name.find(name);
    if (it != by_name.end()) return it->second;
    // add_vertex(g) and then the name: adding with the property goes through
    // Boost's named-graph lookup, which trips g++ 12's -Wmaybe-uninitialized
    // (a false positive in boost::optional) in sanitizer builds.
    const Vertex v = boost::add_vertex(g);
    g[v] = name;
    by_name.emplace(name, v);
    return v;
  }
  bool has_edge(Vertex u, Vertex v) const { return boost::edge(u, v, g).second; }

  // The edges of a path from `from` to `to` (empty when there is none).
  std::vector<LockEdge> path(Vertex from, Vertex to) const {
    const std::size_t n = boost::num_vertices(g);
    std::vector<Vertex> pred(n);
    for (std::size_t i = 0; i < n; ++i) pred[i] = i;
    std::vector<boost::default_color_type> color(n, boost::white_color);
    auto pmap = boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, g));
    auto cmap = boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, g));
    boost::breadth_first_search(g, from,
                                boost::visitor(boost::make_bfs_visitor(
                                                   boost::record_predecessors(pmap, boost::on_tree_edge())))
                                    .color_map(cmap));
    if (to != from && pred[to] == to) return {};
    std::vector<LockEdge> out;
    for (Vertex v = to; v != from; v = pred[v]) out.push_back(g[boost::edge(pred[v], v, g).first]);
    std::reverse(out.begin(), out.end());
    return out;
  }
};

LockOrderGraph::LockOrderGraph() : LockOrderGraph(Options{}) {}
LockOrderGraph::LockOrderGraph(Options options) : impl_(std::make_unique<Impl>()), options_(options) {}
LockOrderGraph::~LockOrderGraph() = default;

std::size_t LockOrderGraph::class_count() const { return boost::num_vertices(impl_->g); }
std::size_t LockOrderGraph::edge_count() const { return boost::num_edges(impl_->g); }

std::vector<LockEdge> LockOrderGraph::edges() const {
  std::vector<LockEdge> out;
  for (auto [u, v] : impl_->order) out.push_back(impl_->g[boost::edge(u, v, impl_->g).first]);
  return out;
}

namespace {

std::string describe_cycle(const std::vector<LockEdge>& edges) {
  std::string out = "potential deadlock: lock order cycle ";
  for (const LockEdge& e : edges) out += "'" + e.held + "' -> ";
  out += "'" + edges.front().held + "'";
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const LockEdge& e = edges[k];
    out += k == 0 ? ": " : "; ";
    out += e.actor + " holds '" + e.held + "' (locked at " + e.held_site + ") and locks '" + e.acquired +
           "' at " + e.acquired_site + " (run " + std::to_string(e.run) + ")";
  }
  return out;
}

}  // namespace

std::optional<LockCycle> LockOrderGraph::add(const LockEdge& edge) {
  const bool self = edge.held == edge.acquired;
  if (self && !options_.report_self_edges) return std::nullopt;
  const Impl::Vertex u = impl_->vertex(edge.held);
  const Impl::Vertex v = impl_->vertex(edge.acquired);
  if (impl_->has_edge(u, v)) return std::nullopt;
  // Does the new edge close a cycle? Only if `u` is reachable from `v` already.
  std::vector<LockEdge> back = self ? std::vector<LockEdge>{} : impl_->path(v, u);
  boost::add_edge(u, v, edge, impl_->g);
  impl_->order.emplace_back(u, v);
  if (!self && back.empty()) return std::nullopt;
  LockCycle cycle;
  cycle.edges.push_back(edge);
  cycle.edges.insert(cycle.edges.end(), back.begin(), back.end());
  cycle.message = self ? "possible recursive locking: " + edge.actor + " holds '" + edge.held + "' (locked at " +
                             edge.held_site + ") and locks '" + edge.acquired + "' again at " + edge.acquired_site +
                             " (run " + std::to_string(edge.run) + ")"
                       : describe_cycle(cycle.edges);
  cycles_.push_back(cycle);
  return cycle;
}

// ---- The per-run monitor ----------------------------------------------------------

std::string_view site_of_lock_op(std::string_view op) {
  const std::size_t at = op.rfind(" at ");
  return at == std::string_view::npos ? std::string_view{} : op.substr(at + 4);
}

LockOrderMonitor::LockOrderMonitor(LockOrderGraph& graph, std::uint64_t run)
    : Monitor("lock_order"), graph_(&graph), run_(run) {}

std::string LockOrderMonitor::class_of(sim::ObjectId mutex) const {
  auto it = mutex_names_.find(mutex);
  return it != mutex_names_.end() ? it->second : "object #" + std::to_string(mutex);
}

void LockOrderMonitor::acquire(const sim::TraceRecord& r, sim::ActorId actor, sim::ObjectId mutex,
                               std::string_view site) {
  const std::string who = actor_name(actor);  // "'slave2' (#5)", as in every violation message
  for (const Held& h : held_[actor]) {
    LockEdge e{class_of(h.mutex), class_of(mutex), h.site, std::string(site), who, run_};
    if (std::optional<LockCycle> cycle = graph_->add(e)) violate(r, cycle->message);
  }
}

void LockOrderMonitor::observe(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "sim.object") {
    const sim::FieldValue* type = r.field("type");
    const sim::FieldValue* name = r.field("name");
    if (type != nullptr && type->s == "mutex" && name != nullptr) mutex_names_[r.object] = std::string(name->s);
  } else if (k == "mutex.lock") {
    const sim::FieldValue* site = r.field("site");
    const std::string_view s = site != nullptr ? site->s : std::string_view{};
    std::vector<Held>& held = held_[r.actor];
    // An attempt that blocked already added its edges (below).
    const bool attempted = !held.empty() && held.back().mutex == r.object && held.back().site.empty();
    if (attempted) {
      held.back().site = std::string(s);
    } else {
      acquire(r, r.actor, r.object, s);
      held.push_back(Held{r.object, std::string(s)});
    }
  } else if (k == "sim.block" && mutex_names_.count(r.object) != 0) {
    // Lockdep adds the dependency when the acquisition starts, so a run that
    // deadlocks on the inversion still reports it.
    const sim::FieldValue* op = r.field("op");
    const std::string_view site = op != nullptr ? site_of_lock_op(op->s) : std::string_view{};
    acquire(r, r.actor, r.object, site);
    // Placeholder until mutex.lock (hand-off) fills in the site; removed if
    // the wait times out (the actor then unlocks nothing for it).
    held_[r.actor].push_back(Held{r.object, ""});
  } else if (k == "sim.timeout" && mutex_names_.count(r.object) != 0) {
    std::vector<Held>& held = held_[r.actor];
    if (!held.empty() && held.back().mutex == r.object && held.back().site.empty()) held.pop_back();
  } else if (k == "mutex.unlock") {
    std::vector<Held>& held = held_[r.actor];
    for (std::size_t i = held.size(); i-- > 0;) {
      if (held[i].mutex == r.object) {
        held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  } else if (k == "mutex.recover") {
    // A survivor released a dead owner's lock (sim::Mutex::recover_dead_owner):
    // the dead actor holds it no more (its sim.kill usually cleared it already;
    // an owner that returned holding the lock did not).
    const sim::FieldValue* dead = r.field("dead");
    if (dead != nullptr) {
      std::vector<Held>& held = held_[static_cast<sim::ActorId>(dead->as_int())];
      for (std::size_t i = held.size(); i-- > 0;) {
        if (held[i].mutex == r.object) {
          held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      }
    }
  } else if (k == "sim.exit" || k == "sim.kill") {
    held_.erase(r.actor);
  }
}

}  // namespace ipcsim::explore

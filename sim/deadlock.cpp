// Deadlock reports: who is blocked on what, and the wait-for cycle.
//
// When every live actor is blocked and no event is pending, the World stops and
// builds this report. Edges of the wait-for graph come from Waitable::holders()
// (a mutex's owner) and from joins; objects without owners (a semaphore nobody
// will signal) leave their waiters without edges, and the report says so.
#include <algorithm>
#include <map>

#include "sim/world.hpp"

namespace ipcsim::sim {

DeadlockReport World::deadlock_report() const {
  DeadlockReport report;
  std::vector<const Actor*> blocked;
  for (const Actor& a : actors_) {
    if (a.live() && a.state == ActorState::Blocked) blocked.push_back(&a);
  }
  std::sort(blocked.begin(), blocked.end(), [](const Actor* x, const Actor* y) { return x->id < y->id; });

  std::map<ActorId, std::size_t> index;  // ordered: the report must not depend on hashing
  for (const Actor* a : blocked) {
    BlockedActor b;
    b.actor = a->id;
    b.name = a->name;
    b.cpu = a->cpu->id();
    b.object = a->blocked_on != nullptr ? a->blocked_on->id() : kNoObject;
    b.op = a->waiting_op != nullptr ? a->waiting_op->describe(*this) : std::string("wait");
    if (a->blocked_on != nullptr) a->blocked_on->holders(b.waits_for);
    if (a->join_target.valid()) b.waits_for.push_back(a->join_target.id);
    index[b.actor] = report.blocked.size();
    report.blocked.push_back(std::move(b));
  }

  // Depth-first search for a cycle, from the lowest actor id, edges in order.
  enum class Mark : std::uint8_t { None, OnPath, Done };
  std::vector<Mark> mark(report.blocked.size(), Mark::None);
  std::vector<std::size_t> path;
  auto dfs = [&](auto&& self, std::size_t v) -> bool {
    mark[v] = Mark::OnPath;
    path.push_back(v);
    for (ActorId next : report.blocked[v].waits_for) {
      auto it = index.find(next);
      if (it == index.end()) continue;
      const std::size_t u = it->second;
      if (mark[u] == Mark::OnPath) {
        auto start = std::find(path.begin(), path.end(), u);
        for (auto p = start; p != path.end(); ++p) report.cycle.push_back(report.blocked[*p].actor);
        return true;
      }
      if (mark[u] == Mark::None && self(self, u)) return true;
    }
    mark[v] = Mark::Done;
    path.pop_back();
    return false;
  };
  for (std::size_t v = 0; v < report.blocked.size() && report.cycle.empty(); ++v) {
    if (mark[v] == Mark::None) dfs(dfs, v);
  }

  auto who = [&](ActorId id) {
    const BlockedActor& b = report.blocked[index.at(id)];
    return "'" + b.name + "' (#" + std::to_string(id) + " on " + std::string(cpus_[b.cpu].name()) + ")";
  };
  std::string& t = report.text;
  t = "deadlock at t=" + std::to_string(now_ns_) + "ns: " + std::to_string(report.blocked.size()) +
      " actor(s) blocked, no event pending\n";
  if (!report.cycle.empty()) {
    t += "  wait-for cycle:\n";
    for (std::size_t k = 0; k < report.cycle.size(); ++k) {
      const BlockedActor& b = report.blocked[index.at(report.cycle[k])];
      const ActorId next = report.cycle[(k + 1) % report.cycle.size()];
      t += "    " + who(b.actor) + " waits to " + b.op + ", held by " + who(next) + "\n";
    }
  } else {
    t += "  no wait-for cycle: the blocked actors wait for something no one will do\n";
  }
  t += "  blocked:\n";
  for (const BlockedActor& b : report.blocked) t += "    " + who(b.actor) + ": " + b.op + "\n";
  return report;
}

}  // namespace ipcsim::sim

#include "model/shm/crash_cleanup_monitor.hpp"

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {

const std::pair<const std::uint64_t, CrashCleanupMonitor::Grant>* CrashCleanupMonitor::grant_into(
    std::uint64_t rel, std::uint64_t bytes) const {
  for (const auto& g : grants_) {
    if (g.second.rel < rel + bytes && rel < g.second.rel + g.second.bytes) return &g;
  }
  return nullptr;
}

void CrashCleanupMonitor::check_free(const sim::TraceRecord& r) {
  ++frees_;
  const std::uint64_t id = u(r, "mgr");
  const std::uint64_t rel = u(r, "rel");
  const BookedManager* m = books_.manager(id);
  if (m == nullptr) return;  // no_overlap judges frees into nothing
  auto a = m->live.find(rel);
  if (a == m->live.end()) return;  // no_overlap judges double frees
  // Whose is it: the process served by the manager, or for the space manager
  // the process whose block it is.
  sim::ActorId whose = m->serves;
  if (id == 0) {
    const auto sub = books_.manager_of_block(rel);
    whose = sub ? books_.manager(*sub)->serves : a->second.by;  // no manager yet: the registrant's
  }
  if (whose != sim::kNoActor && is_gone(whose) && !is_engine(r.actor)) {
    violate(r, who(r.actor) + " freed " + range(rel, a->second.granted) + " of " + actor_name(whose) +
                   ", which has ended: only the engine frees what the dead leave");
    return;
  }
  if (const auto* g = grant_into(rel, a->second.granted)) {
    violate(r, who(r.actor) + " freed " + range(rel, a->second.granted) + " while " + who(g->second.pid) +
                   " still holds a grant into it (transfer " + num(g->first) + ")");
  }
}

void CrashCleanupMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "shm.free") {
    check_free(r);
  } else if (k == "shm.map") {
    grants_[u(r, "xfer")] = Grant{u(r, "pid"), u(r, "rel"), u(r, "bytes")};
  } else if (k == "shm.unmap") {
    grants_.erase(u(r, "xfer"));
  } else if (k == "mutex.lock" && is_shm_lock(r.object)) {
    holders_[r.object] = r.actor;
  } else if (k == "mutex.unlock" || k == "mutex.recover") {
    holders_.erase(r.object);  // a hand-off follows as the next holder's mutex.lock
  }
  books_.apply(r);
}

void CrashCleanupMonitor::at_end(const sim::RunResult& result) {
  if (!created()) return;
  if (result.outcome != sim::RunOutcome::Quiescent && result.outcome != sim::RunOutcome::Deadlock) return;
  // Every block of the space manager whose process has ended: the process
  // its manager serves, or (no manager assigned yet) the one that got it.
  const BookedManager* space = engine_stuck_on_a_lock() ? nullptr : books_.manager(0);
  if (space != nullptr) {
    for (const auto& [rel, a] : space->live) {
      const auto sub = books_.manager_of_block(rel);
      const sim::ActorId owner = sub ? books_.manager(*sub)->serves : a.by;
      if (owner == sim::kNoActor || is_engine(owner) || !is_gone(owner)) continue;
      if (const auto* g = grant_into(rel, a.granted); g && !is_gone(g->second.pid)) continue;  // a reader keeps it
      violate_at_end(actor_name(owner) + " ended at " + at_time(*gone_at(owner)) + ", but its block " +
                     range(rel, a.granted) + " is still allocated at the end of the run");
      return;
    }
  }
  for (const auto& [lock, holder] : holders_) {
    if (!is_gone(holder)) continue;
    violate_at_end(lock_name(lock) + " is still held at the end of the run by " + who(holder) + ", which ended at " +
                   at_time(*gone_at(holder)));
    return;
  }
}

}  // namespace ipcsim::model::shm

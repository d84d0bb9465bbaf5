#include "model/shm/isolation_monitor.hpp"

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {

void IsolationMonitor::check_access(const sim::TraceRecord& r) {
  ++accesses_;
  const sim::ActorId pid = u(r, "pid");
  if (is_engine(pid)) return;  // the engine mediates: it may touch any block
  const std::uint64_t rel = u(r, "rel");
  const std::uint64_t bytes = u(r, "bytes");
  const bool write = s(r, "mode") == "write";
  auto inside = [&](std::uint64_t base, std::uint64_t size) { return rel >= base && rel + bytes <= base + size; };
  // Its own block: a manager of the books serves it over that range.
  for (const auto& [id, m] : books_.managers()) {
    if (id != 0 && m.serves == pid && inside(m.base, m.bytes)) return;
  }
  if (!write) {
    auto g = grants_.find(pid);
    if (g != grants_.end()) {
      for (const auto& [xfer, grant] : g->second) {
        if (inside(grant.rel, grant.bytes)) return;
      }
    }
  }
  const std::optional<sim::ActorId> holder = books_.block_holder(rel);
  const std::string whose = holder ? "in the block of " + actor_name(*holder) : std::string("in no process's block");
  violate(r, who(pid) + (write ? " wrote " : " read ") + range(rel, bytes) + " of the data region, " + whose +
                 (write ? ": a process may write only its own block" : ", without a grant"));
}

void IsolationMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "shm.access") {
    check_access(r);
  } else if (k == "shm.map") {
    grants_[u(r, "pid")][u(r, "xfer")] = Grant{u(r, "rel"), u(r, "bytes")};
  } else if (k == "shm.unmap") {
    grants_[u(r, "pid")].erase(u(r, "xfer"));
  }
  books_.apply(r);
}

}  // namespace ipcsim::model::shm

#include "model/shm/shm_monitor.hpp"

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {

void ShmMonitor::observe(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "sim.exit" || k == "sim.kill") {
    gone_.emplace(r.actor, r.time);
    waiting_on_.erase(r.actor);
  } else if (k == "sim.block") {
    waiting_on_[r.actor] = r.object;
  } else if (k == "sim.wake") {
    waiting_on_.erase(r.actor);
  } else if (k == "sim.object") {
    types_[r.object] = std::string(s(r, "type"));
  } else if (k == "shm.create") {
    created_ = true;
    admin_lock_ = u(r, "admin_lock");
    engine_ = u(r, "engine");
    data_bytes_ = u(r, "data_bytes");
    min_block_ = u(r, "min_block");
  } else if (k == "shm.register.begin") {
    processes_[u(r, "pid")] = Process{};  // a new registration: nothing of an earlier one counts
  } else if (k == "shm.handles") {
    Process& p = processes_[u(r, "pid")];
    p.event = u(r, "event");
    p.block_lock = u(r, "block_lock");
    lock_owner_[p.block_lock] = u(r, "pid");
  } else if (k == "shm.manager.assign") {
    Process& p = processes_[u(r, "pid")];
    p.assigned = true;
    p.mgr = u(r, "mgr");
    p.rel = u(r, "rel");
    p.bytes = u(r, "bytes");
  }
  watch(r);
}

std::optional<sim::Instant> ShmMonitor::gone_at(sim::ActorId a) const {
  auto it = gone_.find(a);
  if (it == gone_.end()) return std::nullopt;
  return it->second;
}

const ShmMonitor::Process* ShmMonitor::process(sim::ActorId pid) const {
  auto it = processes_.find(pid);
  return it == processes_.end() ? nullptr : &it->second;
}

std::optional<sim::ActorId> ShmMonitor::block_lock_owner(sim::ObjectId lock) const {
  auto it = lock_owner_.find(lock);
  if (it == lock_owner_.end()) return std::nullopt;
  return it->second;
}

std::optional<sim::ObjectId> ShmMonitor::waiting_on(sim::ActorId a) const {
  auto it = waiting_on_.find(a);
  if (it == waiting_on_.end()) return std::nullopt;
  return it->second;
}

bool ShmMonitor::is_mutex(sim::ObjectId o) const {
  auto it = types_.find(o);
  return it != types_.end() && it->second == "mutex";
}

bool ShmMonitor::engine_stuck_on_a_lock() const {
  const auto on = created_ ? waiting_on(engine_) : std::nullopt;
  return on && is_mutex(*on);
}

std::string ShmMonitor::who(sim::ActorId a) const {
  return is_engine(a) ? "the engine " + actor_name(a) : actor_name(a);
}

std::string ShmMonitor::lock_name(sim::ObjectId lock) const {
  const std::optional<std::string> name = declared_object_name(lock);
  const std::string called = name ? " " + *name : " #" + num(lock);
  if (created_ && lock == admin_lock_) return lock == sim::kNoObject ? "the admin lock" : "the admin lock" + called;
  if (auto owner = block_lock_owner(lock)) return "the block lock" + called + " of " + actor_name(*owner);
  return name ? *name : "object #" + num(lock);
}

}  // namespace ipcsim::model::shm

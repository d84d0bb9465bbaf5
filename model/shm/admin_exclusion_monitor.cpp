#include "model/shm/admin_exclusion_monitor.hpp"

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {
namespace {

// Records of a write into administrative memory, and what each writes.
const char* admin_write(std::string_view kind) {
  if (kind == "shm.registry.store") return "stored its registry record";
  if (kind == "shm.manager.assign") return "wrote the manager map";
  if (kind == "shm.registered") return "set the registered flag";
  if (kind == "shm.loc.write") return "wrote a location record";
  if (kind == "shm.loc.consume") return "marked a location record consumed";
  if (kind == "shm.loc.clear") return "cleared a location record";
  if (kind == "shm.registry.clear") return "cleared a registry record";
  return nullptr;
}

}  // namespace

void AdminExclusionMonitor::recover(const sim::TraceRecord& r, sim::ActorId dead) {
  if (!is_gone(dead)) {
    violate(r, who(r.actor) + " recovered " + lock_name(admin_lock()) + " from " + who(dead) +
                   ", which is alive: a recovery must only take a dead party's lock");
    return;
  }
  if (holder_ && holder_->actor == dead) holder_.reset();
}

void AdminExclusionMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  const bool admin_mutex = created() && admin_lock() != sim::kNoObject && r.object == admin_lock();
  if (admin_mutex && k == "mutex.lock") {
    kernel_holder_ = r.actor;
  } else if (admin_mutex && (k == "mutex.unlock" || k == "mutex.recover")) {
    kernel_holder_ = sim::kNoActor;  // a hand-off comes as the next owner's mutex.lock
  }
  if (k == "shm.admin.acquire") {
    const sim::ActorId pid = u(r, "pid");
    if (created() && admin_lock() != sim::kNoObject && kernel_holder_ != pid) {
      violate(r, who(pid) + " claims " + lock_name(admin_lock()) + ", but the kernel's mutex is " +
                     (kernel_holder_ == sim::kNoActor ? std::string("free") : "held by " + who(kernel_holder_)));
      return;
    }
    if (holder_) {
      const std::string dead = is_gone(holder_->actor) ? " (dead, its lock never recovered)" : "";
      violate(r, who(pid) + " acquired " + lock_name(admin_lock()) + " while " + who(holder_->actor) + dead +
                     " holds it since " + at_time(holder_->since) + ": two holders");
      return;
    }
    holder_ = Holder{pid, r.time};
  } else if (k == "shm.admin.release") {
    const sim::ActorId pid = u(r, "pid");
    if (!holder_ || holder_->actor != pid) {
      violate(r, who(pid) + " released " + lock_name(admin_lock()) + ", which " +
                     (holder_ ? who(holder_->actor) + " holds" : std::string("nobody holds")));
      return;
    }
    holder_.reset();
  } else if (k == "shm.lock.recover") {
    if (created() && u(r, "lock") == admin_lock()) recover(r, u(r, "dead"));
  } else if (k == "mutex.recover") {
    if (created() && r.object == admin_lock()) recover(r, u(r, "dead"));
  } else if (const char* what = admin_write(k)) {
    ++writes_;
    if (!holder_ || holder_->actor != r.actor) {
      violate(r, who(r.actor) + " " + what + " in admin memory without holding " + lock_name(admin_lock()) +
                     (holder_ ? " (" + who(holder_->actor) + " holds it)" : std::string(" (nobody holds it)")));
    }
  }
}

}  // namespace ipcsim::model::shm

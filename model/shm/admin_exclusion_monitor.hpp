// admin_exclusion: at most one party holds the admin lock at any time, and
// every write to administrative memory (a registry record stored or cleared,
// the manager map, the registered flag, a location record written, consumed
// or cleared) is made by the party that holds it
// (seed 000 checklist, property 1; the claims' check-then-lock trap).
//
// Keeps its own account of the holder from shm.admin.acquire / release, which
// every variant emits when it believes it holds the lock (the broken
// check-then-lock too, whose lock is a word in admin memory and no kernel
// mutex). A holder that died loses the lock only through a recovery
// (shm.lock.recover, or the kernel's mutex.recover of the admin lock), and a
// recovery must take it from a party the kernel says is dead. When the admin
// lock is a kernel mutex (every variant but check_then_lock), a claim to hold
// it must agree with the kernel: shm.admin.acquire comes in the step whose
// mutex.lock made that party its owner.
#pragma once

#include <optional>

#include "model/shm/shm_monitor.hpp"

namespace ipcsim::model::shm {

class AdminExclusionMonitor final : public ShmMonitor {
 public:
  AdminExclusionMonitor() : ShmMonitor("admin_exclusion") {}
  std::uint64_t writes_checked() const { return writes_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  void recover(const sim::TraceRecord& r, sim::ActorId dead);
  struct Holder {
    sim::ActorId actor = sim::kNoActor;
    sim::Instant since{};
  };
  std::optional<Holder> holder_;
  sim::ActorId kernel_holder_ = sim::kNoActor;  // the admin mutex's owner, by mutex.lock / unlock / recover
  std::uint64_t writes_ = 0;
};

}  // namespace ipcsim::model::shm

// crash_cleanup: when a process ends (planned or not: it exits, its CPU
// crashes, it is killed), the engine, and only the engine, frees everything
// of it, and no lock stays with the dead (seed 000 checklist, property 7; the
// claims' "who frees" and "crash cleanup race" traps).
//
// Learns who ended from the kernel (sim.exit, sim.kill), never from the
// engine's shm.terminate; keeps its own books of the managers (ManagerBooks)
// and of the grants (shm.map / shm.unmap), and of who holds each shm lock
// (the admin lock and the block locks) from the kernel's mutex.lock,
// mutex.unlock and mutex.recover. Judged:
//   - as it happens: once P has ended, only the engine frees P's block or
//     anything in P's manager (a survivor freeing it races the engine); and a
//     block is not freed while a grant into it is outstanding (the reader
//     would read freed memory);
//   - at the end of a run that can go no further (quiescent or deadlocked;
//     a run cut at its horizon may be mid-cleanup): every ended process's
//     block is free, except one a live reader still holds a grant into (or
//     when the engine itself is stuck on a lock in a deadlock: it could not
//     clean up, and deadlock_free reports why), and no shm lock is held by an
//     ended party.
#pragma once

#include <map>

#include "model/shm/manager_books.hpp"
#include "model/shm/shm_monitor.hpp"

namespace ipcsim::model::shm {

class CrashCleanupMonitor final : public ShmMonitor {
 public:
  CrashCleanupMonitor() : ShmMonitor("crash_cleanup") {}
  std::uint64_t frees_checked() const { return frees_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  void check_free(const sim::TraceRecord& r);
  bool is_shm_lock(sim::ObjectId lock) const { return lock == admin_lock() || block_lock_owner(lock).has_value(); }
  struct Grant {
    sim::ActorId pid = sim::kNoActor;
    std::uint64_t rel = 0;
    std::uint64_t bytes = 0;
  };
  // A grant outstanding into [rel, rel + bytes), if any.
  const std::pair<const std::uint64_t, Grant>* grant_into(std::uint64_t rel, std::uint64_t bytes) const;
  ManagerBooks books_;
  std::map<std::uint64_t, Grant> grants_;           // by xfer
  std::map<sim::ObjectId, sim::ActorId> holders_;   // shm locks held, by the kernel's records
  std::uint64_t frees_ = 0;
};

}  // namespace ipcsim::model::shm

// isolation: every access to the data region by a process lies in its own
// block, or (reading only) in a range the engine granted it (seed 000
// checklist, A5: "no process touches another process's block directly").
//
// Keeps its own books of each process's block (shm.manager.assign over a
// block the space manager handed out: shm.alloc / shm.free of manager 0) and
// of the grants (shm.map adds one, shm.unmap of that transfer takes it back),
// and judges each shm.access against them. The record's `owner` field (whose
// block the implementation thinks it is) is not read, nor are refusals: a
// refused access did not happen; an access that happened is judged here.
#pragma once

#include <map>

#include "model/shm/manager_books.hpp"
#include "model/shm/shm_monitor.hpp"

namespace ipcsim::model::shm {

class IsolationMonitor final : public ShmMonitor {
 public:
  IsolationMonitor() : ShmMonitor("isolation") {}
  std::uint64_t accesses_checked() const { return accesses_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  void check_access(const sim::TraceRecord& r);
  struct Grant {
    std::uint64_t rel = 0;
    std::uint64_t bytes = 0;
  };
  ManagerBooks books_;
  std::map<sim::ActorId, std::map<std::uint64_t, Grant>> grants_;  // pid -> xfer -> range
  std::uint64_t accesses_ = 0;
};

}  // namespace ipcsim::model::shm

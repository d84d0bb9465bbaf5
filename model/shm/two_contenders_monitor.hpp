// two_contenders: for every block B owned by process P, the parties that hold
// or wait for B's lock are always among {P, the engine} (seed 000 checklist,
// property 5; A6; the claims' "two contenders versus the transfer flow" trap).
//
// Learns which mutex is whose block lock from shm.handles, and who holds or
// waits for it from the kernel's records on that mutex only: mutex.lock (it
// now holds it, a hand-off included), sim.block (it waits for it), mutex.busy
// (a try that found it held). A recovery (mutex.recover, the engine's act)
// hands the lock on with a mutex.lock for its next holder, judged alike.
#pragma once

#include <map>
#include <set>

#include "model/shm/shm_monitor.hpp"

namespace ipcsim::model::shm {

class TwoContendersMonitor final : public ShmMonitor {
 public:
  TwoContendersMonitor() : ShmMonitor("two_contenders") {}
  std::uint64_t contentions_checked() const { return checked_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  std::uint64_t checked_ = 0;
};

}  // namespace ipcsim::model::shm

// no_loss: every transfer sent (shm.send) ends exactly one way: received by
// its destination (shm.recv), failed back to its initiator (shm.send.failed),
// or still pending when the run ends (the claims' one-shot-signal trap; the
// "transfer exactly once" property's no-loss half).
//
// Keeps its own books of the transfers and of where each stands: in its
// sender's hands until the location record is written (shm.loc.write), then
// published; notified once the engine signals the destination (shm.notify).
// At the end of the run the engine reports the location records still in
// admin memory (shm.end.pending, read from its bytes). A published transfer
// that is neither received, failed nor pending there vanished. And when the
// run can go no further (quiescent or deadlocked), a transfer its destination
// was notified of while that destination sits waiting for a signal (the
// kernel's sim.block on anything but a mutex: its event semaphore, or
// whatever a variant waits on) lost its wake-up; a
// transfer still pending to a destination that has ended was never failed
// back to its initiator (unless the engine itself is stuck on a lock in a
// deadlock, which deadlock_free reports).
#pragma once

#include <map>
#include <set>

#include "model/shm/shm_monitor.hpp"

namespace ipcsim::model::shm {

class NoLossMonitor final : public ShmMonitor {
 public:
  NoLossMonitor() : ShmMonitor("no_loss") {}
  std::uint64_t transfers_seen() const { return transfers_.size(); }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Transfer {
    sim::ActorId src = sim::kNoActor;
    sim::ActorId dst = sim::kNoActor;
    sim::Instant sent{};
    bool published = false;
    bool notified = false;
    sim::Instant notified_at{};
    bool received = false;
    bool failed = false;
  };
  std::string describe(std::uint64_t xfer, const Transfer& t) const;
  std::map<std::uint64_t, Transfer> transfers_;
  std::set<std::uint64_t> pending_;                   // shm.end.pending
};

}  // namespace ipcsim::model::shm

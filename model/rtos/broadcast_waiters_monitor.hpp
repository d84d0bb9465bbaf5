// broadcast_reaches_waiters: every task waiting at a broadcast exchange when a
// message is sent there receives that round (seed 001: "when a message is sent
// to the exchange all waiting tasks can get the message handle and message
// body pointer and can be resumed at once").
//
// The waiters are counted from the kernel, not from the receivers seen so far:
// a task waits at the exchange from its sim.block on the exchange's object
// until its sim.wake (or its sim.kill / sim.exit). At each rtos.msg.send to a
// broadcast exchange the monitor takes the set of tasks waiting there; each of
// them owes a receive of that round. It is a violation when one of them is
// woken (or times out) without it, when the round closes (a later round, an
// rtos.bcast.clear) with one still owed, or when the run ends with one owed.
// Rounds are the monitor's own (broadcast_rounds.hpp): a waiter is served by
// a receive that took the hand-off of the round it is owed.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "model/rtos/broadcast_rounds.hpp"
#include "model/rtos/rtos_monitor.hpp"

namespace ipcsim::model::rtos {

class BroadcastWaitersMonitor final : public RtosMonitor {
 public:
  BroadcastWaitersMonitor() : RtosMonitor("broadcast_reaches_waiters") {}
  std::uint64_t waiters_served() const { return served_; }  // tests: owed receives that came

 protected:
  void watch(const sim::TraceRecord& r) override;
  void forget(std::uint64_t rtos) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Owed {
    std::uint64_t round = 0;
    std::uint64_t msg = 0;
    sim::ActorId sender = sim::kNoActor;
    sim::Instant sent_at{};
    std::set<sim::ActorId> waiters;  // waiting at the send, not yet served
  };
  std::string unserved(std::uint64_t x, const Owed& owed, sim::ActorId who) const;
  bool check_closed(const sim::TraceRecord& r, std::uint64_t x, const char* how);

  std::map<std::uint64_t, std::set<sim::ActorId>> waiting_;  // key(rtos, xchg) -> blocked there now
  std::map<std::uint64_t, Owed> owed_;                       // key(rtos, xchg) -> the round on show
  BroadcastRounds rounds_;                                   // rounds numbered by their sends, not by the RTOS
  std::uint64_t served_ = 0;
};

}  // namespace ipcsim::model::rtos

// no_message_loss: every message sent to an exchange is received, released,
// or still accounted for when the run ends, whatever the outcome (a deadlock,
// a horizon, a stop, not only quiescence): queued at the exchange it was sent
// to, or on show at the broadcast exchange it was broadcast at. A broadcast
// round that never closes is reported: a message leaves the show only through
// rtos.bcast.clear (taken off, forwarded, released, displaced), so another
// message put on show in its place, its release while on show, or an exchange
// that no longer shows it at the end of the run with its round still open,
// each means a round that vanished without closing.
//
// Keeps its own books: a send to a normal or pass exchange puts the message
// there until a receive takes its flow (or it is released); a broadcast puts
// it on show until the round closes. At the end of the run the RTOS records
// what each exchange really holds, read from simulated memory
// (rtos.xchg.inventory: the queue as linked through the MCBs, and the message
// on show); the books must match it message for message. A message the books
// say is waiting that the exchange no longer holds was lost; one the exchange
// holds that the books do not know of was never sent there, or was delivered
// and is still queued. An RTOS whose memory was lost (a crash of its CPU) is
// forgotten with everything in it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "model/rtos/broadcast_rounds.hpp"
#include "model/rtos/rtos_monitor.hpp"

namespace ipcsim::model::rtos {

class MessageLossMonitor final : public RtosMonitor {
 public:
  MessageLossMonitor() : RtosMonitor("no_message_loss") {}
  std::uint64_t inventories_checked() const { return inventories_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;
  void forget(std::uint64_t rtos) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Sent {
    std::uint64_t msg = 0;
    sim::ActorId sender = sim::kNoActor;
    sim::Instant at{};
  };
  struct Show {
    std::uint64_t msg = 0;  // 0: nothing on show
    std::uint64_t round = 0;  // our number (broadcast_rounds.hpp), not the RTOS's
    sim::ActorId sender = sim::kNoActor;
  };
  void inventory(const sim::TraceRecord& r);
  std::string never_closed(std::uint64_t x, const Show& show) const;

  std::map<std::uint64_t, std::map<std::uint64_t, Sent>> waiting_;  // key(rtos, xchg) -> flow -> sent
  std::map<std::uint64_t, Show> shows_;                             // key(rtos, xchg), broadcast exchanges
  BroadcastRounds rounds_;
  std::set<std::uint64_t> inventoried_;                             // exchanges whose inventory came
  std::uint64_t inventories_ = 0;
};

}  // namespace ipcsim::model::rtos

// no_double_delivery: each message sent to a normal or pass exchange reaches
// at most one receiver, once; each slave receives each broadcast round exactly
// once. (That every proxy section is filled before the real message goes on is
// sections_filled: sections_monitor.hpp.)
//
// From the trace alone (impl/rtos/trace_schema.md):
//  - normal/pass: every rtos.msg.receive takes the flow of one rtos.msg.send
//    of the same message, and no flow is taken twice;
//  - broadcast: rounds are the monitor's own (broadcast_rounds.hpp): each
//    send to the exchange opens the next one, and a receive must take the
//    hand-off of the round on show, of the message on show. An actor that has
//    received from a broadcast exchange is one of its slaves (until it exits
//    or is killed); receiving round r twice is a violation at once; when
//    round r closes (the next round is sent, or the message leaves the
//    exchange: rtos.bcast.clear), every slave must have received round r.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "model/rtos/broadcast_rounds.hpp"
#include "model/rtos/rtos_monitor.hpp"

namespace ipcsim::model::rtos {

class DeliveryMonitor final : public RtosMonitor {
 public:
  DeliveryMonitor() : RtosMonitor("no_double_delivery") {}

  // Counters (tests): hand-offs checked, broadcast rounds closed.
  std::uint64_t deliveries() const { return deliveries_; }
  std::uint64_t rounds_closed() const { return rounds_closed_; }

 protected:
  void watch(const sim::TraceRecord& r) override;
  void forget(std::uint64_t rtos) override;

 private:
  struct Send {
    std::uint64_t msg = 0;
    std::uint64_t receiver = 0;  // 0 until taken
  };
  struct Board {                                  // a broadcast exchange
    std::uint64_t round = 0;                      // the round on show (our number), 0 for none
    std::uint64_t msg = 0;                        // the message its send put on show
    std::map<std::uint64_t, std::uint64_t> last;  // slave -> last round received
  };

  void close_round(const sim::TraceRecord& r, std::uint64_t board, std::uint64_t round);

  std::map<std::uint64_t, Send> sends_;    // by flow id
  std::map<std::uint64_t, Board> boards_;  // by key(rtos, xchg)
  BroadcastRounds rounds_;
  std::uint64_t deliveries_ = 0;
  std::uint64_t rounds_closed_ = 0;
};

}  // namespace ipcsim::model::rtos

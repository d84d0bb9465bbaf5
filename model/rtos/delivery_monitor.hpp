// no_double_delivery: each message sent to a normal or pass exchange reaches
// at most one receiver, once; each slave receives each broadcast round exactly
// once; every proxy section is filled exactly once before the real message is
// forwarded.
//
// From the trace alone (impl/rtos/trace_schema.md):
//  - normal/pass: every rtos.msg.receive takes the flow of one rtos.msg.send
//    of the same message, and no flow is taken twice;
//  - broadcast: an actor that has received from a broadcast exchange is one of
//    its slaves (until it exits or is killed); receiving round r twice is a
//    violation at once; when round r closes (the next round is sent, or the
//    message leaves the exchange: rtos.bcast.clear), every slave must have
//    received round r;
//  - assembly: a proxy made of real message R (rtos.msg.make with proxy_of)
//    opens its section [dbp, dbp + bytes) of R's body; rtos.msg.write records
//    fill it, and a byte written twice is a violation; when R is sent on, every
//    byte of every open section of R must have been written. Releasing or
//    unmaking R abandons its sections.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/monitor.hpp"

namespace ipcsim::model::rtos {

class DeliveryMonitor final : public Monitor {
 public:
  DeliveryMonitor() : Monitor("no_double_delivery") {}

  // Counters (tests): hand-offs checked, broadcast rounds closed, sections completed.
  std::uint64_t deliveries() const { return deliveries_; }
  std::uint64_t rounds_closed() const { return rounds_closed_; }
  std::uint64_t sections_completed() const { return sections_completed_; }

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  struct Send {
    std::uint64_t msg = 0;
    std::uint64_t receiver = 0;  // 0 until taken
  };
  struct Board {                                  // a broadcast exchange
    std::uint64_t round = 0;                      // the round on show, 0 for none
    std::map<std::uint64_t, std::uint64_t> last;  // slave -> last round received
  };
  struct Section {
    std::uint64_t proxy = 0;
    std::uint64_t lo = 0;
    std::vector<std::uint8_t> filled;  // one per byte
  };

  void close_round(const sim::TraceRecord& r, std::uint64_t board, std::uint64_t round);
  void forwarded(const sim::TraceRecord& r, std::uint64_t real);

  std::map<std::uint64_t, std::string> types_;              // key(rtos, xchg) -> exchange type
  std::map<std::uint64_t, Send> sends_;                     // by flow id
  std::map<std::uint64_t, Board> boards_;                   // by key(rtos, xchg)
  std::map<std::uint64_t, std::vector<Section>> sections_;  // by key(rtos, real message)
  std::uint64_t deliveries_ = 0;
  std::uint64_t rounds_closed_ = 0;
  std::uint64_t sections_completed_ = 0;
};

}  // namespace ipcsim::model::rtos

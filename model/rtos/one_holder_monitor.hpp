// one_holder: a message (real or proxy) has one holder at any moment: a task,
// or the queue of one exchange. Sent to a normal or pass exchange it is the
// exchange's until a receiver takes it, and then the receiver's. On show at a
// broadcast exchange it stays its sender's (seed 001: "the master task remains
// the message owner"), and it leaves the show the moment it is sent to another
// exchange, handed to another task or released: a late receiver at a broadcast
// exchange must never be handed a message that someone else now holds, or that
// is gone.
//
// Keeps its own book of holders from the service boundaries
// (impl/rtos/trace_schema.md), never from the owner fields the RTOS reports:
// the task that gets or makes a message holds it (a message made outside any
// task, by an ISR, is held by nobody in particular: anyone may act on it);
// only its holder may send or release it (or anyone once the holder has ended:
// a deletion releases what the deleted task held); a receive must take it from
// the exchange that holds it; a broadcast receive must find it on show there,
// still held by a task.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "model/rtos/rtos_monitor.hpp"

namespace ipcsim::model::rtos {

class OneHolderMonitor final : public RtosMonitor {
 public:
  OneHolderMonitor() : RtosMonitor("one_holder") {}
  std::uint64_t hand_offs() const { return hand_offs_; }  // tests: receives checked

 protected:
  void watch(const sim::TraceRecord& r) override;
  void forget(std::uint64_t rtos) override;

 private:
  struct Holder {
    sim::ActorId task = sim::kNoActor;  // the holding task, when held by a task
    std::uint64_t xchg = 0;             // key(rtos, xchg) of the exchange whose queue holds it, 0 otherwise
    std::uint64_t show = 0;             // key(rtos, xchg) of the broadcast exchange it is on show at, 0 for none
    bool anyone = false;                // made outside a task: held by nobody in particular
  };
  struct Gone {
    sim::ActorId by = sim::kNoActor;
    sim::Instant at{};
    std::string how;  // "released", "unmade"
  };
  std::string describe(const Holder& h) const;
  bool may_act(const sim::TraceRecord& r, std::uint64_t m, const Holder& h, const std::string& what);

  std::map<std::uint64_t, Holder> holders_;  // by key(rtos, msg)
  std::map<std::uint64_t, Gone> gone_;       // released messages, until the MCB is handed out again
  std::uint64_t hand_offs_ = 0;
};

}  // namespace ipcsim::model::rtos

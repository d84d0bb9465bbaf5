// exchange_order: at a normal or priority-pass exchange, messages are taken
// highest priority first and first-in-first-out among equals (seed 001: "the
// normal exchange can prioritize messages"). A receiver never gets a message
// while another waits at the same exchange with a higher priority, or with the
// same priority and sent earlier.
//
// Keeps its own book of what waits at each exchange: every rtos.msg.send to a
// normal or pass exchange puts the message there (with the priority it was
// sent at, and its place in the trace), every rtos.msg.receive takes the one of
// its flow. A message handed straight to a waiting receiver is the only one
// there (a receiver waits only at an empty exchange), so the rule covers both.
// The implementation's queue is never read: what it got wrong shows as a
// receive the book says should not have come first.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "model/rtos/rtos_monitor.hpp"

namespace ipcsim::model::rtos {

class ExchangeOrderMonitor final : public RtosMonitor {
 public:
  ExchangeOrderMonitor() : RtosMonitor("exchange_order") {}
  std::uint64_t receives_checked() const { return receives_checked_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;
  void forget(std::uint64_t rtos) override;

 private:
  struct Waiting {
    std::uint64_t msg = 0;
    std::uint64_t priority = 0;
    std::uint64_t flow = 0;
    std::uint64_t sent_seq = 0;  // the send's trace record: the order of sends
    sim::Instant sent_at{};
    sim::ActorId sender = sim::kNoActor;
  };
  std::map<std::uint64_t, std::vector<Waiting>> waiting_;  // by key(rtos, xchg), in send order
  std::uint64_t receives_checked_ = 0;
};

}  // namespace ipcsim::model::rtos

// priority_pass: a task that receives a message at a priority-pass exchange
// runs at the message's priority.
//
// Tracks every actor's priority from the kernel's records (sim.spawn's prio,
// sim.priority's to), and each message's priority as it was sent (rtos.msg.send's
// prio, by flow). At an rtos.msg.receive at an exchange declared "pass"
// (rtos.xchg.create), the receiver's priority must be the sent message's. When the sender handed the message
// over (the receiver was waiting), the receiver must also still have that
// priority when it is next dispatched: a priority that is changed back before
// the task ever runs was not passed.
#pragma once

#include <cstdint>
#include <map>

#include "model/rtos/rtos_monitor.hpp"

namespace ipcsim::model::rtos {

class PriorityPassMonitor final : public RtosMonitor {
 public:
  PriorityPassMonitor() : RtosMonitor("priority_pass") {}
  std::uint64_t passes() const { return passes_; }  // pass receives checked

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  std::map<sim::ActorId, std::int64_t> priority_;
  std::map<std::uint64_t, std::int64_t> sent_priority_;  // by flow id, until received
  std::map<sim::ActorId, std::int64_t> owed_;  // handed-over receivers not yet dispatched -> expected priority
  sim::ActorId pending_ = sim::kNoActor;       // the last pass receiver, until the next record
  std::int64_t pending_priority_ = 0;
  std::uint64_t passes_ = 0;
};

}  // namespace ipcsim::model::rtos

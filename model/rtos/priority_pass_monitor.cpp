#include "model/rtos/priority_pass_monitor.hpp"

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

void PriorityPassMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (pending_ != sim::kNoActor) {
    // A receive handed over by the sender is followed at once by the
    // receiver's wake-up; one the receiver dequeued itself is not.
    if (k == "sim.wake" && r.actor == pending_) owed_[pending_] = pending_priority_;
    pending_ = sim::kNoActor;
  }
  if (k == "sim.spawn") {
    priority_[r.actor] = i(r, "prio");
  } else if (k == "sim.priority") {
    priority_[r.actor] = i(r, "to");
  } else if (k == "sim.dispatch") {
    auto it = owed_.find(r.actor);
    if (it == owed_.end()) return;
    if (priority_[r.actor] != it->second) {
      violate(r, "task " + actor_name(r.actor) + " was handed a priority-pass message of priority " +
                     num(it->second) + " but runs at priority " + std::to_string(priority_[r.actor]));
      return;
    }
    owed_.erase(it);
  } else if (k == "sim.exit" || k == "sim.kill") {
    owed_.erase(r.actor);
    priority_.erase(r.actor);
  } else if (k == "rtos.msg.send" && is_pass(key(r, "xchg"))) {
    sent_priority_[u(r, "flow_out")] = i(r, "prio");
  } else if (k == "rtos.msg.receive" && is_pass(key(r, "xchg"))) {
    auto sent = sent_priority_.find(u(r, "flow_in"));
    if (sent == sent_priority_.end()) return;  // no matching send: no_double_delivery's to report
    ++passes_;
    const std::int64_t want = sent->second;
    sent_priority_.erase(sent);
    if (priority_[r.actor] != want) {
      violate(r, "task " + actor_name(r.actor) + " received message " + num(u(r, "msg")) +
                     " at a priority-pass exchange, " + exchange_name(key(r, "xchg")) + ", with message priority " +
                     std::to_string(want) + " but runs at priority " + std::to_string(priority_[r.actor]));
      return;
    }
    pending_ = r.actor;
    pending_priority_ = want;
  }
}

}  // namespace ipcsim::model::rtos

#include "model/rtos/broadcast_waiters_monitor.hpp"

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

void BroadcastWaitersMonitor::forget(std::uint64_t rtos) {
  auto drop = [rtos](auto& m) {
    for (auto it = m.lower_bound(key(rtos, 0)); it != m.end() && (it->first >> 32) == rtos;) it = m.erase(it);
  };
  drop(waiting_);
  drop(owed_);
  rounds_.forget(rtos);
}

std::string BroadcastWaitersMonitor::unserved(std::uint64_t x, const Owed& owed, sim::ActorId who) const {
  return actor_name(who) + " was waiting at broadcast exchange " + exchange_name(x) + " when " +
         actor_name(owed.sender) + " sent round " + num(owed.round) + " (message " + num(owed.msg) + ") at " +
         at_time(owed.sent_at) + ", but never received it";
}

bool BroadcastWaitersMonitor::check_closed(const sim::TraceRecord& r, std::uint64_t x, const char* how) {
  auto it = owed_.find(x);
  if (it == owed_.end()) return true;
  if (!it->second.waiters.empty()) {
    violate(r, unserved(x, it->second, *it->second.waiters.begin()) + " (the round closed: " + how + ")");
    return false;
  }
  owed_.erase(it);
  return true;
}

void BroadcastWaitersMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "sim.block") {
    if (auto x = exchange_of_object(r.object); x && is_broadcast(*x)) waiting_[*x].insert(r.actor);
  } else if (k == "sim.wake") {
    auto x = exchange_of_object(r.object);
    if (!x || !is_broadcast(*x)) return;
    waiting_[*x].erase(r.actor);
    auto it = owed_.find(*x);
    if (it != owed_.end() && it->second.waiters.count(r.actor) != 0) {
      violate(r, unserved(*x, it->second, r.actor) + " (woken with status " + std::string(s(r, "status")) + ")");
    }
  } else if (k == "sim.exit" || k == "sim.kill") {
    // A task that is gone owes nothing and waits no more.
    for (auto& [x, set] : waiting_) set.erase(r.actor);
    for (auto& [x, owed] : owed_) owed.waiters.erase(r.actor);
  } else if (k == "rtos.msg.send") {
    const std::uint64_t x = key(r, "xchg");
    if (!is_broadcast(x)) return;
    const std::uint64_t round = rounds_.open(x, u(r, "flow_out"));
    if (!check_closed(r, x, "a later round was sent")) return;
    owed_[x] = Owed{round, u(r, "msg"), r.actor, r.time, waiting_[x]};
  } else if (k == "rtos.msg.receive") {
    const std::uint64_t x = key(r, "xchg");
    if (!is_broadcast(x)) return;
    auto it = owed_.find(x);
    if (it == owed_.end() || it->second.waiters.count(r.actor) == 0) return;  // a late receiver owes nothing
    const std::uint64_t taken = rounds_.of_flow(x, u(r, "flow_in"));
    if (taken != it->second.round) {
      violate(r, unserved(x, it->second, r.actor) + " (it received " +
                     (taken == 0 ? std::string("a hand-off that no send there made") : "round " + num(taken)) +
                     " instead)");
      return;
    }
    it->second.waiters.erase(r.actor);
    ++served_;
  } else if (k == "rtos.bcast.clear") {
    check_closed(r, key(r, "xchg"), "the message left the exchange");
  }
}

void BroadcastWaitersMonitor::at_end(const sim::RunResult&) {
  for (const auto& [x, owed] : owed_) {
    if (owed.waiters.empty()) continue;
    violate_at_end(unserved(x, owed, *owed.waiters.begin()) + " (the run ended)");
    return;
  }
}

}  // namespace ipcsim::model::rtos

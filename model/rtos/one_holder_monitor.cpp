#include "model/rtos/one_holder_monitor.hpp"

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

void OneHolderMonitor::forget(std::uint64_t rtos) {
  auto drop = [rtos](auto& m) {
    for (auto it = m.lower_bound(key(rtos, 0)); it != m.end() && (it->first >> 32) == rtos;) it = m.erase(it);
  };
  drop(holders_);
  drop(gone_);
}

std::string OneHolderMonitor::describe(const Holder& h) const {
  if (h.xchg != 0) return "it is queued at exchange " + exchange_name(h.xchg);
  if (h.anyone) return "nobody in particular holds it";
  return actor_name(h.task) + " holds it";
}

// Whether the stepping actor may send or release message m as `what`.
bool OneHolderMonitor::may_act(const sim::TraceRecord& r, std::uint64_t m, const Holder& h, const std::string& what) {
  if (h.xchg != 0) {
    violate(r, actor_name(r.actor) + " " + what + " message " + num(m & 0xFFFFFFFFu) +
                   " while it is queued at exchange " + exchange_name(h.xchg) + ": the exchange holds it");
    return false;
  }
  if (h.anyone || h.task == r.actor || is_gone(h.task)) return true;
  violate(r, actor_name(r.actor) + " " + what + " message " + num(m & 0xFFFFFFFFu) + ", which " + actor_name(h.task) +
                 " holds");
  return false;
}

void OneHolderMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "rtos.msg.get" || k == "rtos.msg.make") {
    const std::uint64_t m = key(r, "msg");
    Holder h;
    h.anyone = !is_task(r.actor);
    h.task = h.anyone ? sim::kNoActor : r.actor;
    holders_[m] = h;
    gone_.erase(m);
    return;
  }
  if (k != "rtos.msg.send" && k != "rtos.msg.receive" && k != "rtos.bcast.clear" && k != "rtos.msg.rel" &&
      k != "rtos.msg.unmake") {
    return;
  }
  const std::uint64_t m = key(r, "msg");
  auto it = holders_.find(m);
  if (it == holders_.end()) {
    if (k == "rtos.msg.receive" || k == "rtos.msg.send") {
      auto gone = gone_.find(m);
      if (gone != gone_.end()) {
        violate(r, actor_name(r.actor) + (k == "rtos.msg.send" ? " sent" : " was handed") + " message " +
                       num(u(r, "msg")) + " at exchange " + exchange_name(key(r, "xchg")) + ", which " +
                       actor_name(gone->second.by) + " " + gone->second.how + " at " + at_time(gone->second.at));
      }
    }
    return;  // a message never seen made: pool_origin reports it
  }
  Holder& h = it->second;
  const std::uint64_t x = key(r, "xchg");
  if (k == "rtos.msg.send") {
    if (!may_act(r, m, h, "sent")) return;
    if (is_broadcast(x)) {
      h.show = x;  // on show there; the sender keeps it
    } else {
      h = Holder{sim::kNoActor, x, 0, false};  // the exchange's now, off any show
    }
  } else if (k == "rtos.msg.receive") {
    ++hand_offs_;
    if (is_broadcast(x)) {
      if (h.show != x || h.xchg != 0) {
        violate(r, "late receiver " + actor_name(r.actor) + " was handed message " + num(u(r, "msg")) +
                       " at broadcast exchange " + exchange_name(x) + ", but it is no longer on show there: " +
                       describe(h));
      }
      return;
    }
    if (h.xchg != x) {
      violate(r, actor_name(r.actor) + " received message " + num(u(r, "msg")) + " from exchange " +
                     exchange_name(x) + ", which does not hold it: " + describe(h));
      return;
    }
    h = Holder{r.actor, 0, 0, false};
  } else if (k == "rtos.bcast.clear") {
    if (h.show == x) h.show = 0;
  } else {  // released or unmade
    const bool released = k == "rtos.msg.rel";
    if (!may_act(r, m, h, released ? "released" : "unmade")) return;
    gone_[m] = Gone{r.actor, r.time, released ? "released" : "unmade"};
    holders_.erase(it);
  }
}

}  // namespace ipcsim::model::rtos

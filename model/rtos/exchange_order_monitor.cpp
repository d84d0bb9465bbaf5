#include "model/rtos/exchange_order_monitor.hpp"

#include <algorithm>

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

void ExchangeOrderMonitor::forget(std::uint64_t rtos) {
  for (auto it = waiting_.lower_bound(key(rtos, 0)); it != waiting_.end() && (it->first >> 32) == rtos;) {
    it = waiting_.erase(it);
  }
}

void ExchangeOrderMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "rtos.msg.send") {
    const std::uint64_t x = key(r, "xchg");
    if (!is_exchange(x) || is_broadcast(x)) return;
    waiting_[x].push_back(Waiting{u(r, "msg"), u(r, "prio"), u(r, "flow_out"), r.seq, r.time, r.actor});
  } else if (k == "rtos.msg.receive") {
    const std::uint64_t x = key(r, "xchg");
    if (!is_exchange(x) || is_broadcast(x)) return;
    std::vector<Waiting>& queue = waiting_[x];
    const std::uint64_t flow = u(r, "flow_in");
    auto got = std::find_if(queue.begin(), queue.end(), [flow](const Waiting& w) { return w.flow == flow; });
    if (got == queue.end()) return;  // no matching send: no_double_delivery reports it
    ++receives_checked_;
    // The first message that should have come before it: the highest priority, the earliest among equals.
    const Waiting* before = nullptr;
    for (const Waiting& w : queue) {
      if (&w == &*got) continue;
      const bool ahead = w.priority > got->priority || (w.priority == got->priority && w.sent_seq < got->sent_seq);
      if (!ahead) continue;
      if (before == nullptr || w.priority > before->priority ||
          (w.priority == before->priority && w.sent_seq < before->sent_seq)) {
        before = &w;
      }
    }
    if (before != nullptr) {
      violate(r, actor_name(r.actor) + " received message " + num(got->msg) + " (priority " + num(got->priority) +
                     ", sent by " + actor_name(got->sender) + " at " + at_time(got->sent_at) +
                     ") from exchange " + exchange_name(x) + " while message " + num(before->msg) + " (priority " +
                     num(before->priority) + ", sent by " + actor_name(before->sender) + " at " +
                     at_time(before->sent_at) + ") was waiting there" +
                     (before->priority == got->priority ? ": same priority, sent earlier" : ": higher priority"));
      return;
    }
    queue.erase(got);
  } else if (k == "rtos.msg.rel" || k == "rtos.msg.unmake") {
    // Released while queued (one_holder's to report): it waits no more.
    const std::uint64_t m = u(r, "msg");
    for (auto& [x, queue] : waiting_) {
      if ((x >> 32) != u(r, "rtos")) continue;
      std::erase_if(queue, [m](const Waiting& w) { return w.msg == m; });
    }
  }
}

}  // namespace ipcsim::model::rtos

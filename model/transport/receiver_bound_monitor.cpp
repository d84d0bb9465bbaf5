#include "model/transport/receiver_bound_monitor.hpp"

namespace ipcsim::model::transport {

void ReceiverBoundMonitor::observe(const sim::TraceRecord& r) {
  if (r.kind == "transport.session.accept") {
    Queue& q = queues_[r.field("session")->u];
    q.limit = r.field("input_queue")->u;
    q.bytes = 0;
    q.cpu = r.cpu;
  } else if (r.kind == "cpu.crash") {
    for (auto& [s, q] : queues_) {
      if (q.cpu == r.cpu) q.bytes = 0;
    }
  } else if (r.kind == "transport.rx.enqueue") {
    const std::uint64_t s = r.field("session")->u;
    auto it = queues_.find(s);
    if (it == queues_.end()) {
      violate(r, "session " + std::to_string(s) + " queued a message at the server before it was accepted");
      return;
    }
    Queue& q = it->second;
    q.bytes += r.field("bytes")->u;
    if (q.bytes > q.limit) {
      violate(r, "session " + std::to_string(s) + "'s input queue holds " + std::to_string(q.bytes) +
                     " bytes, over its bound of " + std::to_string(q.limit));
    }
  } else if (r.kind == "transport.rx.take") {
    auto it = queues_.find(r.field("session")->u);
    if (it != queues_.end()) it->second.bytes -= std::min(it->second.bytes, r.field("bytes")->u);
  }
}

}  // namespace ipcsim::model::transport

#include "model/scan/monitors.hpp"

namespace ipcsim::model::scan {

void ExactlyOnceMonitor::observe(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  const auto proc = static_cast<std::uint32_t>(u(r, "proc"));
  if (k == "scan.proc.start") {
    ended_.erase(proc);
    return;
  }
  if (k == "scan.proc.done") {
    ended_.insert(proc);
    return;
  }
  if (k == "scan.start") {
    const std::uint64_t n = ++scans_[proc];
    for (const auto& [msg, w] : waits_[proc]) {
      if (n > w.deadline) {
        violate(
            r,
            "processor " + proc_name(proc) + " did not retrieve " + msg_name(msg) + " within " +
                std::to_string(w.deadline - w.posted_at) +
                " scans of its posting (bound (k+1)(N+1): k = " + std::to_string(w.ahead) + " ahead of it, N = " +
                (w.factor == 1 ? std::string("0 for a message appended at the tail") : std::to_string(w.factor - 1)) +
                ")");
        return;
      }
    }
    return;
  }
  Message* m = books_.about(r);
  if (k == "scan.post" && m != nullptr) {
    const std::uint64_t factor = m->urgent ? (n_ == UINT32_MAX ? 0 : std::uint64_t{n_} + 1) : 1;
    for (std::uint32_t p : m->recipients) {
      auto& mine = waits_[p];
      std::uint64_t ahead = 0;
      if (m->urgent) {
        // Linked in at the head: it goes ahead of everything waiting.
        for (auto& [msg, w] : mine) {
          if (w.deadline == UINT64_MAX) continue;
          w.deadline += w.factor;
          ++w.ahead;
        }
      } else {
        ahead = mine.size();
      }
      Wait w;
      w.factor = factor;
      w.posted_at = scans_[p];
      w.ahead = ahead;
      w.deadline = factor == 0 ? UINT64_MAX : scans_[p] + (ahead + 1) * factor;
      mine[m->msg] = w;
    }
    return;
  }
  if (k == "scan.retrieve") {
    const std::uint64_t msg = u(r, "msg");
    if (m == nullptr) {
      violate(r, "processor " + proc_name(proc) + " retrieved " + msg_name(msg) + ", which was never posted");
      return;
    }
    if (m->recipients.count(proc) == 0) {
      violate(r, "processor " + proc_name(proc) + " retrieved " + msg_name(msg) + ", which is not addressed to it");
      return;
    }
    if (m->not_retrieved.count(proc) == 0) {
      violate(r, "processor " + proc_name(proc) + " retrieved " + msg_name(msg) + " twice");
      return;
    }
    waits_[proc].erase(msg);
    ++retrievals_;
  }
  books_.commit(r, m);
}

void ExactlyOnceMonitor::at_end(const sim::RunResult&) {
  for (std::uint32_t p : ended_) {
    auto it = waits_.find(p);
    if (it == waits_.end() || it->second.empty()) continue;
    violate_at_end("processor " + proc_name(p) + " ended without retrieving " + msg_name(it->second.begin()->first) +
                   " (" + std::to_string(it->second.size()) + " message(s) addressed to it never retrieved)");
    return;
  }
}

}  // namespace ipcsim::model::scan

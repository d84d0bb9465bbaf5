#include "model/scan/monitors.hpp"

namespace ipcsim::model::scan {

void OrderMonitor::observe(const sim::TraceRecord& r) {
  Message* m = books_.about(r);
  if (r.kind == "scan.retrieve" && m != nullptr && m->not_retrieved.count(static_cast<std::uint32_t>(u(r, "proc")))) {
    const auto proc = static_cast<std::uint32_t>(u(r, "proc"));
    const auto& pending = books_.pending_for(proc);
    const auto first = pending.begin();
    if (first != pending.end() && first->first < m->order) {
      ++deviations_;
      for (auto it = first; it != pending.end() && it->first < m->order; ++it) ++passed_over_;
      // The oldest message appended at the tail that still waits for it.
      const auto tail_first = pending.lower_bound({1, 0});
      if (tail_first != pending.end() && tail_first->first < m->order) {
        violate(r, "processor " + proc_name(proc) + " retrieved " + msg_name(m->msg) + " while the older " +
                       msg_name(tail_first->second) + ", ahead of it in the list, still waited for it");
      }
    }
  }
  books_.commit(r, m);
}

}  // namespace ipcsim::model::scan

#include "model/scan/monitors.hpp"

namespace ipcsim::model::scan {
namespace {

std::string names(const std::set<std::uint32_t>& procs) {
  std::string out;
  for (std::uint32_t p : procs) out += (out.empty() ? "" : ", ") + proc_name(p);
  return out;
}

}  // namespace

void MessageLossMonitor::observe(const sim::TraceRecord& r) {
  if (r.kind == "scan.left") {
    inventory_ = true;
    left_[u(r, "msg")] = Left{static_cast<std::uint32_t>(u(r, "slot")), parse_procs(s(r, "pending"))};
    return;
  }
  Message* m = books_.about(r);
  if (r.kind == "scan.remove" && m != nullptr) {
    if (!m->not_retrieved.empty()) {
      violate(r, msg_name(m->msg) + " was removed before " + names(m->not_retrieved) + " retrieved it: lost");
      return;
    }
    if (!m->not_done.empty()) {
      violate(r, msg_name(m->msg) + " was removed while " + names(m->not_done) + " had not finished with it");
      return;
    }
  }
  books_.commit(r, m);
}

// Whatever the outcome: every message posted is removed (after all its
// recipients) or still in the list, as the region's bytes say at the end.
void MessageLossMonitor::at_end(const sim::RunResult&) {
  for (const auto& [msg, m] : books_.messages()) {
    if (m.removed) {
      if (left_.count(msg) != 0) {
        violate_at_end(msg_name(msg) + " was removed but is still in the list at the end");
        return;
      }
      continue;
    }
    auto it = left_.find(msg);
    if (it == left_.end()) {
      violate_at_end(msg_name(msg) + " (to " + names(m.recipients) + ") was neither removed nor left in the list" +
                     (inventory_ ? "" : " (no inventory was recorded)") + ": lost");
      return;
    }
    if (it->second.pending != m.not_retrieved) {
      violate_at_end(msg_name(msg) + " is in the list at the end waiting for " +
                     (it->second.pending.empty() ? std::string("nobody") : names(it->second.pending)) +
                     ", but the books say " +
                     (m.not_retrieved.empty() ? std::string("nobody") : names(m.not_retrieved)));
      return;
    }
  }
  for (const auto& [msg, left] : left_) {
    if (books_.messages().count(msg) == 0) {
      violate_at_end("slot " + std::to_string(left.slot) + " holds " + msg_name(msg) + ", which was never posted");
      return;
    }
  }
}

}  // namespace ipcsim::model::scan

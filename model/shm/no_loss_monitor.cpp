#include "model/shm/no_loss_monitor.hpp"

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {

std::string NoLossMonitor::describe(std::uint64_t xfer, const Transfer& t) const {
  return "transfer " + num(xfer) + " from " + who(t.src) + " to " + who(t.dst) + " (sent at " + at_time(t.sent) + ")";
}

void NoLossMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "shm.send") {
    Transfer& t = transfers_[u(r, "xfer")];
    t = Transfer{};
    t.src = u(r, "src");
    t.dst = u(r, "dst");
    t.sent = r.time;
  } else if (k == "shm.end.pending") {
    pending_.insert(u(r, "xfer"));
  } else {
    const bool recv = k == "shm.recv";
    const bool failed = k == "shm.send.failed";
    if (!recv && !failed && k != "shm.loc.write" && k != "shm.notify") return;
    auto it = transfers_.find(u(r, "xfer"));
    if (it == transfers_.end()) return;  // transfer_intact judges a transfer never sent
    Transfer& t = it->second;
    if (k == "shm.loc.write") {
      t.published = true;
    } else if (k == "shm.notify") {
      t.notified = true;
      t.notified_at = r.time;
    } else if (recv || failed) {
      if (t.received || t.failed) {
        violate(r, describe(it->first, t) + (recv ? " was received" : " failed (" + std::string(s(r, "reason")) + ")") +
                       " after it had already " + (t.received ? "been received" : "failed"));
      }
      (recv ? t.received : t.failed) = true;
    }
  }
}

void NoLossMonitor::at_end(const sim::RunResult& result) {
  if (!created()) return;
  const bool stuck = result.outcome == sim::RunOutcome::Quiescent || result.outcome == sim::RunOutcome::Deadlock;
  for (const auto& [xfer, t] : transfers_) {
    if (t.received || t.failed) continue;
    const bool pending = pending_.count(xfer) != 0;
    if (t.published && !pending) {
      violate_at_end(describe(xfer, t) + " vanished: neither received, nor failed, nor pending in admin memory at the end");
      return;
    }
    if (!stuck || !pending) continue;
    if (is_gone(t.dst)) {
      if (engine_stuck_on_a_lock()) continue;  // it could not fail it: deadlock_free's to report
      violate_at_end(describe(xfer, t) + " is still pending at the end, but " + who(t.dst) +
                     " has ended: it was never failed back to " + who(t.src));
      return;
    }
    // Waiting for a lock is a deadlock (deadlock_free's to report); waiting
    // for a signal after the signal was sent is a lost wake-up.
    const auto w = waiting_on(t.dst);
    if (!t.notified || !w || is_mutex(*w)) continue;
    const Process* dst = process(t.dst);
    const std::string on = dst != nullptr && dst->event == *w ? "its event " + object_name(*w) : object_name(*w);
    violate_at_end(describe(xfer, t) + " was never received: " + who(t.dst) + " was notified at " +
                   at_time(t.notified_at) + " but ends the run waiting on " + on + ", the wake-up lost");
    return;
  }
}

}  // namespace ipcsim::model::shm

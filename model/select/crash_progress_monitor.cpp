#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

std::optional<std::pair<sim::Instant, std::uint64_t>> CrashProgressMonitor::deadline(const Call& c) const {
  std::optional<std::pair<sim::Instant, std::uint64_t>> out;
  for (const Want& w : c.wants) {
    if (w.pipe == 0) continue;
    const auto home = home_of(w.pipe);
    if (!home || *home == c.cpu) continue;
    const auto crash = last_crash(*home);
    auto made = created_.find(w.pipe);
    if (!crash || made == created_.end() || *crash < made->second) continue;
    const sim::Instant by = std::max(*crash, c.start) + crash_bound();
    if (!out || by < out->first) out = std::make_pair(by, w.pipe);
  }
  return out;
}

void CrashProgressMonitor::watch(const sim::TraceRecord& r) {
  if (r.kind == "select.pipe.create") created_[u(r, "pipe")] = r.time;
  if (r.kind == "select.sock.create") created_[u(r, "sock")] = r.time;
  for (const auto& [actor, c] : calls()) {
    if (r.kind == "select.return" && r.actor == actor) continue;
    const auto d = deadline(c);
    if (d && r.time > d->first) {
      return violate(r, "select() of " + actor_name(actor) + " still waits at " + at_time(r.time) + " on " +
                            pipe_name(d->second) + ", whose CPU crashed: it should have been woken by " +
                            at_time(d->first));
    }
  }
}

void CrashProgressMonitor::at_end(const sim::RunResult& result) {
  const bool over = result.outcome == sim::RunOutcome::Quiescent || result.outcome == sim::RunOutcome::Deadlock;
  for (const auto& [actor, c] : calls()) {
    const auto d = deadline(c);
    if (d && (over || result.end_time > d->first)) {
      return violate_at_end("select() of " + actor_name(actor) + " never returned: it waits on " +
                            pipe_name(d->second) + ", whose CPU crashed (it should have been woken by " +
                            at_time(d->first) + ")");
    }
  }
}

}  // namespace ipcsim::model::select

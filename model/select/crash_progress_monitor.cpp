#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

std::optional<CrashProgressMonitor::Due> CrashProgressMonitor::deadline(const Call& c) const {
  std::optional<Due> out;
  auto consider = [&](sim::Instant by, std::uint64_t pipe, std::string why) {
    if (!out || by < out->by) out = Due{by, pipe, std::move(why)};
  };
  for (const Want& w : c.wants) {
    if (w.pipe == 0) continue;
    const auto home = home_of(w.pipe);
    if (!home) continue;
    const auto crash = last_crash(*home);
    auto made = created_.find(w.pipe);
    if (*home != c.cpu && crash && made != created_.end() && *crash >= made->second) {
      consider(std::max(*crash, c.start) + crash_bound(), w.pipe, "whose CPU crashed");
    }
    // A read waits on the write ends (end of file), a write on the read ends (EPIPE).
    auto e = ends_.find(w.pipe);
    if (e == ends_.end() || w.event > 1) continue;
    const int end = w.event == 0 ? 1 : 0;
    if (const auto& at = e->second.orphaned[end]) {
      consider(std::max(*at, c.start) + crash_bound(), w.pipe,
               std::string("whose last ") + (end == 1 ? "write" : "read") + " ends were on " +
                   cpu_name(e->second.by[end]) + ", which crashed at " + at_time(*at));
    }
  }
  return out;
}

void CrashProgressMonitor::watch(const sim::TraceRecord& r) {
  if (r.kind == "select.pipe.create") created_[u(r, "pipe")] = r.time;
  if (r.kind == "select.sock.create") created_[u(r, "sock")] = r.time;
  if (r.kind == "select.end.open" || r.kind == "select.end.close") {
    Ends& e = ends_[u(r, "pipe")];
    const int end = s(r, "end") == "write" ? 1 : 0;
    // An FD in flight through a socketpair is held by the socketpair's home (`holder`).
    const sim::CpuId holder = r.field("holder") != nullptr ? static_cast<sim::CpuId>(u(r, "holder")) : r.cpu;
    e.held[end][holder] += r.kind == "select.end.open" ? 1 : -1;
    if (r.kind == "select.end.open") e.orphaned[end].reset();  // a FIFO opened again
  }
  for (const auto& [actor, c] : calls()) {
    if (r.kind == "select.return" && r.actor == actor) continue;
    const auto d = deadline(c);
    if (d && r.time > d->by) {
      return violate(r, "select() of " + actor_name(actor) + " still waits at " + at_time(r.time) + " on " +
                            pipe_name(d->pipe) + ", " + d->why + ": it should have been woken by " + at_time(d->by));
    }
  }
}

void CrashProgressMonitor::crashed(sim::CpuId cpu, sim::Instant at) {
  for (auto& [pipe, e] : ends_) {
    for (int end = 0; end < 2; ++end) {
      auto it = e.held[end].find(cpu);
      if (it == e.held[end].end()) continue;
      const bool had = it->second > 0;
      e.held[end].erase(it);
      std::int64_t left = 0;
      for (const auto& [c, n] : e.held[end]) left += std::max<std::int64_t>(n, 0);
      // Its home's crash is judged above; a crash that closes the last ends elsewhere here.
      if (had && left == 0 && home_of(pipe) != cpu) {
        e.orphaned[end] = at;
        e.by[end] = cpu;
      }
    }
  }
}

void CrashProgressMonitor::at_end(const sim::RunResult& result) {
  const bool over = result.outcome == sim::RunOutcome::Quiescent || result.outcome == sim::RunOutcome::Deadlock;
  for (const auto& [actor, c] : calls()) {
    const auto d = deadline(c);
    if (d && (over || result.end_time > d->by)) {
      return violate_at_end("select() of " + actor_name(actor) + " never returned: it waits on " +
                            pipe_name(d->pipe) + ", " + d->why + " (it should have been woken by " +
                            at_time(d->by) + ")");
    }
  }
}

}  // namespace ipcsim::model::select

#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

void StaleWakeupMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "select.pipe.create") {
    Level& l = pipes_[u(r, "pipe")];
    l.capacity = static_cast<std::uint32_t>(u(r, "capacity"));
    l.history.emplace_back(r.time, 0);
  } else if (k == "select.pipe.write" || k == "select.pipe.take") {
    auto it = pipes_.find(u(r, "pipe"));
    if (it == pipes_.end() || it->second.gone) return;
    Level& l = it->second;
    const std::uint64_t n = u(r, "bytes");
    l.bytes = k == "select.pipe.write" ? l.bytes + n : (n > l.bytes ? 0 : l.bytes - n);
    l.history.emplace_back(r.time, l.bytes);
  } else if (k == "select.pipe.eof") {
    auto it = pipes_.find(u(r, "pipe"));
    if (it != pipes_.end() && !it->second.eof) it->second.eof = r.time;
  } else if (k == "select.pipe.broken") {
    auto it = pipes_.find(u(r, "pipe"));
    if (it != pipes_.end() && !it->second.broken) it->second.broken = r.time;
  }
}

void StaleWakeupMonitor::crashed(sim::CpuId cpu, sim::Instant) {
  for (auto& [pipe, l] : pipes_) {
    if (home_of(pipe) == cpu) l.gone = true;  // its FDs now answer with error readiness: anything goes
  }
}

void StaleWakeupMonitor::ended(const Call& c, const sim::TraceRecord* ret) {
  if (ret == nullptr || violated() || i(*ret, "count") <= 0) return;
  const std::uint64_t out[2] = {u(*ret, "r"), u(*ret, "w")};
  for (const Want& w : c.wants) {
    if (w.pipe == 0 || w.event == 2 || (out[w.event] & (1ULL << w.fd)) == 0) continue;
    auto it = pipes_.find(w.pipe);
    if (it == pipes_.end() || it->second.gone) continue;
    const Level& l = it->second;
    const sim::Duration bound = home_of(w.pipe) == c.cpu ? sim::Duration{0} : notify_bound();
    const sim::Instant from = c.start - bound, to = ret->time;
    const std::optional<sim::Instant>& for_good = w.event == 0 ? l.eof : l.broken;
    bool seen = for_good && *for_good <= to;
    for (std::size_t j = 0; j < l.history.size() && !seen; ++j) {
      const sim::Instant a = l.history[j].first;
      const sim::Instant b = j + 1 < l.history.size() ? l.history[j + 1].first : sim::kTimeNever;
      const std::uint64_t bytes = l.history[j].second;
      const bool ready = w.event == 0 ? bytes > 0 : bytes < l.capacity;
      seen = ready && a <= to && b >= from;
    }
    if (!seen) {
      return violate(*ret, "select() of " + actor_name(c.actor) + " (called at " + at_time(c.start) +
                               ") returned FD " + std::to_string(w.fd) + " ready for " + event_name(w.event) + ", but " +
                               pipe_name(w.pipe) + " was not, from " + at_time(from) + " to " + at_time(to) +
                               ": a stale wake-up");
    }
  }
}

}  // namespace ipcsim::model::select

#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

void LostWakeupMonitor::set_level(Level& l, std::uint64_t bytes, sim::Instant at) {
  l.bytes = bytes;
  const bool now[2] = {!l.gone && bytes > 0, !l.gone && bytes < l.capacity};
  for (int e = 0; e < 2; ++e) {
    if (l.ready[e].empty() || l.ready[e].back().second != now[e]) l.ready[e].emplace_back(at, now[e]);
  }
}

void LostWakeupMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "select.pipe.create") {
    Level& l = pipes_[u(r, "pipe")];
    l.capacity = static_cast<std::uint32_t>(u(r, "capacity"));
    l.home = r.cpu;
    set_level(l, 0, r.time);
  } else if (k == "select.pipe.write" || k == "select.pipe.take") {
    auto it = pipes_.find(u(r, "pipe"));
    if (it == pipes_.end()) return;
    Level& l = it->second;
    const std::uint64_t n = u(r, "bytes");
    set_level(l, k == "select.pipe.write" ? l.bytes + n : (n > l.bytes ? 0 : l.bytes - n), r.time);
  }
  // A select still waiting is judged as time goes by, not only when it returns.
  for (const auto& [actor, c] : calls()) {
    if (r.kind == "select.return" && r.actor == actor) continue;
    if (std::string why = judge(c, r.time, false); !why.empty()) return violate(r, why);
  }
}

void LostWakeupMonitor::crashed(sim::CpuId cpu, sim::Instant at) {
  for (auto& [pipe, l] : pipes_) {
    if (l.home != cpu || l.gone) continue;
    l.gone = true;  // its readiness died with its memory: crash_progress judges its waiters
    set_level(l, l.bytes, at);
  }
}

std::string LostWakeupMonitor::judge(const Call& c, sim::Instant until, bool returned) const {
  const std::string who = "select() of " + actor_name(c.actor) + " (called at " + at_time(c.start) + ")";
  // A poll (timeout 0) of an FD whose pipe lives elsewhere may take the round
  // trip of its question.
  bool remote = false;
  for (const Want& w : c.wants) remote = remote || (w.pipe != 0 && home_of(w.pipe) != c.cpu);
  const sim::Duration slack = c.deadline == c.start && remote ? notify_bound() : sim::Duration{0};
  if (c.deadline != sim::kTimeNever && until > c.deadline + slack) {
    return who + (returned ? " returned at " + at_time(until) : " was still waiting at " + at_time(until)) +
           ", after its timeout at " + at_time(c.deadline);
  }
  for (const Want& w : c.wants) {
    if (w.pipe == 0) {  // a file: always ready for reading and writing
      if (w.event != 2 && until > c.start) return who + " asked for a file, always ready, and did not return at once";
      continue;
    }
    if (w.event == 2) continue;  // pipes have no exceptional condition
    auto it = pipes_.find(w.pipe);
    if (it == pipes_.end()) continue;
    const Level& l = it->second;
    const sim::Duration bound = l.home == c.cpu ? sim::Duration{0} : notify_bound();
    const auto& tr = l.ready[w.event];
    for (std::size_t j = 0; j < tr.size(); ++j) {
      if (!tr[j].second) continue;
      const sim::Instant from = std::max(tr[j].first, c.start);
      const sim::Instant to = std::min(j + 1 < tr.size() ? tr[j + 1].first : sim::kTimeNever, until);
      if (to > from && to - from > bound) {
        return who + " missed FD " + std::to_string(w.fd) + ": " + pipe_name(w.pipe) + " was ready for " +
               event_name(w.event) + " from " + at_time(from) + " to " + at_time(to) + ", longer than the " +
               std::to_string(sim::to_ns(bound)) + "ns a notification takes, and the select " +
               (returned ? "returned only at " + at_time(until) : "was still waiting");
      }
    }
  }
  return "";
}

void LostWakeupMonitor::ended(const Call& c, const sim::TraceRecord* ret) {
  if (ret == nullptr || violated()) return;
  if (std::string why = judge(c, ret->time, true); !why.empty()) violate(*ret, why);
}

void LostWakeupMonitor::at_end(const sim::RunResult& result) {
  for (const auto& [actor, c] : calls()) {
    if (std::string why = judge(c, result.end_time, false); !why.empty()) return violate_at_end(why);
  }
}

}  // namespace ipcsim::model::select

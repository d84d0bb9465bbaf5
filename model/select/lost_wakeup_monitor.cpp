#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

void LostWakeupMonitor::set_level(Level& l, std::uint64_t bytes, sim::Instant at) {
  l.bytes = bytes;
  const bool now[2] = {!l.gone && (bytes > 0 || l.eof), !l.gone && (bytes < l.capacity || l.broken)};
  for (int e = 0; e < 2; ++e) {
    if (l.ready[e].empty() || l.ready[e].back().second != now[e]) l.ready[e].emplace_back(at, now[e]);
  }
}

void LostWakeupMonitor::ends_changed(Level& l, sim::Instant at) {
  for (int e = 0; e < 2; ++e) {
    // Read readiness (e 0) follows the write ends (1), write readiness the read ends (0).
    const int end = 1 - e;
    std::int64_t open = 0;
    for (const auto& [cpu, n] : l.ends[end]) open += n;
    const bool now = !l.gone && l.had[end] && open <= 0;
    if (l.closed[e].empty() || l.closed[e].back().second != now) l.closed[e].emplace_back(at, now);
  }
}

void LostWakeupMonitor::sock_changed(Sock& s, sim::Instant at) {
  for (auto& [cpu, held] : s.held) {
    const bool now = !s.gone && (held > 0 || (s.contention[cpu] && s.real > 0 && !s.recalling));
    auto& tr = s.ready[cpu];
    if (tr.empty() || tr.back().second != now) tr.emplace_back(at, now);
  }
  const bool writable = !s.gone && (s.send_buffer == 0 || s.out + 1 <= s.send_buffer);
  if (s.write_ready.empty() || s.write_ready.back().second != writable) s.write_ready.emplace_back(at, writable);
  const bool except = !s.gone && s.oob > 0;
  if (s.except_ready.empty() || s.except_ready.back().second != except) s.except_ready.emplace_back(at, except);
}

void LostWakeupMonitor::watch_socket(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "select.sock.create") {
    Sock& s = socks_[u(r, "sock")];
    s.io = r.cpu;
    s.send_buffer = i(r, "send_buffer");
    sock_changed(s, r.time);
    return;
  }
  const std::uint64_t key = k == "select.shadow.create" ? u(r, "pipe") : u(r, "sock");
  auto it = socks_.find(key);
  if (it == socks_.end()) return;
  Sock& s = it->second;
  if (k == "select.shadow.create") {
    if (s.held.count(r.cpu) == 0) s.held[r.cpu] = 0;
    s.contention[r.cpu] = u(r, "contention") != 0;
  } else if (k == "select.sock.arrive" || k == "select.sock.returned") {
    s.real += k == "select.sock.arrive" ? 1 : static_cast<std::int64_t>(u(r, "packets"));
    if (k == "select.sock.returned") s.recalling = false;
  } else if (k == "select.sock.forward" || k == "select.sock.deliver") {
    --s.real;
  } else if (k == "select.shadow.store") {
    ++s.held[r.cpu];
  } else if (k == "select.shadow.recall") {
    s.held[r.cpu] = std::max<std::int64_t>(0, s.held[r.cpu] - static_cast<std::int64_t>(u(r, "packets")));
    s.contention[r.cpu] = true;
  } else if (k == "select.sock.send") {
    s.out += i(r, "bytes");
  } else if (k == "select.sock.transmit") {
    s.out -= i(r, "bytes");
  } else if (k == "select.sock.urgent") {
    ++s.oob;
  } else if (k == "select.sock.oob_deliver") {
    --s.oob;
  } else if (k == "select.shadow.mode") {
    s.contention[r.cpu] = false;  // forwarding again: this shadow's packets come here
  } else if (k == "select.sock.read" && i(r, "packet") > 0 && u(r, "remote") == 0) {
    s.held[r.cpu] = std::max<std::int64_t>(0, s.held[r.cpu] - 1);
  } else {
    return;
  }
  sock_changed(s, r.time);
}

void LostWakeupMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k.starts_with("select.sock.") || k == "select.shadow.create" || k == "select.shadow.store" ||
      k == "select.shadow.recall" || k == "select.shadow.mode") {
    watch_socket(r);
  } else if (k == "select.io.send" && s(r, "msg_kind") == "recall") {
    for (auto& [key, sk] : socks_) {
      if (sk.io == r.cpu) sk.recalling = true;  // one socket per port; the recall is for the one switching
    }
  }
  if (k == "select.pipe.create") {
    Level& l = pipes_[u(r, "pipe")];
    l.capacity = static_cast<std::uint32_t>(u(r, "capacity"));
    l.home = r.cpu;
    set_level(l, 0, r.time);
  } else if (k == "select.end.open" || k == "select.end.close") {
    auto it = pipes_.find(u(r, "pipe"));
    if (it == pipes_.end()) return;
    const int end = s(r, "end") == "write" ? 1 : 0;
    // An FD in flight through a socketpair is held by the socketpair's home (`holder`).
    const sim::CpuId holder = r.field("holder") != nullptr ? static_cast<sim::CpuId>(u(r, "holder")) : r.cpu;
    it->second.ends[end][holder] += k == "select.end.open" ? 1 : -1;
    if (k == "select.end.open") it->second.had[end] = true;
    ends_changed(it->second, r.time);
  } else if (k == "select.pipe.eof" || k == "select.pipe.broken") {
    auto it = pipes_.find(u(r, "pipe"));
    if (it == pipes_.end()) return;
    (k == "select.pipe.eof" ? it->second.eof : it->second.broken) = true;
    set_level(it->second, it->second.bytes, r.time);
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
    ends_changed(l, at);
  }
  for (auto& [key, s] : socks_) {
    if (s.io == cpu) s.gone = true;
    s.held.erase(cpu);  // that shadow died with its CPU
    s.ready.erase(cpu);
    if (s.gone || s.io != cpu) sock_changed(s, at);
  }
}

std::string LostWakeupMonitor::judge(const Call& c, sim::Instant until, bool returned) const {
  // Judged on every record while the select waits: the name is built only for a verdict.
  auto who = [&] { return "select() of " + actor_name(c.actor) + " (called at " + at_time(c.start) + ")"; };
  // A poll (timeout 0) of an FD whose pipe lives elsewhere may take the round
  // trip of its question.
  bool remote = false;
  for (const Want& w : c.wants) remote = remote || (w.pipe != 0 && home_of(w.pipe) != c.cpu);
  const sim::Duration slack = c.deadline == c.start && remote ? notify_bound() : sim::Duration{0};
  if (c.deadline != sim::kTimeNever && until > c.deadline + slack) {
    return who() + (returned ? " returned at " + at_time(until) : " was still waiting at " + at_time(until)) +
           ", after its timeout at " + at_time(c.deadline);
  }
  for (const Want& w : c.wants) {
    if (w.pipe == 0) {  // a file: always ready for reading and writing
      if (w.event != 2 && until > c.start) return who() + " asked for a file, always ready, and did not return at once";
      continue;
    }
    const std::vector<std::pair<sim::Instant, bool>>* transitions = nullptr;
    const std::vector<std::pair<sim::Instant, bool>>* by_books = nullptr;
    sim::Duration bound = notify_bound();
    if (auto sk = socks_.find(w.pipe); sk != socks_.end()) {
      if (w.event == 2) {  // out-of-band data pending at the real socket: exceptional for every reader
        transitions = &sk->second.except_ready;
      } else if (w.event == 1) {  // room in the real socket's send buffer: the same for every writer
        transitions = &sk->second.write_ready;
      } else {
        auto tr = sk->second.ready.find(c.cpu);
        if (tr == sk->second.ready.end()) continue;
        transitions = &tr->second;
      }
    } else if (w.event == 2) {
      continue;  // pipes have no exceptional condition
    } else {
      auto it = pipes_.find(w.pipe);
      if (it == pipes_.end()) continue;
      const Level& l = it->second;
      if (l.home == c.cpu) bound = sim::Duration{0};
      transitions = &l.ready[w.event];
      by_books = &l.closed[w.event];
    }
    // End of file or EPIPE by the monitor's own count of the closes: the last
    // close travels to the home (a latency, or a re-send) and the news back.
    if (by_books != nullptr) {
      const auto& tr = *by_books;
      for (std::size_t j = 0; j < tr.size(); ++j) {
        if (!tr[j].second) continue;
        const sim::Instant from = std::max(tr[j].first, c.start);
        const sim::Instant to = std::min(j + 1 < tr.size() ? tr[j + 1].first : sim::kTimeNever, until);
        if (to > from && to - from > notify_bound()) {
          return who() + " missed FD " + std::to_string(w.fd) + ": every " + (w.event == 0 ? "write" : "read") +
                 " end of " + pipe_name(w.pipe) + " was closed from " + at_time(from) + " (" +
                 (w.event == 0 ? "end of file" : "EPIPE") + ") to " + at_time(to) + ", longer than the " +
                 std::to_string(sim::to_ns(notify_bound())) + "ns a close and its notification take, and the select " +
                 (returned ? "returned only at " + at_time(until) : "was still waiting");
        }
      }
    }
    const auto& tr = *transitions;
    for (std::size_t j = 0; j < tr.size(); ++j) {
      if (!tr[j].second) continue;
      const sim::Instant from = std::max(tr[j].first, c.start);
      const sim::Instant to = std::min(j + 1 < tr.size() ? tr[j + 1].first : sim::kTimeNever, until);
      if (to > from && to - from > bound) {
        return who() + " missed FD " + std::to_string(w.fd) + ": " + pipe_name(w.pipe) + " was ready for " +
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

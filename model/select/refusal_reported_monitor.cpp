#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

std::string RefusalReportedMonitor::describe(std::uint64_t sock) const {
  auto it = refused_.find(sock);
  return "the socket for port " + std::to_string(it->second.port) + ", whose connect the I/O process refused at " +
         at_time(it->second.at);
}

std::optional<std::pair<sim::Instant, std::uint64_t>> RefusalReportedMonitor::deadline(const Call& c) const {
  std::optional<std::pair<sim::Instant, std::uint64_t>> out;
  for (const Want& w : c.wants) {
    auto it = refused_.find(w.pipe);
    if (w.pipe == 0 || it == refused_.end()) continue;
    const sim::Instant by = std::max(it->second.at, c.start) + notify_bound();
    if (!out || by < out->first) out = std::make_pair(by, w.pipe);
  }
  return out;
}

void RefusalReportedMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "select.sock.refuse") {
    const Refused why{r.time, static_cast<std::uint32_t>(u(r, "port"))};
    refused_req_[u(r, "req")] = why;
    if (auto it = sock_of_req_.find(u(r, "req")); it != sock_of_req_.end()) refused_[it->second] = why;
  } else if (k == "select.socket" && i(r, "fd") >= 0 && u(r, "sock") != 0) {
    sock_of_req_[u(r, "req")] = u(r, "sock");
    if (auto it = refused_req_.find(u(r, "req")); it != refused_req_.end()) refused_[u(r, "sock")] = it->second;
  } else if (k == "select.sock.read" && i(r, "packet") >= 0) {
    auto it = refused_.find(u(r, "sock"));
    if (it != refused_.end() && r.time > it->second.at + notify_bound()) {
      return violate(r, "a read by " + actor_name(r.actor) + " at " + at_time(r.time) + " of " + describe(it->first) +
                            ", returned " + (i(r, "packet") == 0 ? "'no packet yet'" : "a packet") +
                            " instead of an error: the refusal never reached the user of the shadow");
    }
  }
  for (const auto& [actor, c] : calls()) {
    if (k == "select.return" && r.actor == actor) continue;
    const auto d = deadline(c);
    if (d && r.time > d->first) {
      return violate(r, "select() of " + actor_name(actor) + " still waits at " + at_time(r.time) + " on " +
                            describe(d->second) + ": the refusal should have reached it by " + at_time(d->first));
    }
  }
}

void RefusalReportedMonitor::ended(const Call& c, const sim::TraceRecord* ret) {
  if (ret == nullptr || violated()) return;
  const auto d = deadline(c);
  if (d && ret->time > d->first) {
    violate(*ret, "select() of " + actor_name(c.actor) + " returned only at " + at_time(ret->time) + " (" +
                      (i(*ret, "count") == 0 ? "timed out" : "ready") + "), waiting on " + describe(d->second) +
                      ": the refusal should have reached it by " + at_time(d->first));
  }
}

void RefusalReportedMonitor::at_end(const sim::RunResult&) {
  for (const auto& [actor, c] : calls()) {
    if (const auto d = deadline(c)) {
      return violate_at_end("select() of " + actor_name(actor) + " never returned: it waits on " +
                            describe(d->second) + " (the refusal should have reached it by " + at_time(d->first) + ")");
    }
  }
}

}  // namespace ipcsim::model::select

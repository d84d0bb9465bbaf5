#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

void FalseSuspicionMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "select.agent.send" || k == "select.io.send") {
    sent_[u(r, "msg")] = r.time;
    return;
  }
  if (k == "select.agent.recv") {
    // Heard from as of when the message left: a message sent just before a
    // crash and received after it does not make the crash older than the news.
    auto s = sent_.find(u(r, "msg"));
    const sim::Instant said = s == sent_.end() ? r.time : s->second;
    sim::Instant& heard = heard_[{r.cpu, static_cast<sim::CpuId>(u(r, "peer"))}];
    heard = std::max(heard, said);
    return;
  }
  // A restarted peer recognised by its new incarnation is no suspicion: it answered.
  if (k != "select.agent.peer_dead" || u(r, "restarted") != 0) return;
  const auto peer = static_cast<sim::CpuId>(u(r, "peer"));
  auto it = heard_.find({r.cpu, peer});
  const sim::Instant heard = it == heard_.end() ? sim::kTimeZero : it->second;
  const auto crash = last_crash(peer);
  if (crash && *crash >= heard) return;  // it did crash since it was last heard from
  violate(r, cpu_name(r.cpu) + " declared " + cpu_name(peer) + " dead at " + at_time(r.time) + ", but " +
                 cpu_name(peer) + " never crashed" +
                 (it == heard_.end() ? "" : " (last heard from at " + at_time(heard) + ")") +
                 ": a slow peer was taken for a dead one, and everything waiting on it was woken with errors");
}

}  // namespace ipcsim::model::select

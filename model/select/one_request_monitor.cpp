#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

void OneRequestMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "select.agent.send" && s(r, "msg_kind") == "interest") {
    const auto key = std::make_tuple(u(r, "pipe"), event_index(s(r, "event")), r.cpu);
    auto it = outstanding_.find(key);
    // On a lossy bus a request unanswered for a resend period may go again.
    const bool resend = it != outstanding_.end() && resend_period() > sim::Duration{0} &&
                        r.time - it->second >= resend_period();
    if (it != outstanding_.end() && !resend) {
      violate(r, cpu_name(r.cpu) + " sent a second interest message for " + pipe_name(u(r, "pipe")) + " (" +
                     event_name(event_index(s(r, "event"))) + ") while the one it sent at " + at_time(it->second) +
                     " was outstanding: a duplicate request must be suppressed");
      return;
    }
    outstanding_[key] = r.time;
  } else if (k == "select.agent.recv" && s(r, "msg_kind") == "notify") {
    const std::uint64_t pipe = u(r, "pipe");
    if (u(r, "dead") != 0) {
      std::erase_if(outstanding_, [&](const auto& kv) {
        return std::get<0>(kv.first) == pipe && std::get<2>(kv.first) == r.cpu;
      });
    } else {
      outstanding_.erase(std::make_tuple(pipe, event_index(s(r, "event")), r.cpu));
    }
  } else if (k == "select.agent.peer_dead") {
    const auto peer = static_cast<sim::CpuId>(u(r, "peer"));
    std::erase_if(outstanding_, [&](const auto& kv) {
      return std::get<2>(kv.first) == r.cpu && home_of(std::get<0>(kv.first)) == peer;
    });
  } else if (k == "cpu.crash") {
    std::erase_if(outstanding_, [&](const auto& kv) { return std::get<2>(kv.first) == r.cpu; });
  }
}

}  // namespace ipcsim::model::select

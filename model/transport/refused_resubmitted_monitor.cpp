#include "model/transport/refused_resubmitted_monitor.hpp"

namespace ipcsim::model::transport {

void RefusedResubmittedMonitor::observe(const sim::TraceRecord& r) {
  books_.see(r, r.actor == sim::kNoActor ? std::string() : actor_name(r.actor));
  if (r.kind == "transport.queue.refuse" || r.kind == "transport.queue.accept") {
    const std::pair key{r.field("session")->u, r.field("user")->u};
    waiting_.erase(key);  // a new attempt: the earlier refusal was answered
    if (r.kind == "transport.queue.refuse" && r.field("result")->s == "queue_full") {
      waiting_[key] = Refusal{r.time, r.cpu, std::nullopt};
    }
  } else if (r.kind == "transport.complete") {
    const std::uint64_t s = r.field("session")->u;
    for (auto& [key, refusal] : waiting_) {
      if (key.first == s && !refusal.space_opened) refusal.space_opened = r.time;
    }
  } else if (r.kind == "cpu.crash") {
    std::erase_if(waiting_, [&](const auto& e) { return e.second.cpu == r.cpu; });  // its source is gone
  }
}

void RefusedResubmittedMonitor::at_end(const sim::RunResult&) {
  for (const auto& [key, refusal] : waiting_) {
    if (!refusal.space_opened) continue;  // still no space: waiting is right
    const std::string who = books_.name(key.first, static_cast<std::int64_t>(key.second));
    violate_at_end(who + " was refused with queue_full at t=" + std::to_string(sim::to_ns(refusal.at)) +
                   "ns; space opened at t=" + std::to_string(sim::to_ns(*refusal.space_opened)) +
                   "ns (a message of its session completed), and it was never submitted again");
    return;
  }
}

}  // namespace ipcsim::model::transport

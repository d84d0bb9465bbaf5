#include "model/transport/one_completion_monitor.hpp"

namespace ipcsim::model::transport {

void OneCompletionMonitor::observe(const sim::TraceRecord& r) {
  books_.see(r, r.actor == sim::kNoActor ? std::string() : actor_name(r.actor));
  if (r.kind == "transport.app.submit") {
    // A new acceptance (a source restarted after a crash submits again what
    // the storage had not taken): it owes one completion of its own.
    completed_.erase({r.field("session")->u, r.field("msg")->u});
    return;
  }
  if (r.kind != "transport.app.completion") return;
  const std::uint64_t s = r.field("session")->u;
  const std::uint64_t msg = r.field("msg")->u;
  const std::string status(r.field("status")->s);
  const std::string what = books_.name(s, static_cast<std::int64_t>(msg));
  if (books_.find(s, static_cast<std::int64_t>(msg)) == nullptr) {
    violate(r, what + " completed (" + status + ") but was never accepted");
    return;
  }
  auto [it, first] = completed_.try_emplace({s, msg}, First{status, r.time});
  if (!first) {
    violate(r, what + " completed twice: " + it->second.status + " at t=" +
                   std::to_string(sim::to_ns(it->second.at)) + "ns, then " + status);
  }
}

}  // namespace ipcsim::model::transport

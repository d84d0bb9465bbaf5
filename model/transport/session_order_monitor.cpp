#include "model/transport/session_order_monitor.hpp"

namespace ipcsim::model::transport {

void SessionOrderMonitor::observe(const sim::TraceRecord& r) {
  books_.see(r, r.actor == sim::kNoActor ? std::string() : actor_name(r.actor));
  if (r.kind != "transport.app.deliver") return;
  const std::uint64_t s = r.field("session")->u;
  const std::int64_t msg = r.field("msg")->as_int();
  if (books_.find(s, msg) == nullptr || !seen_.insert({s, msg}).second) return;
  auto it = last_.find(s);
  if (it != last_.end() && msg < it->second) {
    violate(r, books_.name(s, msg) + " delivered after message " + std::to_string(it->second) +
                   ", which its source submitted later");
  }
  if (it == last_.end() || msg > it->second) last_[s] = msg;
}

}  // namespace ipcsim::model::transport

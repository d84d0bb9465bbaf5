#include "model/transport/no_loss_monitor.hpp"

namespace ipcsim::model::transport {

void NoLossMonitor::observe(const sim::TraceRecord& r) {
  books_.see(r, r.actor == sim::kNoActor ? std::string() : actor_name(r.actor));
  if (r.kind == "transport.app.deliver") {
    const std::int64_t msg = r.field("msg")->as_int();
    const std::uint64_t s = r.field("session")->u;
    if (books_.find(s, msg) == nullptr) return;  // not a submitted message: no_altered_delivery's to judge
    if (++delivered_[{s, static_cast<std::uint64_t>(msg)}] == 2) {
      violate(r, books_.name(s, msg) + " delivered a second time");
    }
  } else if (r.kind == "transport.app.completion") {
    const Key k{r.field("session")->u, r.field("msg")->u};
    (r.field("status")->s == "failed" ? failed_ : reported_ok_).insert(k);
  } else if (r.kind == "transport.pending") {
    pending_.insert({r.field("session")->u, r.field("user")->u});
  }
}

void NoLossMonitor::at_end(const sim::RunResult&) {
  for (const auto& [k, sub] : books_.all()) {
    if (delivered_.count(k) != 0 || failed_.count(k) != 0 || pending_.count(k) != 0) continue;
    const std::string what = books_.name(k.first, static_cast<std::int64_t>(k.second));
    violate_at_end(what + (reported_ok_.count(k) != 0 ? " was reported delivered to its source but never delivered"
                                                     : " was accepted, then neither delivered, nor reported failed, "
                                                       "nor still held by the engine"));
    return;
  }
}

}  // namespace ipcsim::model::transport

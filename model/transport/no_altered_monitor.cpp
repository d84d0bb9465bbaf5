#include "model/transport/no_altered_monitor.hpp"

namespace ipcsim::model::transport {

void NoAlteredMonitor::observe(const sim::TraceRecord& r) {
  books_.see(r, r.actor == sim::kNoActor ? std::string() : actor_name(r.actor));
  if (r.kind != "transport.app.deliver") return;
  const std::uint64_t s = r.field("session")->u;
  const std::int64_t msg = r.field("msg")->as_int();
  const Submitted* sub = books_.find(s, msg);
  if (sub == nullptr) {
    violate(r, "the storage took a message of session " + std::to_string(s) + " that no source submitted (" +
                   "it says it is message " + std::to_string(msg) + ")");
  } else if (sub->digest != r.field("digest")->u || sub->bytes != r.field("bytes")->u) {
    violate(r, books_.name(s, msg) + " delivered altered: its bytes differ from those submitted");
  }
}

}  // namespace ipcsim::model::transport

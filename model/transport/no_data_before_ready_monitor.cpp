#include "model/transport/no_data_before_ready_monitor.hpp"

namespace ipcsim::model::transport {

void NoDataBeforeReadyMonitor::observe(const sim::TraceRecord& r) {
  books_.see(r, r.actor == sim::kNoActor ? std::string() : actor_name(r.actor));
  if (r.kind == "transport.session.create") {
    answered_[r.field("session")->u] = false;
  } else if (r.kind == "transport.recv" && r.field("side")->s == "sender") {
    const std::string_view frame = r.field("frame")->s;
    if (frame == "SYNC_ACK") answered_[r.field("session")->u] = true;
    if (frame == "RESET") answered_[r.field("session")->u] = false;
  } else if (r.kind == "transport.send" && r.field("frame")->s == "DATA") {
    const std::uint64_t s = r.field("session")->u;
    auto it = answered_.find(s);
    if (it == answered_.end() || !it->second) {
      violate(r, books_.name(s, static_cast<std::int64_t>(r.field("user")->u)) + " (seqno " +
                     std::to_string(r.field("seqno")->u) +
                     ") was sent before the server answered the session's handshake: data moves only in "
                     "CE_SS_SESSION_READY");
    }
  }
}

}  // namespace ipcsim::model::transport

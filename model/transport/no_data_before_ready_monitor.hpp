// no_data_before_ready: the sender writes DATA for a session only after the
// server answered its handshake (a SYNC_ACK reached the sender), and not
// between a RESET (the server forgot the session) and the next SYNC_ACK. The
// claims' "early use of a session": CreateSession returns at once, but data
// moves only in CE_SS_SESSION_READY. The monitor reads frames, not the
// engine's state names. Sources: transport.session.create, transport.recv
// (side sender: SYNC_ACK, RESET), transport.send (DATA).
#pragma once

#include <map>

#include "model/transport/session_books.hpp"

namespace ipcsim::model::transport {

class NoDataBeforeReadyMonitor final : public Monitor {
 public:
  NoDataBeforeReadyMonitor() : Monitor("no_data_before_ready") {}

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  SessionBooks books_;
  std::map<std::uint64_t, bool> answered_;  // by session: a SYNC_ACK since the last create or RESET
};

}  // namespace ipcsim::model::transport

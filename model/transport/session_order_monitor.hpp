// session_order: the storage application takes each session's messages in
// the order its source submitted them (first deliveries only: a repeated one
// is no_loss's to judge). Sources: transport.app.submit, transport.app.deliver.
#pragma once

#include <map>
#include <set>

#include "model/transport/session_books.hpp"

namespace ipcsim::model::transport {

class SessionOrderMonitor final : public Monitor {
 public:
  SessionOrderMonitor() : Monitor("session_order") {}

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  SessionBooks books_;
  std::map<std::uint64_t, std::int64_t> last_;  // per session, the last message delivered first-time
  std::set<std::pair<std::uint64_t, std::int64_t>> seen_;
};

}  // namespace ipcsim::model::transport

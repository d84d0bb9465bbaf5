// one_completion: every message a source's submit accepted gets at most one
// completion (success or failure), and none arrives for a message never
// accepted (each acceptance: a message submitted again after a crash of the
// sources' machine owes one more). A second completion (a late ACK completing a message the timeout
// had already retired, the claims' "timeout against a late completion") is a
// violation when the source takes it. Sources: transport.app.submit,
// transport.app.completion (what the source took from its queue).
#pragma once

#include <map>
#include <string>
#include <utility>

#include "model/transport/session_books.hpp"

namespace ipcsim::model::transport {

class OneCompletionMonitor final : public Monitor {
 public:
  OneCompletionMonitor() : Monitor("one_completion") {}

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  struct First {
    std::string status;
    sim::Instant at{};
  };
  SessionBooks books_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, First> completed_;
};

}  // namespace ipcsim::model::transport

// refused_resubmitted: a message the engine refused with queue_full is
// submitted again (accepted or refused once more) once its session's queue has
// had space open, unless the source's CPU crashed. At the end of the run, a
// refusal followed by a completion of the same session (space opened) and by
// no new attempt is a violation: the source waits for a notice that came
// before it waited (the claims' "refused, then waiting"). Sources (the
// engine's records at its API): transport.queue.refuse, transport.queue.accept,
// transport.complete (a message left its output queue), cpu.crash.
#pragma once

#include <map>
#include <optional>
#include <utility>

#include "model/transport/session_books.hpp"

namespace ipcsim::model::transport {

class RefusedResubmittedMonitor final : public Monitor {
 public:
  RefusedResubmittedMonitor() : Monitor("refused_resubmitted") {}

 protected:
  void observe(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Refusal {
    sim::Instant at{};
    sim::CpuId cpu = sim::kNoCpu;
    std::optional<sim::Instant> space_opened;  // the first completion of its session after it
  };
  SessionBooks books_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Refusal> waiting_;  // (session, user) refused, not tried again
};

}  // namespace ipcsim::model::transport

// no_loss: every message a source's submit accepted is, by the end of the run,
// delivered to the storage application exactly once, or reported failed to its
// source, or still held by the engine (its end-of-run inventory,
// transport.pending). A second delivery is a violation when it happens.
// Sources: transport.app.submit, transport.app.deliver,
// transport.app.completion, transport.pending.
#pragma once

#include <map>
#include <set>
#include <utility>

#include "model/transport/session_books.hpp"

namespace ipcsim::model::transport {

class NoLossMonitor final : public Monitor {
 public:
  NoLossMonitor() : Monitor("no_loss") {}

 protected:
  void observe(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  using Key = std::pair<std::uint64_t, std::uint64_t>;
  SessionBooks books_;
  std::map<Key, int> delivered_;
  std::set<Key> failed_;
  std::set<Key> reported_ok_;
  std::set<Key> pending_;
};

}  // namespace ipcsim::model::transport

// no_altered_delivery: every message the storage application takes is one a
// source submitted, byte for byte: the digest of what it got
// (transport.app.deliver) equals the digest its source recorded at submit
// (transport.app.submit). Both digests are computed by the applications from
// the bytes they hold, not by the engine.
#pragma once

#include "model/transport/session_books.hpp"

namespace ipcsim::model::transport {

class NoAlteredMonitor final : public Monitor {
 public:
  NoAlteredMonitor() : Monitor("no_altered_delivery") {}

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  SessionBooks books_;
};

}  // namespace ipcsim::model::transport

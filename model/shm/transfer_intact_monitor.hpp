// transfer_intact: each transfer reaches its destination at most once, intact
// (seed 000 checklist, property 6; the claims' "published before written"
// trap). A receive (shm.recv) names a transfer that was sent, happens in the
// destination the sender named, once, with the sender's length and the
// checksum of the sender's payload; and a location record is published
// (shm.loc.write) only after the payload it points at was written
// (shm.payload.write of that transfer, covering the published range: the
// sender writes it before it hands the transfer over with shm.send).
//
// The checksums compared are the sender application's (shm.send: FNV-1a of
// the payload it handed over) and the destination's (shm.recv: of the bytes
// it read out of simulated memory); neither is a verdict of the mechanism.
#pragma once

#include <map>

#include "model/shm/shm_monitor.hpp"

namespace ipcsim::model::shm {

class TransferIntactMonitor final : public ShmMonitor {
 public:
  TransferIntactMonitor() : ShmMonitor("transfer_intact") {}
  std::uint64_t receives_checked() const { return receives_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  void check_recv(const sim::TraceRecord& r);
  void check_publish(const sim::TraceRecord& r);
  struct Sent {
    sim::ActorId src = sim::kNoActor;
    sim::ActorId dst = sim::kNoActor;
    std::uint64_t bytes = 0;
    std::uint64_t sum = 0;
    bool received = false;
    sim::Instant received_at{};
  };
  struct Payload {
    std::uint64_t rel = 0;
    std::uint64_t bytes = 0;
  };
  std::map<std::uint64_t, Sent> sent_;         // by xfer
  std::map<std::uint64_t, Payload> payloads_;  // by xfer: written into shared memory (before or after shm.send)
  std::uint64_t receives_ = 0;
};

}  // namespace ipcsim::model::shm

// receiver_bound: a session's input queue at the storage server never holds
// more bytes than the input queue length the session was accepted with. The
// monitor sums the queue itself from what enters it (transport.rx.enqueue)
// and what the storage takes (transport.rx.take); a crash of the server's CPU
// (cpu.crash) empties the queues of the sessions accepted there.
#pragma once

#include <map>

#include "model/monitor.hpp"

namespace ipcsim::model::transport {

class ReceiverBoundMonitor final : public Monitor {
 public:
  ReceiverBoundMonitor() : Monitor("receiver_bound") {}

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  struct Queue {
    std::uint64_t limit = 0;
    std::uint64_t bytes = 0;
    sim::CpuId cpu = sim::kNoCpu;
  };
  std::map<std::uint64_t, Queue> queues_;
};

}  // namespace ipcsim::model::transport

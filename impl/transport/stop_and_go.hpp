// The baseline the issue compares the engine with: small-packet stop-and-go.
// Each source cuts its messages into packets of `packet_bytes` (about 1.5 KB,
// an Ethernet frame) and sends one, waits for its acknowledgement, then sends
// the next (a lost packet or ACK is sent again after `timeout`). Same sources,
// same messages, same links, and the same boundary records
// (transport.app.submit / .completion / .deliver), so the same monitors judge
// it. No signing: the baseline is only the timing comparison.
#pragma once

#include <cstdint>
#include <vector>

#include "impl/transport/workload.hpp"
#include "sim/bus.hpp"
#include "sim/port.hpp"

namespace ipcsim::transport {

class StopAndGo {
 public:
  StopAndGo(sim::World& w, sim::Cpu& client, sim::Cpu& server, std::vector<sim::Bus*> connections, TransferParams p,
            std::uint64_t packet_bytes);
  ~StopAndGo();
  void start();
  const TransferCounters& counters() const { return counters_; }
  // When the last source finished, and the bytes the sources put on the links.
  sim::Instant finished_at() const { return finished_at_; }
  std::uint64_t wire_bytes() const { return wire_bytes_; }
  std::uint64_t digest() const;

 private:
  sim::Task<> source(sim::Ctx cx, std::uint32_t index);
  sim::Task<> receiver(sim::Ctx cx);

  sim::World* w_;
  sim::Cpu* client_;
  sim::Cpu* server_;
  std::vector<sim::Bus*> buses_;
  TransferParams p_;
  std::uint64_t packet_bytes_;
  sim::Port* server_inbox_ = nullptr;
  std::vector<sim::Port*> source_inbox_;
  TransferCounters counters_;
  sim::Instant finished_at_{};
  std::uint64_t wire_bytes_ = 0;
  std::uint32_t running_ = 0;
};

}  // namespace ipcsim::transport

// Interrupts: a device's interrupt line, and the ISR's one legal wait.
//
// An ISR is an actor spawned with `.may_block = false` at the top priority of
// its CPU: the kernel refuses to let it block (sim::World::block). It may
// wait only for its interrupt source: InterruptLine::wait() is that wait, a
// kernel-visible block on the line (so deadlock reports and the model checker
// see it) that the line makes legal for the ISR for the length of the wait.
//
// The device side raises the line with a received packet (from a timer event,
// a bus-fed port reader, a test). Packets that arrive while the ISR is busy
// wait in the device's receive FIFO (bounded: `fifo_limit`); one more is an
// overrun, counted and traced, as on a real NIC.
//
//   rtos::InterruptLine irq(w, "eth0.irq", /*fifo_limit=*/4);
//   rtos::schedule_packets(w, irq, {.count = 20, .period = 5us});
//   w.spawn(cpu, "isr", [&](sim::Ctx) -> sim::Task<> {
//     for (;;) {
//       rtos::Packet p = co_await irq.wait();
//       ...
//     }
//   }, {.priority = 255, .daemon = true, .may_block = false});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/actor.hpp"
#include "sim/op.hpp"
#include "sim/ring_queue.hpp"
#include "sim/time.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::sim {
class World;
}

namespace ipcsim::rtos {

struct Packet {
  std::uint64_t seq = 0;   // from 1, in raise order
  std::uint64_t flow = 0;  // trace flow id: rtos.irq.raise flow_out, rtos.irq.take flow_in
  std::vector<std::byte> bytes;
};

class InterruptLine final : public sim::Waitable {
 public:
  InterruptLine(sim::World& world, std::string name, std::uint32_t fifo_limit = 16);

  // The device received a packet: wake the ISR, or queue it, or overrun.
  void raise(std::vector<std::byte> bytes);

  class [[nodiscard]] WaitOp final : public sim::OpAwaiter<WaitOp> {
   public:
    explicit WaitOp(InterruptLine& line) : OpAwaiter(line.world()), line_(&line) {}
    void apply(sim::World& w, sim::Actor& self) override;
    std::string describe(const sim::World& w) const override;
    Packet result() { return std::move(packet_); }

   private:
    friend class InterruptLine;
    InterruptLine* line_;
    Packet packet_;
  };
  WaitOp wait() { return WaitOp(*this); }

  std::uint64_t raised() const { return raised_; }
  std::uint64_t overruns() const { return overruns_; }
  std::size_t pending() const { return fifo_.size(); }
  std::uint32_t fifo_limit() const { return fifo_limit_; }
  // The packets pending in the FIFO (not their trace flow ids) and the counts.
  void digest(sim::StateHash& h) const override;

 private:
  void take(sim::World& w, const sim::Actor& isr, const Packet& p);
  std::uint32_t fifo_limit_;
  sim::RingQueue<Packet> fifo_;
  std::uint64_t raised_ = 0;
  std::uint64_t overruns_ = 0;
};

// A timer-driven packet source: `count` packets, the first at `first_at`, then
// one every `period` plus a jitter drawn from the world's rng (set-up time, so
// the arrival times depend on the seed only). Each packet is make_packet's.
struct PacketPlan {
  std::uint32_t count = 16;
  sim::Instant first_at = sim::at_ns(1'000);
  sim::Duration period = std::chrono::microseconds(5);
  sim::Duration jitter = sim::Duration{0};  // extra delay in [0, jitter)
  std::uint32_t min_bytes = 16;             // payload bytes, at least kPacketHeader
  std::uint32_t max_bytes = 128;
  std::uint32_t priorities = 8;  // packet priority drawn from [1, priorities]
};
void schedule_packets(sim::World& world, InterruptLine& line, const PacketPlan& plan);

// Packet format (what the simulated NIC receives): seq (u32), total length
// (u32), priority (u32), checksum of the payload (u32), then the payload.
inline constexpr std::uint32_t kPacketHeader = 16;
std::vector<std::byte> make_packet(std::uint32_t seq, std::uint32_t priority, std::uint32_t bytes,
                                   std::uint64_t payload_seed);
struct PacketInfo {
  std::uint32_t seq = 0;
  std::uint32_t bytes = 0;
  std::uint32_t priority = 0;
  bool intact = false;  // the length fits and the checksum matches
};
PacketInfo parse_packet(const std::byte* data, std::uint32_t capacity);

}  // namespace ipcsim::rtos

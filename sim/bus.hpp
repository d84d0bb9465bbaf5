// A bus between CPUs: latency, bandwidth, queueing and a fault policy.
//
// The bus is one medium: messages are serialised onto it one at a time in send
// order (size / bandwidth each), then travel for the latency, then land in the
// destination port. At most queue_limit messages are in flight; a sender beyond
// that blocks until one lands (back-pressure, visible to the kernel).
//
// Faults, each a chooser decision with its probability (BusFaults):
//  - drop: the message never lands;
//  - duplicate: it lands twice (same id, copy = 1);
//  - delay: it is held longer, by one of four levels between delay_min and delay_max;
//  - reorder: in its arrival slot another in-flight message to the same port
//    lands instead (which one is a MessageOrder choice), and it takes that one's
//    later slot; without a reorder decision, messages never overtake;
//  - partition: set by partition() and heal() (scheduled faults); messages
//    between CPUs in different groups are dropped.
// A crashed CPU's traffic stops: its messages not yet on the wire are dropped,
// and messages landing on a crashed CPU are dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/actor.hpp"
#include "sim/op.hpp"
#include "sim/port.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::sim {

struct BusFaults {
  std::uint32_t drop_ppm = 0;
  std::uint32_t duplicate_ppm = 0;
  std::uint32_t delay_ppm = 0;
  std::uint32_t reorder_ppm = 0;
  Duration delay_min{0};
  Duration delay_max{0};
};

struct BusConfig {
  std::string name;
  std::vector<CpuId> cpus;             // the CPUs it connects
  Duration latency{0};
  std::uint64_t bytes_per_second = 0;  // 0: infinitely fast
  std::uint32_t queue_limit = 1024;    // messages in flight at most
  BusFaults faults{};
};

struct BusCounters {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t delayed = 0;
  std::uint64_t reordered = 0;
};

class Bus final : public Waitable {
 public:
  Bus(World& world, BusConfig config);

  class [[nodiscard]] SendOp final : public OpAwaiter<SendOp> {
   public:
    SendOp(Bus& b, Port& to, std::uint32_t tag, Body body)
        : OpAwaiter(b.world()), b_(&b), to_(&to), tag_(tag), body_(std::move(body)) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    // The id of the message sent.
    std::uint64_t result() const { return id_; }

   private:
    friend class Bus;
    Bus* b_;
    Port* to_;
    std::uint32_t tag_;
    Body body_;
    std::uint64_t id_ = 0;
  };

  // Sends a copy of `body` to `to`; the sender's CPU and the port's CPU must be
  // on this bus. Returns the message id once the message is on its way.
  SendOp send(Port& to, std::uint32_t tag, Body body) {
    return SendOp(*this, to, tag, std::move(body));
  }

  // CPUs in different groups cannot reach each other until heal(); CPUs in no
  // group form one more group together.
  void partition(const std::vector<std::vector<CpuId>>& groups);
  void heal();
  bool partitioned(CpuId a, CpuId b) const;

  const BusConfig& config() const { return config_; }
  bool connects(CpuId cpu) const;
  std::uint32_t in_flight() const { return in_flight_; }
  const BusCounters& counters() const { return counters_; }
  // Messages in flight (with their bytes and arrival), the partition, the counters.
  void digest(StateHash& h) const override;

  // For the World: a CPU crashed.
  void on_crash(CpuId cpu);

 private:
  struct Flight {
    Message msg;
    Port* to = nullptr;
    Instant tx_end{};
    bool active = false;
    bool cancelled = false;  // its sender crashed before it left
  };

  void transmit(World& w, Actor& sender, SendOp& op);
  std::uint32_t new_flight();
  void schedule_arrival(World& w, std::uint32_t flight, Instant at);
  void land(World& w, std::uint32_t flight);
  void drop(World& w, const Flight& f, const char* reason);
  void finish_flight(World& w, std::uint32_t flight);
  Duration tx_time(std::size_t bytes) const;
  Duration compute_tx_time(std::size_t bytes) const;
  // The last size tx_time computed, and its time: a protocol sends few sizes,
  // and the division is a fair share of a send's cost.
  mutable std::size_t last_tx_bytes_ = SIZE_MAX;
  mutable Duration last_tx_time_{0};
  static void on_arrival(World& w, void* bus, std::uint64_t flight);

  BusConfig config_;
  std::vector<std::uint8_t> connected_;  // by CpuId, 1: on this bus (bytes: a bit vector costs a send more)
  std::vector<int> group_;        // partition group by CpuId; -1: none
  bool split_ = false;            // a partition is in force (land asks partitioned() only then)
  std::vector<Flight> flights_;
  std::vector<std::uint32_t> free_flights_;
  std::uint32_t in_flight_ = 0;
  Instant tx_free_at_{};
  BusCounters counters_;
};

}  // namespace ipcsim::sim

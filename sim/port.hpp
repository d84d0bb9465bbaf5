// Messages and ports.
//
// A Port is a bounded mailbox on one CPU; buses deliver messages into it and
// actors of that CPU receive from it. A message's bytes are really copied along
// the way, and every message carries a unique id (a duplicate made by a bus
// fault keeps the id and gets copy = 1, 2, ...), so properties such as "no
// double delivery" can be checked from the trace.
//
//   sim::Message m = co_await port.recv();
//   std::optional<sim::Message> m = co_await port.recv_for(10us);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/actor.hpp"
#include "sim/body.hpp"
#include "sim/op.hpp"
#include "sim/ring_queue.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::sim {

class Cpu;

struct Message {
  std::uint64_t id = 0;       // unique per send, from 1
  CpuId from = kNoCpu;        // the sending CPU
  ObjectId to = kNoObject;    // the destination port
  std::uint32_t tag = 0;      // free for the protocol (a message type, say)
  Body body;
  Instant sent_at{};
  std::uint32_t copy = 0;     // 0: the original; k: the k-th duplicate
};

// A message's every field and byte, for state digests (Port, Bus).
void add_message(StateHash& h, const Message& m);

class Port final : public Waitable {
 public:
  Port(World& world, Cpu& cpu, std::string name, std::uint32_t capacity);

  // What a deliverer fills in for a blocked receiver, whatever its awaiter type.
  class RecvOpBase : public Op {
   public:
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;

   protected:
    friend class Port;
    RecvOpBase(Port& p, std::optional<Duration> timeout) : p_(&p), timeout_(timeout) {}
    Port* p_;
    std::optional<Duration> timeout_;
    std::optional<Message> message_;
  };

  template <bool Timed>
  class [[nodiscard]] RecvOp final : public OpAwaiter<RecvOp<Timed>, RecvOpBase> {
   public:
    RecvOp(Port& p, std::optional<Duration> timeout)
        : OpAwaiter<RecvOp<Timed>, RecvOpBase>(p.world(), p, timeout) {}
    auto result() {
      if constexpr (Timed) {
        return std::move(this->message_);
      } else {
        IPCSIM_ASSERT(this->message_.has_value());
        return std::move(*this->message_);
      }
    }
  };

  RecvOp<false> recv() { return RecvOp<false>(*this, std::nullopt); }
  RecvOp<true> recv_for(Duration timeout) { return RecvOp<true>(*this, timeout); }

  Cpu& cpu() const { return *cpu_; }
  std::size_t queued() const { return queue_.size(); }
  std::uint32_t capacity() const { return capacity_; }
  std::uint64_t overflows() const { return overflows_; }
  // The messages waiting here, in order, with their bytes.
  void digest(StateHash& h) const override;

  // For buses: hands the message to a waiting receiver, or queues it, or drops
  // it when the mailbox is full.
  void deliver(Message&& message);
  // For the World: the CPU crashed, its mailboxes' contents are gone.
  void lose_messages();

 private:
  void trace_recv(World& w, const Actor& to, const Message& m);

  Cpu* cpu_;
  std::uint32_t capacity_;
  RingQueue<Message> queue_;
  std::uint64_t overflows_ = 0;
};

}  // namespace ipcsim::sim

// Exchanges: where messages wait for tasks or tasks wait for messages.
//
// An exchange has either a message queue or a task queue, depending on which
// is waiting for which (seed 001). Messages travel as handles (MCB addresses);
// a message passed to a task leaves the exchange and becomes the task's.
//
//  - Normal: the message queue is ordered by message priority (FIFO among
//    equals) and lives in memory, linked through the MCBs; the task queue is
//    ordered by task priority.
//  - Pass (priority pass): as normal, and the receiving task takes the
//    message's priority (sim::World::set_priority) before it runs again.
//  - Broadcast: holds one sticky message at a time. A send makes it the
//    exchange's message for a new round and resumes every waiting task at once
//    (FIFO task queue) with its handle and body pointer; later receivers get it
//    without waiting. The sender (master) stays the owner, so it can change the
//    body and send it again (the next round), release it, or forward it to a
//    normal exchange; any of these takes it off the broadcast exchange.
//
// Sends and receives are ops (scheduling points). receive_for() times out.
//
//   rtos::Exchange& x = os.create_exchange("to_net", rtos::ExchangeType::Pass);
//   co_await x.send(msg, /*priority=*/7);
//   rtos::Received r = co_await x.receive_for(100us);
//   if (r) { ... r.msg, r.dbp ... }
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "impl/rtos/layout.hpp"
#include "impl/rtos/space.hpp"
#include "sim/actor.hpp"
#include "sim/op.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::rtos {

class Rtos;

enum class ExchangeType : std::uint32_t { Normal = 1, Pass = 2, Broadcast = 3 };
const char* to_string(ExchangeType t);

struct Received {
  Addr msg = kNull;  // the handle; 0 on timeout
  Addr dbp = kNull;  // the body (or the proxy's section of it)
  std::uint32_t bytes = 0;
  std::uint32_t priority = 0;
  std::uint32_t round = 0;  // broadcast exchanges: which broadcast this is, from 1
  explicit operator bool() const { return msg != kNull; }
};

class Exchange final : public sim::Waitable {
 public:
  Exchange(Rtos& os, std::string name, ExchangeType type, std::uint32_t index);
  static constexpr std::size_t bytes_needed() { return layout::xcb::kSize; }

  ExchangeType type() const { return type_; }
  Addr handle() const { return xcb_; }
  Rtos& os() const { return *os_; }

  class [[nodiscard]] ReceiveOp final : public sim::OpAwaiter<ReceiveOp> {
   public:
    ReceiveOp(Exchange& x, std::optional<sim::Duration> timeout) : OpAwaiter(x.world()), x_(&x), timeout_(timeout) {}
    void apply(sim::World& w, sim::Actor& self) override;
    std::string describe(const sim::World& w) const override;
    Received result() const { return got_; }

   private:
    friend class Exchange;
    Exchange* x_;
    std::optional<sim::Duration> timeout_;
    Received got_;
  };
  class [[nodiscard]] SendOp final : public sim::OpAwaiter<SendOp> {
   public:
    SendOp(Exchange& x, Addr msg, std::optional<std::uint32_t> priority)
        : OpAwaiter(x.world()), x_(&x), msg_(msg), priority_(priority) {}
    void apply(sim::World& w, sim::Actor& self) override;
    std::string describe(const sim::World& w) const override;
    void result() const {}

   private:
    Exchange* x_;
    Addr msg_;
    std::optional<std::uint32_t> priority_;
  };
  class [[nodiscard]] ClearOp final : public sim::OpAwaiter<ClearOp> {
   public:
    explicit ClearOp(Exchange& x) : OpAwaiter(x.world()), x_(&x) {}
    void apply(sim::World& w, sim::Actor& self) override;
    std::string describe(const sim::World& w) const override;
    // The message taken off, 0 when there was none.
    Addr result() const { return taken_; }

   private:
    Exchange* x_;
    Addr taken_ = kNull;
  };

  class [[nodiscard]] PeekOp final : public sim::OpAwaiter<PeekOp> {
   public:
    explicit PeekOp(Exchange& x) : OpAwaiter(x.world()), x_(&x) {}
    void apply(sim::World& w, sim::Actor& self) override;
    std::string describe(const sim::World& w) const override;
    // Broadcast: the round on show (0 when none); normal and pass: messages queued.
    std::uint32_t result() const { return seen_; }

   private:
    Exchange* x_;
    std::uint32_t seen_ = 0;
  };

  // Sends a message the caller owns (the priority, when given, is stored in its MCB first).
  SendOp send(Addr msg) { return SendOp(*this, msg, std::nullopt); }
  SendOp send(Addr msg, std::uint32_t priority) { return SendOp(*this, msg, priority); }
  ReceiveOp receive() { return ReceiveOp(*this, std::nullopt); }
  ReceiveOp receive_for(sim::Duration timeout) { return ReceiveOp(*this, timeout); }
  // Broadcast exchanges: the owner takes its message off show (no new round).
  ClearOp clear() { return ClearOp(*this); }
  // XchgPeek: a look at the exchange without taking anything. The answer is
  // only as fresh as this op: acting on it in a later op is a check-then-act
  // (Bugs::broadcast_peek_then_gate shows what that costs).
  PeekOp peek() { return PeekOp(*this); }

  // State, readable outside steps (tests).
  std::uint32_t queued() const;
  // Records what the exchange holds, read from its XCB and the MCBs linked to
  // it (rtos.xchg.inventory): the end-of-run observation monitors compare with
  // their own books. Not a service: no cost, no footprint.
  void inventory() const;
  Addr sticky() const;
  std::uint32_t round() const;

 private:
  friend class Rtos;
  void format();
  void enqueue(Addr msg, std::uint32_t priority);
  Addr dequeue();
  // A message leaves its broadcast exchange (released, unmade, sent elsewhere, cleared).
  void take_off(Addr msg);
  void broadcast(sim::World& w, sim::Actor& self, Addr msg);
  // Hands a message from a normal or pass exchange to a task: ownership, priority.
  void hand_over(sim::World& w, sim::Actor& to, Addr msg, Received& got, std::uint64_t flow, bool by_sender);

  Rtos* os_;
  ExchangeType type_;
  Addr xcb_ = kNull;
  std::uint32_t index_;
  // Trace bookkeeping, not RTOS state (layout.hpp): the flow id of each queued
  // message's send, and of the broadcast round on show.
  std::map<Addr, std::uint64_t> queued_flows_;
  std::uint64_t round_flow_ = 0;
};

}  // namespace ipcsim::rtos

// Counting and threshold semaphores.
//
// Semaphore: wait() takes one unit or blocks; signal() gives one, waking the
// first waiter. The count saturates at its limit (a binary semaphore has limit 1),
// as in RTOS kernels; the trace says when a signal was lost to saturation.
//
// ThresholdSemaphore: signals accumulate; a waiter wakes when the count reaches
// the threshold, which the wake consumes. A broadcast master waits on one set to
// the number of slaves, and each slave signals it when done (seed 001's semT).
//
//   Semaphore items(w, "items", 0);
//   co_await items.signal();            co_await items.wait();
//   ThresholdSemaphore done(w, "semT", /*threshold=*/3);
#pragma once

#include <cstdint>
#include <optional>

#include "sim/actor.hpp"
#include "sim/op.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::sim {

class Semaphore final : public Waitable {
 public:
  Semaphore(World& world, std::string name, std::uint64_t initial, std::uint64_t limit = UINT64_MAX,
            WaitQueue::Order order = WaitQueue::Order::Fifo);

  class [[nodiscard]] WaitOp final : public OpAwaiter<WaitOp> {
   public:
    WaitOp(Semaphore& s, std::optional<Duration> timeout, bool try_only)
        : OpAwaiter(s.world()), s_(&s), timeout_(timeout), try_only_(try_only) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    bool result() const;

   private:
    Semaphore* s_;
    std::optional<Duration> timeout_;
    bool try_only_;
    Actor* self_ = nullptr;
    bool taken_ = false;
    bool blocked_ = false;
  };
  class [[nodiscard]] SignalOp final : public OpAwaiter<SignalOp> {
   public:
    SignalOp(Semaphore& s, std::uint64_t n) : OpAwaiter(s.world()), s_(&s), n_(n) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    void result() const {}

   private:
    Semaphore* s_;
    std::uint64_t n_;
  };

  WaitOp wait() { return WaitOp(*this, std::nullopt, false); }
  WaitOp wait_for(Duration timeout) { return WaitOp(*this, timeout, false); }
  WaitOp try_wait() { return WaitOp(*this, std::nullopt, true); }
  SignalOp signal(std::uint64_t n = 1) { return SignalOp(*this, n); }
  std::uint64_t count() const { return count_; }
  void digest(StateHash& h) const override;

 private:
  std::uint64_t count_;
  std::uint64_t limit_;
};

class ThresholdSemaphore final : public Waitable {
 public:
  ThresholdSemaphore(World& world, std::string name, std::uint64_t threshold);

  class [[nodiscard]] WaitOp final : public OpAwaiter<WaitOp> {
   public:
    WaitOp(ThresholdSemaphore& s, std::optional<Duration> timeout)
        : OpAwaiter(s.world()), s_(&s), timeout_(timeout) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    bool result() const;

   private:
    ThresholdSemaphore* s_;
    std::optional<Duration> timeout_;
    Actor* self_ = nullptr;
    bool blocked_ = false;
  };
  class [[nodiscard]] SignalOp final : public OpAwaiter<SignalOp> {
   public:
    explicit SignalOp(ThresholdSemaphore& s) : OpAwaiter(s.world()), s_(&s) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    void result() const {}

   private:
    ThresholdSemaphore* s_;
  };

  WaitOp wait() { return WaitOp(*this, std::nullopt); }
  WaitOp wait_for(Duration timeout) { return WaitOp(*this, timeout); }
  SignalOp signal() { return SignalOp(*this); }
  // Set-up only (not an op): changes the threshold, e.g. to the number of slaves.
  void set_threshold(std::uint64_t threshold);
  std::uint64_t count() const { return count_; }
  std::uint64_t threshold() const { return threshold_; }
  void digest(StateHash& h) const override;

 private:
  std::uint64_t count_ = 0;
  std::uint64_t threshold_;
};

}  // namespace ipcsim::sim

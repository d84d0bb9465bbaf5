// Events and condition variables.
//
// Event: a flag that waiters block on until it is set. A manual-reset event
// stays set and releases everyone until reset(); an auto-reset event releases
// exactly one waiter per set() (or lets the next arrival through).
//
// CondVar: Mesa-style condition variable over a Mutex. wait(m) atomically
// releases m and blocks; after a notify (or the timeout) it re-acquires m, so
// the caller re-checks its predicate in a loop:
//
//   co_await m.lock();
//   while (queue.empty()) co_await cv.wait(m);
//   ...
//   co_await m.unlock();
#pragma once

#include <optional>

#include "sim/actor.hpp"
#include "sim/mutex.hpp"
#include "sim/op.hpp"
#include "sim/task.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::sim {

class Event final : public Waitable {
 public:
  enum class Reset : std::uint8_t { Manual, Auto };
  Event(World& world, std::string name, Reset reset = Reset::Manual, bool set = false)
      : Waitable(world, "event", std::move(name)), reset_(reset), set_(set) {}

  class [[nodiscard]] WaitOp final : public OpAwaiter<WaitOp> {
   public:
    WaitOp(Event& e, std::optional<Duration> timeout) : OpAwaiter(e.world()), e_(&e), timeout_(timeout) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    bool result() const;

   private:
    Event* e_;
    std::optional<Duration> timeout_;
    Actor* self_ = nullptr;
    bool blocked_ = false;
  };
  class [[nodiscard]] ControlOp final : public OpAwaiter<ControlOp> {
   public:
    ControlOp(Event& e, bool set) : OpAwaiter(e.world()), e_(&e), set_(set) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    void result() const {}

   private:
    Event* e_;
    bool set_;
  };

  WaitOp wait() { return WaitOp(*this, std::nullopt); }
  WaitOp wait_for(Duration timeout) { return WaitOp(*this, timeout); }
  ControlOp set() { return ControlOp(*this, true); }
  ControlOp reset() { return ControlOp(*this, false); }
  bool is_set() const { return set_; }
  void digest(StateHash& h) const override;

 private:
  Reset reset_;
  bool set_;
};

class CondVar final : public Waitable {
 public:
  CondVar(World& world, std::string name) : Waitable(world, "condvar", std::move(name)) {}

  // Releases m and blocks until notified (or timed out): one op.
  class [[nodiscard]] ParkOp final : public OpAwaiter<ParkOp> {
   public:
    ParkOp(CondVar& cv, Mutex& m, std::optional<Duration> timeout)
        : OpAwaiter(cv.world()), cv_(&cv), m_(&m), timeout_(timeout) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    bool result() const { return self_->wait_status == WaitStatus::Ok; }

   private:
    CondVar* cv_;
    Mutex* m_;
    std::optional<Duration> timeout_;
    Actor* self_ = nullptr;
  };
  class [[nodiscard]] NotifyOp final : public OpAwaiter<NotifyOp> {
   public:
    NotifyOp(CondVar& cv, bool all) : OpAwaiter(cv.world()), cv_(&cv), all_(all) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    void result() const {}

   private:
    CondVar* cv_;
    bool all_;
  };

  // Two ops: park (releasing m), then lock m again. Returns false on timeout.
  Task<bool> wait(Mutex& m, std::optional<Duration> timeout = std::nullopt);
  NotifyOp notify_one() { return NotifyOp(*this, false); }
  NotifyOp notify_all() { return NotifyOp(*this, true); }
};

}  // namespace ipcsim::sim

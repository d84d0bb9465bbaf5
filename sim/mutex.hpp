// A non-recursive mutex with an owner, FIFO or priority-ordered waiters, and
// hand-off on unlock (the first waiter becomes the owner; nobody can barge in).
//
//   co_await m.lock();
//   if (!co_await m.lock_for(5us)) { ... timed out ... }
//   co_await m.unlock();
//
// Every lock records its call site, so the lock-order monitor (model/) can name
// both acquisition sites of an inversion. Relocking a mutex one holds blocks
// forever (as a default pthread mutex does) and shows up as a one-actor
// deadlock; unlocking a mutex one does not hold is a UsageError. An owner that
// dies keeps the mutex locked: a crash does not release locks. Another actor
// may then recover it (recover_dead_owner), as with a robust pthread mutex's
// EOWNERDEAD: the lock passes to the first waiter, or becomes free.
#pragma once

#include <optional>
#include <source_location>

#include "sim/actor.hpp"
#include "sim/op.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::sim {

class Mutex final : public Waitable {
 public:
  Mutex(World& world, std::string name, WaitQueue::Order order = WaitQueue::Order::Fifo)
      : Waitable(world, "mutex", std::move(name), order) {}

  class [[nodiscard]] LockOp final : public OpAwaiter<LockOp> {
   public:
    LockOp(Mutex& m, std::optional<Duration> timeout, bool try_only, std::source_location site)
        : OpAwaiter(m.world()), m_(&m), timeout_(timeout), try_only_(try_only), site_(site) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    bool result() const;
    const std::source_location& site() const { return site_; }

   private:
    Mutex* m_;
    std::optional<Duration> timeout_;
    bool try_only_;
    std::source_location site_;
    Actor* self_ = nullptr;
    bool acquired_ = false;
    bool blocked_ = false;
  };

  class [[nodiscard]] UnlockOp final : public OpAwaiter<UnlockOp> {
   public:
    explicit UnlockOp(Mutex& m) : OpAwaiter(m.world()), m_(&m) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    void result() const {}

   private:
    Mutex* m_;
  };

  // co_await lock() returns true (it cannot fail); lock_for() false on timeout;
  // try_lock() false at once when the mutex is held.
  LockOp lock(std::source_location site = std::source_location::current()) {
    return LockOp(*this, std::nullopt, false, site);
  }
  LockOp lock_for(Duration timeout, std::source_location site = std::source_location::current()) {
    return LockOp(*this, timeout, false, site);
  }
  LockOp try_lock(std::source_location site = std::source_location::current()) {
    return LockOp(*this, std::nullopt, true, site);
  }
  UnlockOp unlock() { return UnlockOp(*this); }

  // Releases the mutex on behalf of its owner, which has ended (finished,
  // killed or crashed while holding it): the first waiter becomes the owner
  // (hand-off, traced mutex.lock for it), or the mutex is free. Part of the
  // calling actor's step (no scheduling point of its own, like Memory::write);
  // traced "mutex.recover" (dead, to). Returns the new owner, kNoActor if none.
  // A UsageError when the mutex is free or its owner is alive: recovery is for
  // the dead only, never a way to steal a lock.
  ActorId recover_dead_owner();

  bool locked() const { return owner_ != kNoActor; }
  ActorId owner() const { return owner_; }
  void holders(std::vector<ActorId>& out) const override;
  void digest(StateHash& h) const override;

 private:
  void grant(World& w, Actor& a, const std::source_location& site);
  ActorId owner_ = kNoActor;
};

// "file.cpp:42": the call site as it appears in traces (basename only, so a
// trace does not depend on where the source tree was checked out).
std::string site_string(const std::source_location& site);

}  // namespace ipcsim::sim

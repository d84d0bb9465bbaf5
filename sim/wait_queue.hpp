// An intrusive queue of blocked actors, and Waitable: the base of every kernel
// object an actor can block on.
//
// The links live in the Actor, so blocking allocates nothing and a timeout or a
// kill unlinks an actor in O(1). Waiters are served FIFO, or by priority (highest
// first, FIFO among equals) for RTOS-style objects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/ids.hpp"

namespace ipcsim::sim {

class World;
struct Actor;
class StateHash;

class WaitQueue {
 public:
  enum class Order : std::uint8_t { Fifo, Priority };

  explicit WaitQueue(Order order = Order::Fifo) : order_(order) {}
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  void push(Actor& a);
  void remove(Actor& a);
  Actor* front() const { return head_; }
  Actor* pop_front();
  bool empty() const { return head_ == nullptr; }
  std::size_t size() const { return size_; }
  Order order() const { return order_; }

  template <class F>
  void for_each(F&& f) const;

 private:
  Actor* head_ = nullptr;
  Actor* tail_ = nullptr;
  std::size_t size_ = 0;
  Order order_;
};

class Waitable {
 public:
  Waitable(World& world, std::string_view type, std::string name, WaitQueue::Order order = WaitQueue::Order::Fifo);
  virtual ~Waitable();
  Waitable(const Waitable&) = delete;
  Waitable& operator=(const Waitable&) = delete;

  ObjectId id() const { return id_; }
  World& world() const { return *world_; }
  std::string_view name() const;
  std::size_t waiter_count() const { return waiters_.size(); }

  // The actors a waiter here waits for (a mutex's owner): the edges of the
  // wait-for graph in deadlock reports. Objects without an owner add none.
  virtual void holders(std::vector<ActorId>& out) const;

  // The object's own state for World::state_digest(): counts, owner, queued
  // contents; whatever two runs must agree on to have reached the same state.
  // Its type, name and waiters (by actor id, in queue order) the World adds.
  // The default adds nothing: right for objects whose state lives in simulated
  // memory (which the World hashes) or that have none beyond their waiters.
  virtual void digest(StateHash& h) const;

  const WaitQueue& waiters() const { return waiters_; }

  // For the kernel: a waiter left by a timeout or a kill.
  void forget(Actor& a) { waiters_.remove(a); }

 protected:
  World* world_;
  ObjectId id_;
  WaitQueue waiters_;
};

}  // namespace ipcsim::sim

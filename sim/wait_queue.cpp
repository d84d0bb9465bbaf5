#include "sim/wait_queue.hpp"

#include "sim/actor.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

void WaitQueue::push(Actor& a) {
  IPCSIM_ASSERT(a.wq == nullptr);
  a.wq = this;
  // Priority order: behind every waiter of equal or higher priority (FIFO among equals).
  Actor* after = tail_;
  if (order_ == Order::Priority) {
    while (after != nullptr && after->priority < a.priority) after = after->wq_prev;
  }
  a.wq_prev = after;
  a.wq_next = after != nullptr ? after->wq_next : head_;
  if (a.wq_next != nullptr) {
    a.wq_next->wq_prev = &a;
  } else {
    tail_ = &a;
  }
  if (after != nullptr) {
    after->wq_next = &a;
  } else {
    head_ = &a;
  }
  ++size_;
}

void WaitQueue::remove(Actor& a) {
  IPCSIM_ASSERT(a.wq == this);
  if (a.wq_prev != nullptr) {
    a.wq_prev->wq_next = a.wq_next;
  } else {
    head_ = a.wq_next;
  }
  if (a.wq_next != nullptr) {
    a.wq_next->wq_prev = a.wq_prev;
  } else {
    tail_ = a.wq_prev;
  }
  a.wq = nullptr;
  a.wq_prev = nullptr;
  a.wq_next = nullptr;
  IPCSIM_ASSERT(size_ > 0);
  --size_;
}

Actor* WaitQueue::pop_front() {
  Actor* a = head_;
  if (a != nullptr) remove(*a);
  return a;
}

Waitable::Waitable(World& world, std::string_view type, std::string name, WaitQueue::Order order)
    : world_(&world), id_(world.register_object(type, std::move(name))), waiters_(order) {
  world.register_waitable(*this);
}

Waitable::~Waitable() {
  world_->forget_waitable(*this);
  // An object destroyed under its waiters (a primitive that lived in a killed
  // actor's frame, say) is a usage error; the waiters are unlinked so that
  // nothing points at the dead object.
  if (waiters_.empty()) return;
  std::string names;
  while (Actor* a = waiters_.pop_front()) {
    if (!names.empty()) names += ", ";
    names += world_->describe_actor(*a);
    a->blocked_on = nullptr;
  }
  world_->fail(std::string(world_->object_type(id_)) + " '" + std::string(name()) +
               "' was destroyed while actors waited on it: " + names);
}

std::string_view Waitable::name() const { return world_->object_name(id_); }

void Waitable::holders(std::vector<ActorId>&) const {}

void Waitable::digest(StateHash&) const {}

}  // namespace ipcsim::sim

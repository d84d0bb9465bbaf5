// The kernel's record of an actor, and the handle users hold (ActorRef).
//
// Kernel-internal: primitives and the World read and write these fields; user
// code sees ActorRef and Ctx. An Actor slot is reused after its actor ends, with
// a new generation, so a stale ActorRef is recognised instead of aliasing.
#pragma once

#include <coroutine>
#include <cstdint>
#include <memory>
#include <string>

#include "sim/ids.hpp"
#include "sim/task.hpp"
#include "sim/time.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::sim {

class Cpu;
class Op;

enum class ActorState : std::uint8_t {
  Ready,     // waiting for its CPU, in the CPU's ready queue
  Running,   // holds its CPU and can take a step now
  Busy,      // holds its CPU, computing until busy_until
  Blocked,   // in a wait queue (or joining), CPU released
  Sleeping,  // CPU released, a timer will make it ready
  Done,      // finished, killed or crashed
};
const char* to_string(ActorState s);

struct ActorRef {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t gen = 0;
  ActorId id = kNoActor;
  bool valid() const { return id != kNoActor; }
  friend bool operator==(const ActorRef&, const ActorRef&) = default;
};

// How a blocking wait ended, read by the op when its actor resumes.
enum class WaitStatus : std::uint8_t { Ok, Timeout, TargetKilled };

// Keeps a lambda alive for as long as the coroutine it started (see task.hpp).
struct BodyHolder {
  virtual ~BodyHolder() = default;
};

struct Actor {
  // Identity.
  ActorId id = kNoActor;
  std::uint32_t slot = 0;
  std::uint32_t gen = 0;
  std::string name;
  Cpu* cpu = nullptr;
  int priority = 0;
  bool daemon = false;     // its blocking does not count towards deadlock
  bool may_block = true;   // false for interrupt handlers
  ActorState state = ActorState::Done;

  // Code.
  Task<>::Handle root;
  std::coroutine_handle<> resume_point;  // the innermost frame that awaited an op
  std::unique_ptr<BodyHolder> holder;

  // The op announced for the next step, and the one it is blocked in.
  Op* pending = nullptr;
  Op* waiting_op = nullptr;
  Waitable* blocked_on = nullptr;
  ActorRef join_target;
  WaitStatus wait_status = WaitStatus::Ok;

  // Membership in one WaitQueue.
  WaitQueue* wq = nullptr;
  Actor* wq_prev = nullptr;
  Actor* wq_next = nullptr;

  // Time. Timer events carry wake_gen; bumping it cancels them.
  std::uint32_t wake_gen = 0;
  Instant busy_until{};
  Duration remaining{0};  // compute time left when preempted
  Duration debt{0};       // memory access cost of the current step, charged at its end

  WaitQueue joiners;
  std::uint64_t ids_drawn = 0;  // message and flow ids (World::new_message_id)

  ActorRef ref() const { return ActorRef{slot, gen, id}; }
  bool live() const { return state != ActorState::Done; }
};

// WaitQueue's operations are inline (they need Actor's links): a message
// costs a push and a pop, and a call each was a fair share of their price.
inline void WaitQueue::push(Actor& a) {
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

inline void WaitQueue::remove(Actor& a) {
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

inline Actor* WaitQueue::pop_front() {
  Actor* a = head_;
  if (a != nullptr) remove(*a);
  return a;
}

template <class F>
void WaitQueue::for_each(F&& f) const {
  for (Actor* a = head_; a != nullptr; a = a->wq_next) f(*a);
}

}  // namespace ipcsim::sim

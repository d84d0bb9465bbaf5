// The World's scheduling: ready queues and CPUs (dispatch order, preemption,
// priorities), and the ways an actor gives up its CPU (block, sleep, compute,
// yield) and gets it back (wake).
#include <algorithm>

#include "sim/world.hpp"

namespace ipcsim::sim {

void World::make_ready(Actor& a) {
  IPCSIM_ASSERT(a.live());
  IPCSIM_ASSERT(a.wq == nullptr);
  a.state = ActorState::Ready;
  a.blocked_on = nullptr;
  a.waiting_op = nullptr;
  Cpu& c = *a.cpu;
  c.ready_.push_back(a, now_ns_);
  // The actor taking a step is preempted at the end of its op instead (step()).
  if (c.current_ != nullptr && c.current_ != current_ && preempt_due(c)) preempt(c);
  refresh(c);
}

void World::release_cpu(Actor& a) {
  Cpu& c = *a.cpu;
  if (c.current_ == &a) c.current_ = nullptr;
  refresh(c);
}

void World::preempt(Cpu& c) {
  Actor& a = *c.current_;
  if (a.state == ActorState::Busy) {
    a.remaining = a.busy_until - now();
    ++a.wake_gen;  // cancels the compute-done event
  }
  a.state = ActorState::Ready;
  c.current_ = nullptr;
  c.ready_.push_front(a);
  if (tracing()) {
    emit_record(&a, c.id_, "sim.preempt", kNoObject,
                std::initializer_list<Field>{{"remaining_ns", to_ns(a.remaining)}});
  }
  refresh(c);
}

// Enters or leaves runnable_, when refresh() finds that c gained or lost its candidates.
void World::relist(Cpu& c) {
  const bool want = !c.listed_;
  c.listed_ = want;
  // The common cases, without a search: the last CPU by id comes or goes.
  if (want && (runnable_.empty() || runnable_.back()->id_ < c.id_)) {
    runnable_.push_back(&c);
    return;
  }
  if (!want && !runnable_.empty() && runnable_.back() == &c) {
    runnable_.pop_back();
    return;
  }
  auto pos = std::lower_bound(runnable_.begin(), runnable_.end(), &c,
                              [](const Cpu* x, const Cpu* y) { return x->id_ < y->id_; });
  if (want) {
    runnable_.insert(pos, &c);
  } else {
    IPCSIM_ASSERT(pos != runnable_.end() && *pos == &c);
    runnable_.erase(pos);
  }
}

void World::set_priority(Actor& a, int priority) {
  if (a.priority == priority) return;
  const int old = a.priority;
  a.priority = priority;
  Cpu& c = *a.cpu;
  if (a.state == ActorState::Ready) {
    // Reposition: the actor keeps its place in time within its new level.
    c.ready_.remove(a);
    c.ready_.push_back(a, now_ns_);
  }
  if (a.wq != nullptr && a.wq->order() == WaitQueue::Order::Priority) {
    WaitQueue* q = a.wq;
    q->remove(a);
    q->push(a);
  }
  if (tracing()) emit_record(&a, c.id_, "sim.priority", kNoObject, std::initializer_list<Field>{{"from", old}, {"to", priority}});
  if (c.current_ != nullptr && c.current_ != current_ && preempt_due(c)) preempt(c);
  refresh(c);
}

// ---- Blocking and waking --------------------------------------------------------------------

void World::block(Actor& a, Op& op, Waitable* on, WaitQueue& queue, std::optional<Duration> timeout) {
  IPCSIM_ASSERT(a.state == ActorState::Running);
  if (!a.may_block) {
    usage_error("interrupt handler " + describe_actor(a) + " would block: " + op.describe(*this));
  }
  a.state = ActorState::Blocked;
  a.waiting_op = &op;
  a.blocked_on = on;
  a.wait_status = WaitStatus::Ok;
  queue.push(a);
  if (tracing()) {
    const std::string what = op.describe(*this);
    emit_record(&a, a.cpu->id_, "sim.block", on != nullptr ? on->id() : kNoObject,
                std::initializer_list<Field>{{"op", what}});
  }
  release_cpu(a);
  if (timeout) at(now() + *timeout, &World::on_timeout, nullptr, timer_arg(a));
}

void World::block_on_join(Actor& a, Op& op, Actor& target, std::optional<Duration> timeout) {
  a.join_target = target.ref();
  block(a, op, nullptr, target.joiners, timeout);
}

void World::wake(Actor& a, WaitStatus status) {
  IPCSIM_ASSERT(a.state == ActorState::Blocked);
  // Waking enables the actor's next step: the footprints say so (each step
  // reads its own actor key), so the model checker orders the two.
  touch(actor_key(a.id), AccessMode::Write);
  if (a.wq != nullptr) a.wq->remove(a);
  ++a.wake_gen;  // cancels a pending timeout
  a.wait_status = status;
  a.join_target = {};
  if (tracing()) {
    emit_record(&a, a.cpu->id_, "sim.wake", a.blocked_on != nullptr ? a.blocked_on->id() : kNoObject,
                std::initializer_list<Field>{{"status", status == WaitStatus::Ok        ? "ok"
                                                        : status == WaitStatus::Timeout ? "timeout"
                                                                                        : "target-killed"},
                                             {"by", current_ != nullptr ? current_->id : kNoActor}});
  }
  make_ready(a);
}

void World::sleep_until(Actor& a, Instant until) {
  IPCSIM_ASSERT(a.state == ActorState::Running);
  if (until < now()) until = now();
  a.state = ActorState::Sleeping;
  if (tracing()) emit_record(&a, a.cpu->id_, "sim.sleep", kNoObject, std::initializer_list<Field>{{"until", to_ns(until)}});
  release_cpu(a);
  at(until, &World::on_timer, nullptr, timer_arg(a));
}

void World::compute(Actor& a, Duration d) {
  IPCSIM_ASSERT(a.state == ActorState::Running);
  if (d <= Duration{0}) return;
  a.state = ActorState::Busy;
  a.busy_until = now() + d;
  if (tracing()) emit_record(&a, a.cpu->id_, "sim.compute", kNoObject, std::initializer_list<Field>{{"ns", to_ns(d)}});
  at(a.busy_until, &World::on_compute_done, nullptr, timer_arg(a));
  refresh(*a.cpu);
}

void World::yield(Actor& a) {
  IPCSIM_ASSERT(a.state == ActorState::Running);
  Cpu& c = *a.cpu;
  if (tracing()) emit_record(&a, c.id_, "sim.yield", kNoObject, {});
  c.current_ = nullptr;
  a.state = ActorState::Ready;
  c.ready_.push_back(a, now_ns_);
  refresh(c);
}

void World::wake_joiners(Actor& a, WaitStatus status) {
  while (Actor* j = a.joiners.pop_front()) wake(*j, status);
}
}  // namespace ipcsim::sim

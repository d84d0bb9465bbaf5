#include "sim/semaphore.hpp"

#include "sim/state_hash.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

// ---- Semaphore ------------------------------------------------------------------

Semaphore::Semaphore(World& world, std::string name, std::uint64_t initial, std::uint64_t limit,
                     WaitQueue::Order order)
    : Waitable(world, "semaphore", std::move(name), order), count_(initial), limit_(limit) {
  IPCSIM_ASSERT(limit_ >= 1);
  IPCSIM_ASSERT(count_ <= limit_);
}

void Semaphore::WaitOp::apply(World& w, Actor& self) {
  self_ = &self;
  w.touch(s_->id(), AccessMode::Write);
  if (s_->count_ > 0) {
    --s_->count_;
    taken_ = true;
    if (w.tracing()) w.emit("sem.take", s_->id(), {{"count", s_->count_}});
    return;
  }
  if (try_only_) return;
  blocked_ = true;
  w.block(self, *this, s_, s_->waiters_, timeout_);
}

std::string Semaphore::WaitOp::describe(const World& w) const {
  return "wait on semaphore '" + std::string(w.object_name(s_->id())) + "'";
}

bool Semaphore::WaitOp::result() const {
  if (!blocked_) return taken_;
  return self_->wait_status == WaitStatus::Ok;
}

void Semaphore::SignalOp::apply(World& w, Actor&) {
  // Signals commute: whichever order, the same waiters wake (FIFO) and the count ends the same.
  w.touch(s_->id(), AccessMode::Update);
  std::uint64_t woken = 0;
  std::uint64_t lost = 0;
  for (std::uint64_t i = 0; i < n_; ++i) {
    if (Actor* next = s_->waiters_.pop_front()) {
      // The unit goes straight to the waiter: the count never shows it.
      ++woken;
      if (w.tracing()) w.emit_for(*next, "sem.take", s_->id(), {{"count", s_->count_}});
      w.wake(*next, WaitStatus::Ok);
    } else if (s_->count_ < s_->limit_) {
      ++s_->count_;
    } else {
      ++lost;
    }
  }
  if (w.tracing()) w.emit("sem.signal", s_->id(), {{"count", s_->count_}, {"woken", woken}, {"saturated", lost}});
}

std::string Semaphore::SignalOp::describe(const World& w) const {
  return "signal semaphore '" + std::string(w.object_name(s_->id())) + "'";
}

// ---- ThresholdSemaphore -------------------------------------------------------------

ThresholdSemaphore::ThresholdSemaphore(World& world, std::string name, std::uint64_t threshold)
    : Waitable(world, "threshold_semaphore", std::move(name)), threshold_(threshold) {
  IPCSIM_ASSERT(threshold_ >= 1);
}

void ThresholdSemaphore::set_threshold(std::uint64_t threshold) {
  IPCSIM_ASSERT(threshold >= 1);
  threshold_ = threshold;
}

void ThresholdSemaphore::WaitOp::apply(World& w, Actor& self) {
  self_ = &self;
  w.touch(s_->id(), AccessMode::Write);
  if (s_->count_ >= s_->threshold_) {
    s_->count_ -= s_->threshold_;
    if (w.tracing()) w.emit("semt.pass", s_->id(), {{"count", s_->count_}});
    return;
  }
  blocked_ = true;
  w.block(self, *this, s_, s_->waiters_, timeout_);
}

std::string ThresholdSemaphore::WaitOp::describe(const World& w) const {
  return "wait on threshold semaphore '" + std::string(w.object_name(s_->id())) + "'";
}

bool ThresholdSemaphore::WaitOp::result() const {
  return !blocked_ || self_->wait_status == WaitStatus::Ok;
}

void ThresholdSemaphore::SignalOp::apply(World& w, Actor&) {
  // Signals commute: the count adds up and the waiter wakes once it reaches the
  // threshold, whichever signal that is.
  w.touch(s_->id(), AccessMode::Update);
  ++s_->count_;
  Actor* next = nullptr;
  if (s_->count_ >= s_->threshold_ && (next = s_->waiters_.pop_front()) != nullptr) {
    s_->count_ -= s_->threshold_;
  }
  if (w.tracing()) {
    w.emit("semt.signal", s_->id(),
           {{"count", s_->count_}, {"threshold", s_->threshold_}, {"woken", next != nullptr ? next->id : kNoActor}});
  }
  if (next != nullptr) w.wake(*next, WaitStatus::Ok);
}

std::string ThresholdSemaphore::SignalOp::describe(const World& w) const {
  return "signal threshold semaphore '" + std::string(w.object_name(s_->id())) + "'";
}

void Semaphore::digest(StateHash& h) const { h.add(count_).add(limit_); }

void ThresholdSemaphore::digest(StateHash& h) const { h.add(count_).add(threshold_); }

}  // namespace ipcsim::sim

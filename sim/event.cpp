#include "sim/event.hpp"

#include "sim/state_hash.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

// ---- Event ----------------------------------------------------------------------

void Event::WaitOp::apply(World& w, Actor& self) {
  self_ = &self;
  // An auto-reset pass consumes the event (a write); a manual pass reads it.
  // Blocking on a manual event joins a set released all at once (an update);
  // on an auto event waiters are released one by one, in order (a write).
  AccessMode mode = AccessMode::Write;
  if (e_->reset_ == Reset::Manual) mode = e_->set_ ? AccessMode::Read : AccessMode::Update;
  w.touch(e_->id(), mode);
  if (e_->set_) {
    if (e_->reset_ == Reset::Auto) e_->set_ = false;
    if (w.tracing()) w.emit("event.pass", e_->id());
    return;
  }
  blocked_ = true;
  w.block(self, *this, e_, e_->waiters_, timeout_);
}

std::string Event::WaitOp::describe(const World& w) const {
  return "wait for event '" + std::string(w.object_name(e_->id())) + "'";
}

bool Event::WaitOp::result() const { return !blocked_ || self_->wait_status == WaitStatus::Ok; }

void Event::ControlOp::apply(World& w, Actor&) {
  w.touch(e_->id(), AccessMode::Write);
  if (!set_) {
    e_->set_ = false;
    if (w.tracing()) w.emit("event.reset", e_->id());
    return;
  }
  if (w.tracing()) w.emit("event.set", e_->id(), {{"waiters", e_->waiters_.size()}});
  if (e_->reset_ == Reset::Auto) {
    if (Actor* a = e_->waiters_.pop_front()) {
      w.wake(*a, WaitStatus::Ok);
    } else {
      e_->set_ = true;
    }
    return;
  }
  e_->set_ = true;
  while (Actor* a = e_->waiters_.pop_front()) w.wake(*a, WaitStatus::Ok);
}

std::string Event::ControlOp::describe(const World& w) const {
  return std::string(set_ ? "set" : "reset") + " event '" + std::string(w.object_name(e_->id())) + "'";
}

// ---- CondVar ------------------------------------------------------------------------

void CondVar::ParkOp::apply(World& w, Actor& self) {
  self_ = &self;
  if (m_->owner() != self.id) {
    w.usage_error("actor " + w.describe_actor(self) + " waits on condvar '" + std::string(cv_->name()) +
                  "' without holding mutex '" + std::string(m_->name()) + "'");
  }
  w.touch(cv_->id(), AccessMode::Write);
  // Release the mutex exactly as an unlock op would, within this same step, so
  // that no notify can fall between the release and the park.
  Mutex::UnlockOp release(*m_);
  release.apply(w, self);
  w.block(self, *this, cv_, cv_->waiters_, timeout_);
}

std::string CondVar::ParkOp::describe(const World& w) const {
  return "wait on condvar '" + std::string(w.object_name(cv_->id())) + "'";
}

void CondVar::NotifyOp::apply(World& w, Actor&) {
  w.touch(cv_->id(), AccessMode::Write);
  if (w.tracing()) w.emit(all_ ? "cv.notify_all" : "cv.notify_one", cv_->id(), {{"waiters", cv_->waiters_.size()}});
  while (Actor* a = cv_->waiters_.pop_front()) {
    w.wake(*a, WaitStatus::Ok);
    if (!all_) break;
  }
}

std::string CondVar::NotifyOp::describe(const World& w) const {
  return "notify condvar '" + std::string(w.object_name(cv_->id())) + "'";
}

Task<bool> CondVar::wait(Mutex& m, std::optional<Duration> timeout) {
  const bool notified = co_await ParkOp(*this, m, timeout);
  co_await m.lock();
  co_return notified;
}

void Event::digest(StateHash& h) const { h.add(static_cast<std::uint64_t>(reset_)).add(set_ ? 1 : 0); }

}  // namespace ipcsim::sim

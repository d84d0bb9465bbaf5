#include "sim/gate.hpp"

#include "sim/state_hash.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

void Gate::WaitOp::apply(World& w, Actor& self) {
  self_ = &self;
  // Passing an open gate reads it; blocking joins the set of waiters that a
  // pulse or an open releases all at once (as equals), so blockings commute.
  w.touch(g_->id(), g_->open_ ? AccessMode::Read : AccessMode::Update);
  if (g_->open_) {
    if (w.tracing()) w.emit("gate.pass", g_->id());
    return;
  }
  blocked_ = true;
  w.block(self, *this, g_, g_->waiters_, timeout_);
}

std::string Gate::WaitOp::describe(const World& w) const {
  return "wait at gate '" + std::string(w.object_name(g_->id())) + "'";
}

bool Gate::WaitOp::result() const { return !blocked_ || self_->wait_status == WaitStatus::Ok; }

void Gate::ControlOp::apply(World& w, Actor&) {
  w.touch(g_->id(), AccessMode::Write);
  if (action_ == Action::Close) {
    g_->open_ = false;
    if (w.tracing()) w.emit("gate.close", g_->id());
    return;
  }
  if (action_ == Action::Open) g_->open_ = true;
  if (w.tracing()) {
    w.emit(action_ == Action::Open ? "gate.open" : "gate.pulse", g_->id(), {{"released", g_->waiters_.size()}});
  }
  // Every waiter becomes ready at this same instant: the chooser orders them.
  while (Actor* a = g_->waiters_.pop_front()) w.wake(*a, WaitStatus::Ok);
}

std::string Gate::ControlOp::describe(const World& w) const {
  const char* verb = action_ == Action::Open ? "open" : action_ == Action::Close ? "close" : "pulse";
  return std::string(verb) + " gate '" + std::string(w.object_name(g_->id())) + "'";
}

void Gate::digest(StateHash& h) const { h.add(open_ ? 1 : 0); }

}  // namespace ipcsim::sim

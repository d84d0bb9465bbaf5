#include "sim/mutex.hpp"

#include <cstring>

#include "sim/state_hash.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

std::string site_string(const std::source_location& site) {
  const char* file = site.file_name();
  const char* slash = std::strrchr(file, '/');
  std::string out(slash != nullptr ? slash + 1 : file);
  out += ':';
  out += std::to_string(site.line());
  return out;
}

void Mutex::holders(std::vector<ActorId>& out) const {
  if (owner_ != kNoActor) out.push_back(owner_);
}

void Mutex::grant(World& w, Actor& a, const std::source_location& site) {
  owner_ = a.id;
  if (w.tracing()) w.emit_for(a, "mutex.lock", id(), {{"site", site_string(site)}});
}

void Mutex::LockOp::apply(World& w, Actor& self) {
  self_ = &self;
  w.touch(m_->id(), AccessMode::Write);
  if (m_->owner_ == kNoActor) {
    acquired_ = true;
    m_->grant(w, self, site_);
    return;
  }
  if (try_only_) {
    if (w.tracing()) w.emit("mutex.busy", m_->id(), {{"owner", m_->owner_}});
    return;
  }
  blocked_ = true;
  w.block(self, *this, m_, m_->waiters_, timeout_);
}

std::string Mutex::LockOp::describe(const World& w) const {
  return "lock mutex '" + std::string(w.object_name(m_->id())) + "' at " + site_string(site_);
}

bool Mutex::LockOp::result() const {
  if (!blocked_) return acquired_;
  return self_->wait_status == WaitStatus::Ok;
}

void Mutex::UnlockOp::apply(World& w, Actor& self) {
  w.touch(m_->id(), AccessMode::Write);
  if (m_->owner_ != self.id) {
    const std::string owner = m_->owner_ != kNoActor ? w.describe_actor(m_->owner_) : std::string("none");
    w.usage_error("actor " + w.describe_actor(self) + " unlocks mutex '" + std::string(m_->name()) +
                  "' that it does not hold (owner: " + owner + ")");
  }
  Actor* next = m_->waiters_.pop_front();
  if (w.tracing()) w.emit("mutex.unlock", m_->id(), {{"to", next != nullptr ? next->id : kNoActor}});
  m_->owner_ = kNoActor;
  if (next != nullptr) {
    auto* op = static_cast<LockOp*>(next->waiting_op);
    m_->grant(w, *next, op->site());
    w.wake(*next, WaitStatus::Ok);
  }
}

ActorId Mutex::recover_dead_owner() {
  World& w = world();
  Actor& self = w.require_actor("Mutex::recover_dead_owner");
  w.touch(id(), AccessMode::Write);
  if (owner_ == kNoActor) {
    w.usage_error("actor " + w.describe_actor(self) + " recovers mutex '" + std::string(name()) +
                  "', which nobody holds");
  }
  if (!w.actor_ended(owner_)) {
    w.usage_error("actor " + w.describe_actor(self) + " recovers mutex '" + std::string(name()) +
                  "' from its owner " + w.describe_actor(owner_) + ", which is alive");
  }
  const ActorId dead = owner_;
  Actor* next = waiters_.pop_front();
  if (w.tracing()) w.emit("mutex.recover", id(), {{"dead", dead}, {"to", next != nullptr ? next->id : kNoActor}});
  owner_ = kNoActor;
  if (next == nullptr) return kNoActor;
  auto* op = static_cast<LockOp*>(next->waiting_op);
  grant(w, *next, op->site());
  w.wake(*next, WaitStatus::Ok);
  return next->id;
}

std::string Mutex::UnlockOp::describe(const World& w) const {
  return "unlock mutex '" + std::string(w.object_name(m_->id())) + "'";
}

void Mutex::digest(StateHash& h) const { h.add(owner_); }

}  // namespace ipcsim::sim

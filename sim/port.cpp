#include "sim/port.hpp"

#include "sim/state_hash.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

Port::Port(World& world, Cpu& cpu, std::string name, std::uint32_t capacity)
    : Waitable(world, "port", std::move(name)), cpu_(&cpu), capacity_(capacity) {
  IPCSIM_ASSERT(capacity_ >= 1);
}

void Port::trace_recv(World& w, const Actor& to, const Message& m) {
  if (w.tracing()) w.emit_for(to, "port.recv", id(), {{"msg", m.id}, {"copy", m.copy}, {"tag", m.tag}, {"flow_in", m.id}});
}

[[gnu::flatten]] void Port::RecvOpBase::apply(World& w, Actor& self) {
  w.touch(p_->id(), AccessMode::Write);
  if (self.cpu != p_->cpu_) {
    w.usage_error("actor " + w.describe_actor(self) + " receives from port '" + std::string(p_->name()) + "' of " +
                  std::string(p_->cpu_->name()));
  }
  if (!p_->queue_.empty()) {
    message_ = p_->queue_.pop_front();
    p_->trace_recv(w, self, *message_);
    return;
  }
  w.block(self, *this, p_, p_->waiters_, timeout_);
}

std::string Port::RecvOpBase::describe(const World& w) const {
  return "receive from port '" + std::string(w.object_name(p_->id())) + "'";
}

void Port::deliver(Message&& message) {
  World& w = world();
  if (Actor* receiver = waiters_.pop_front()) {
    auto* op = static_cast<RecvOpBase*>(receiver->waiting_op);
    op->message_ = std::move(message);
    trace_recv(w, *receiver, *op->message_);
    w.wake(*receiver, WaitStatus::Ok);
    return;
  }
  if (queue_.size() >= capacity_) {
    ++overflows_;
    if (w.tracing()) w.emit("port.overflow", id(), {{"msg", message.id}, {"capacity", capacity_}});
    return;
  }
  queue_.push_back(std::move(message));
}

void Port::lose_messages() {
  World& w = world();
  if (w.tracing() && !queue_.empty()) w.emit("port.lost", id(), {{"messages", queue_.size()}});
  queue_.clear();
}

void Port::digest(StateHash& h) const {
  h.add(overflows_).add(queue_.size());
  for (std::size_t i = 0; i < queue_.size(); ++i) add_message(h, queue_[i]);
}

void add_message(StateHash& h, const Message& m) {
  h.add(m.id).add(m.from).add(m.to).add(m.tag).add(m.copy).add(static_cast<std::uint64_t>(to_ns(m.sent_at)));
  h.add_bytes(m.body);
}

}  // namespace ipcsim::sim

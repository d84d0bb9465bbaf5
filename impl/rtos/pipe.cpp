#include "impl/rtos/pipe.hpp"

#include "impl/rtos/rtos.hpp"

namespace ipcsim::rtos {

namespace pl = layout::pipe;

Pipe::Pipe(Rtos& os, std::string name, std::uint32_t capacity)
    : Waitable(os.world(), "pipe", std::move(name), sim::WaitQueue::Order::Priority), os_(&os), capacity_(capacity) {
  IPCSIM_ASSERT_MSG(capacity >= 1, "a pipe holds at least one word");
  const std::string what = "pipe '" + std::string(this->name()) + "'";
  pcb_ = os.space().carve(pl::kSize, 8, "the control block of " + what);
  ring_ = os.space().carve(4 * capacity, 8, "the ring of " + what);
  flows_.assign(capacity, 0);
  format();
}

void Pipe::format() {
  Space& s = os_->space();
  s.st(pcb_ + pl::kMagic, layout::kPipe);
  s.st(pcb_ + pl::kCapacity, capacity_);
  s.st(pcb_ + pl::kHead, 0);
  s.st(pcb_ + pl::kCount, 0);
  s.st(pcb_ + pl::kRing, ring_);
}

std::uint32_t Pipe::count() const { return os_->space().ld(pcb_ + pl::kCount); }

bool Pipe::put_now(Addr word) {
  Rtos& os = *os_;
  Space& s = os.space();
  sim::World& w = world();
  os.enter_fast("PipePut", os.config().costs.pipe_op);
  w.touch(id(), sim::AccessMode::Write);
  const std::uint64_t flow = w.new_flow_id();
  if (sim::Actor* to = waiters_.pop_front()) {
    if (w.tracing()) {
      w.emit("rtos.pipe.put", id(), {{"rtos", os.id()}, {"pipe", pcb_}, {"word", word}, {"flow_out", flow}});
      w.emit_for(*to, "rtos.pipe.get", id(), {{"rtos", os.id()}, {"pipe", pcb_}, {"word", word}, {"flow_in", flow}});
    }
    static_cast<GetOp*>(to->waiting_op)->word_ = word;
    w.wake(*to, sim::WaitStatus::Ok);
    return true;
  }
  const std::uint32_t count = s.ld(pcb_ + pl::kCount);
  if (count == capacity_) {
    if (w.tracing()) w.emit("rtos.pipe.full", id(), {{"rtos", os.id()}, {"pipe", pcb_}, {"word", word}});
    return false;
  }
  const std::uint32_t index = (s.ld(pcb_ + pl::kHead) + count) % capacity_;
  s.st(slot(index), word);
  flows_[index] = flow;
  s.st(pcb_ + pl::kCount, count + 1);
  if (w.tracing())
    w.emit("rtos.pipe.put", id(), {{"rtos", os.id()}, {"pipe", pcb_}, {"word", word}, {"flow_out", flow}});
  return true;
}

void Pipe::GetOp::apply(sim::World& w, sim::Actor& self) {
  Pipe& p = *p_;
  Rtos& os = *p.os_;
  Space& s = os.space();
  os.enter_fast("PipeGet", os.config().costs.pipe_op);
  w.touch(p.id(), sim::AccessMode::Write);
  const std::uint32_t count = s.ld(p.pcb_ + pl::kCount);
  if (count > 0) {
    const std::uint32_t head = s.ld(p.pcb_ + pl::kHead);
    word_ = s.ld(p.slot(head));
    s.st(p.pcb_ + pl::kHead, (head + 1) % p.capacity_);
    s.st(p.pcb_ + pl::kCount, count - 1);
    if (w.tracing()) {
      w.emit("rtos.pipe.get", p.id(),
             {{"rtos", os.id()}, {"pipe", p.pcb_}, {"word", word_}, {"flow_in", p.flows_[head]}});
    }
    return;
  }
  if (try_only_) return;
  w.block(self, *this, &p, p.waiters_, timeout_);
}

std::string Pipe::GetOp::describe(const sim::World& w) const {
  return "get from pipe '" + std::string(w.object_name(p_->id())) + "'";
}

}  // namespace ipcsim::rtos

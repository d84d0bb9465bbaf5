#include "impl/rtos/exchange.hpp"

#include "impl/rtos/rtos.hpp"

namespace ipcsim::rtos {

namespace ml = layout::mcb;
namespace xl = layout::xcb;

const char* to_string(ExchangeType t) {
  switch (t) {
    case ExchangeType::Normal:
      return "normal";
    case ExchangeType::Pass:
      return "pass";
    case ExchangeType::Broadcast:
      return "broadcast";
  }
  return "?";
}

Exchange::Exchange(Rtos& os, std::string name, ExchangeType type, std::uint32_t index)
    : Waitable(os.world(), "exchange", std::move(name),
               // Broadcast resumes everyone at once: arrival order is enough.
               type == ExchangeType::Broadcast ? sim::WaitQueue::Order::Fifo : sim::WaitQueue::Order::Priority),
      os_(&os),
      type_(type),
      index_(index) {
  xcb_ = os.space().carve(xl::kSize, 8, "the control block of exchange '" + std::string(this->name()) + "'");
  format();
}

void Exchange::format() {
  Space& s = os_->space();
  s.st(xcb_ + xl::kMagic, layout::kXcb);
  s.st(xcb_ + xl::kType, static_cast<std::uint32_t>(type_));
  s.st(xcb_ + xl::kQueueHead, kNull);
  s.st(xcb_ + xl::kQueued, 0);
  s.st(xcb_ + xl::kSticky, kNull);
  s.st(xcb_ + xl::kRound, 0);
  s.st(xcb_ + xl::kIndex, index_);
}

std::uint32_t Exchange::queued() const { return os_->space().ld(xcb_ + xl::kQueued); }
Addr Exchange::sticky() const { return os_->space().ld(xcb_ + xl::kSticky); }
std::uint32_t Exchange::round() const { return os_->space().ld(xcb_ + xl::kRound); }

void Exchange::inventory() const {
  const Space& s = os_->space();
  std::string msgs;
  std::uint32_t walked = 0;
  // Bounded by the MCB pool: a broken link cannot make the walk endless.
  const std::uint32_t bound = os_->mcb_pool().blocks();
  Addr m = s.ld(xcb_ + xl::kQueueHead);
  for (; m != kNull && walked < bound && os_->mcb_pool().is_block(m); m = s.ld(m + ml::kLink), ++walked) {
    msgs += (msgs.empty() ? "" : " ") + std::to_string(m);
  }
  const bool broken = m != kNull;  // a link out of the MCB pool, or a cycle
  os_->world().emit("rtos.xchg.inventory", id(),
                    {{"rtos", os_->id()},
                     {"xchg", xcb_},
                     {"queued", s.ld(xcb_ + xl::kQueued)},
                     {"msgs", msgs},
                     {"broken_link", broken},
                     {"sticky", s.ld(xcb_ + xl::kSticky)},
                     {"round", s.ld(xcb_ + xl::kRound)}});
}

void Exchange::enqueue(Addr msg, std::uint32_t priority) {
  Space& s = os_->space();
  // Behind every message of equal or higher priority: FIFO among equals. The
  // walk is bounded by the queue length, itself bounded by the MCB pool.
  Addr prev = kNull;
  Addr cur = s.ld(xcb_ + xl::kQueueHead);
  std::uint32_t steps_left = s.ld(xcb_ + xl::kQueued);
  const Bugs& bugs = os_->config().bugs;
  while (cur != kNull && (bugs.lifo_among_equals ? s.ld(cur + ml::kPriority) > priority
                                                  : s.ld(cur + ml::kPriority) >= priority)) {
    IPCSIM_ASSERT_MSG(steps_left-- > 0, "exchange queue longer than its count");
    prev = cur;
    cur = s.ld(cur + ml::kLink);
  }
  s.st(msg + ml::kLink, bugs.insert_forgets_successor ? kNull : cur);
  s.st(prev == kNull ? xcb_ + xl::kQueueHead : prev + ml::kLink, msg);
  s.st(xcb_ + xl::kQueued, s.ld(xcb_ + xl::kQueued) + 1);
}

Addr Exchange::dequeue() {
  Space& s = os_->space();
  const Addr head = s.ld(xcb_ + xl::kQueueHead);
  if (head == kNull) return kNull;
  s.st(xcb_ + xl::kQueueHead, s.ld(head + ml::kLink));
  s.st(xcb_ + xl::kQueued, s.ld(xcb_ + xl::kQueued) - 1);
  return head;
}

void Exchange::hand_over(sim::World& w, sim::Actor& to, Addr msg, Received& got, std::uint64_t flow, bool by_sender) {
  Rtos& os = *os_;
  Space& s = os.space();
  s.st(msg + ml::kOwner, os.caller_tcb(to));
  const std::uint32_t priority = s.ld(msg + ml::kPriority);
  const bool pass = type_ == ExchangeType::Pass;
  // The receiver takes the message's priority before it runs again: when the
  // sender hands over, before the wake-up; when the receiver dequeues, at once.
  if (pass && !os.config().bugs.pass_keeps_receiver_priority) w.set_priority(to, static_cast<int>(priority));
  got = Received{msg, s.ld(msg + ml::kDbp), s.ld(msg + ml::kBytes), priority, 0};
  if (w.tracing()) {
    w.emit_for(to, "rtos.msg.receive", id(),
               {{"rtos", os.id()},
                {"msg", msg},
                {"xchg", xcb_},
                {"prio", priority},
                {"dbp", got.dbp},
                {"bytes", got.bytes},
                {"round", 0u},
                {"proxy_of", s.ld(msg + ml::kProxyOf)},
                {"pass", pass},
                {"flow_in", flow}});
  }
  if (by_sender) w.wake(to, sim::WaitStatus::Ok);
}

void Exchange::ReceiveOp::apply(sim::World& w, sim::Actor& self) {
  Exchange& x = *x_;
  Rtos& os = *x.os_;
  Space& s = os.space();
  os.enter("MsgReceive", os.config().costs.receive);
  // At a broadcast exchange a receiver only reads the message on show, or joins
  // the task queue that the next broadcast resumes all at once: receives there
  // commute with each other. At a normal or pass exchange they take a message.
  sim::AccessMode mode = sim::AccessMode::Write;
  if (x.type_ == ExchangeType::Broadcast) {
    mode = s.ld(x.xcb_ + xl::kSticky) != kNull ? sim::AccessMode::Read : sim::AccessMode::Update;
  }
  w.touch(x.id(), mode);
  if (x.type_ == ExchangeType::Broadcast) {
    const Addr msg = s.ld(x.xcb_ + xl::kSticky);
    if (msg != kNull) {
      // A late receiver: the message is on show, take its handle and go on.
      const std::uint32_t round = s.ld(x.xcb_ + xl::kRound);
      got_ = Received{msg, s.ld(msg + ml::kDbp), s.ld(msg + ml::kBytes), s.ld(msg + ml::kPriority), round};
      if (w.tracing()) {
        w.emit("rtos.msg.receive", x.id(),
               {{"rtos", os.id()},
                {"msg", msg},
                {"xchg", x.xcb_},
                {"prio", got_.priority},
                {"dbp", got_.dbp},
                {"bytes", got_.bytes},
                {"round", round},
                {"proxy_of", s.ld(msg + ml::kProxyOf)},
                {"pass", false},
                {"flow_in", x.round_flow_}});
      }
      return;
    }
  } else if (const Addr msg = x.dequeue(); msg != kNull) {
    std::uint64_t flow = 0;
    if (auto it = x.queued_flows_.find(msg); it != x.queued_flows_.end()) {
      flow = it->second;
      x.queued_flows_.erase(it);
    }
    x.hand_over(w, self, msg, got_, flow, /*by_sender=*/false);
    return;
  }
  w.block(self, *this, &x, x.waiters_, timeout_);
}

std::string Exchange::ReceiveOp::describe(const sim::World& w) const {
  return "receive from exchange '" + std::string(w.object_name(x_->id())) + "'";
}

void Exchange::SendOp::apply(sim::World& w, sim::Actor& self) {
  Exchange& x = *x_;
  Rtos& os = *x.os_;
  Space& s = os.space();
  os.enter("MsgSend", os.config().costs.send);
  os.check_msg(self, msg_, "MsgSend");
  os.check_owner(self, msg_, "MsgSend", "message");
  w.touch(x.id(), sim::AccessMode::Write);
  if (priority_) s.st(msg_ + ml::kPriority, *priority_);
  if (x.type_ == ExchangeType::Broadcast) {
    x.broadcast(w, self, msg_);
    return;
  }
  // Forwarding a message that is on show at a broadcast exchange takes it off.
  if (!os.config().bugs.forward_leaves_on_show) os.unstick(msg_);
  const std::uint32_t priority = s.ld(msg_ + ml::kPriority);
  const std::uint64_t flow = w.new_flow_id();
  if (w.tracing()) {
    w.emit("rtos.msg.send", x.id(),
           {{"rtos", os.id()},
            {"msg", msg_},
            {"xchg", x.xcb_},
            {"prio", priority},
            {"dbp", s.ld(msg_ + ml::kDbp)},
            {"proxy_of", s.ld(msg_ + ml::kProxyOf)},
            {"round", 0u},
            {"flow_out", flow}});
  }
  if (sim::Actor* to = x.waiters_.pop_front()) {
    auto* op = static_cast<ReceiveOp*>(to->waiting_op);
    x.hand_over(w, *to, msg_, op->got_, flow, /*by_sender=*/true);
    return;
  }
  // Nobody waits: the message waits, owned by the exchange.
  s.st(msg_ + ml::kOwner, x.xcb_);
  x.queued_flows_[msg_] = flow;
  x.enqueue(msg_, priority);
}

std::string Exchange::SendOp::describe(const sim::World& w) const {
  return "send to exchange '" + std::string(w.object_name(x_->id())) + "'";
}

void Exchange::broadcast(sim::World& w, sim::Actor&, Addr msg) {
  Rtos& os = *os_;
  Space& s = os.space();
  const Addr shown = s.ld(xcb_ + xl::kSticky);
  if (shown != msg) {
    if (shown != kNull) take_off(shown);  // one message at a time: the new one displaces it
    os.unstick(msg);                      // it may be on show at another broadcast exchange
  }
  const std::uint32_t round = s.ld(xcb_ + xl::kRound) + 1;
  const std::uint64_t flow = w.new_flow_id();
  s.st(xcb_ + xl::kSticky, msg);
  s.st(xcb_ + xl::kRound, round);
  round_flow_ = flow;
  s.st(msg + ml::kSticky, xcb_);
  const Received got{msg, s.ld(msg + ml::kDbp), s.ld(msg + ml::kBytes), s.ld(msg + ml::kPriority), round};
  if (w.tracing()) {
    w.emit("rtos.msg.send", id(),
           {{"rtos", os.id()},
            {"msg", msg},
            {"xchg", xcb_},
            {"prio", got.priority},
            {"dbp", got.dbp},
            {"proxy_of", s.ld(msg + ml::kProxyOf)},
            {"round", round},
            {"flow_out", flow},
            {"waiting", waiters_.size()}});
  }
  // Every waiting task is resumed at once with the handle and the body pointer.
  while (sim::Actor* to = waiters_.pop_front()) {
    static_cast<ReceiveOp*>(to->waiting_op)->got_ = got;
    if (w.tracing()) {
      w.emit_for(*to, "rtos.msg.receive", id(),
                 {{"rtos", os.id()},
                  {"msg", msg},
                  {"xchg", xcb_},
                  {"prio", got.priority},
                  {"dbp", got.dbp},
                  {"bytes", got.bytes},
                  {"round", round},
                  {"proxy_of", s.ld(msg + ml::kProxyOf)},
                  {"pass", false},
                  {"flow_in", flow}});
    }
    w.wake(*to, sim::WaitStatus::Ok);
    if (os.config().bugs.broadcast_wakes_one) break;
  }
}

void Exchange::take_off(Addr msg) {
  Rtos& os = *os_;
  Space& s = os.space();
  IPCSIM_ASSERT(s.ld(xcb_ + xl::kSticky) == msg);
  s.st(xcb_ + xl::kSticky, kNull);
  s.st(msg + ml::kSticky, kNull);
  sim::World& w = os.world();
  w.touch(id(), sim::AccessMode::Write);
  if (w.tracing()) {
    w.emit("rtos.bcast.clear", id(),
           {{"rtos", os.id()}, {"xchg", xcb_}, {"msg", msg}, {"round", s.ld(xcb_ + xl::kRound)}});
  }
}

void Exchange::ClearOp::apply(sim::World&, sim::Actor& self) {
  Exchange& x = *x_;
  Rtos& os = *x.os_;
  os.enter("XchgClear", os.config().costs.field);
  if (x.type_ != ExchangeType::Broadcast) {
    os.refuse(self, "XchgClear", "exchange '" + std::string(x.name()) + "' is not a broadcast exchange");
  }
  const Addr msg = os.space().ld(x.xcb_ + xl::kSticky);
  if (msg == kNull) return;
  os.check_owner(self, msg, "XchgClear", "message");
  x.take_off(msg);
  taken_ = msg;
}

std::string Exchange::ClearOp::describe(const sim::World& w) const {
  return "clear exchange '" + std::string(w.object_name(x_->id())) + "'";
}

void Exchange::PeekOp::apply(sim::World& w, sim::Actor&) {
  Exchange& x = *x_;
  Rtos& os = *x.os_;
  Space& s = os.space();
  os.enter("XchgPeek", os.config().costs.field);
  w.touch(x.id(), sim::AccessMode::Read);
  if (x.type_ == ExchangeType::Broadcast) {
    seen_ = s.ld(x.xcb_ + xl::kSticky) != kNull ? s.ld(x.xcb_ + xl::kRound) : 0;
  } else {
    seen_ = s.ld(x.xcb_ + xl::kQueued);
  }
  if (w.tracing()) w.emit("rtos.xchg.peek", x.id(), {{"rtos", os.id()}, {"xchg", x.xcb_}, {"seen", seen_}});
}

std::string Exchange::PeekOp::describe(const sim::World& w) const {
  return "peek at exchange '" + std::string(w.object_name(x_->id())) + "'";
}

}  // namespace ipcsim::rtos

// Reading and setting control-block fields, reading and writing bodies through
// handles, and replies through a message's reply handle.

#include "impl/rtos/rtos.hpp"

namespace ipcsim::rtos {

namespace ml = layout::mcb;
namespace bl = layout::bcb;

// ---- Fields and bodies ------------------------------------------------------------------------------------

namespace {
// Field access also works outside a step (set-up, tests): no charge then.
sim::Actor* field_caller(sim::World& w, Space& s) {
  sim::Actor* a = w.current_actor();
  if (a != nullptr && !s.mapped(*a->cpu)) {
    w.usage_error("actor " + w.describe_actor(*a) + " reads RTOS control blocks in memory '" +
                  std::string(s.memory().name()) + "', which is not mapped into " + std::string(a->cpu->name()));
  }
  return a;
}
}  // namespace

Addr Rtos::block_dbp(Addr blk) {
  sim::Actor* caller = field_caller(*world_, space_);
  if (caller != nullptr) {
    world_->charge(*caller, config_.costs.field);
    check_blk(*caller, blk, "BlockDbp");
  } else {
    IPCSIM_ASSERT(bcb_pool_->is_block(blk) && space_.ld(blk + bl::kState) == layout::kBcb);
  }
  return space_.ld(blk + bl::kDbp);
}
#define IPCSIM_RTOS_MSG_FIELD(service)                \
  sim::Actor* caller = field_caller(*world_, space_); \
  if (caller != nullptr) {                            \
    world_->charge(*caller, config_.costs.field);     \
    check_msg(*caller, msg, service);                 \
  } else {                                            \
    IPCSIM_ASSERT(mcb_pool_->is_block(msg));          \
  }

Addr Rtos::msg_dbp(Addr msg) {
  IPCSIM_RTOS_MSG_FIELD("MsgDbp")
  return space_.ld(msg + ml::kDbp);
}
std::uint32_t Rtos::msg_bytes(Addr msg) {
  IPCSIM_RTOS_MSG_FIELD("MsgBytes")
  return space_.ld(msg + ml::kBytes);
}
std::uint32_t Rtos::msg_priority(Addr msg) {
  IPCSIM_RTOS_MSG_FIELD("MsgPriority")
  return space_.ld(msg + ml::kPriority);
}
void Rtos::msg_set_priority(Addr msg, std::uint32_t priority) {
  IPCSIM_RTOS_MSG_FIELD("MsgSetPriority")
  space_.st(msg + ml::kPriority, priority);
}
std::uint32_t Rtos::msg_reply_handle(Addr msg) {
  IPCSIM_RTOS_MSG_FIELD("MsgReplyHandle")
  return space_.ld(msg + ml::kReply);
}
void Rtos::msg_set_reply(Addr msg, std::uint32_t reply) {
  IPCSIM_RTOS_MSG_FIELD("MsgSetReply")
  if (reply > replies_.size() && caller != nullptr) {
    refuse(*caller, "MsgSetReply", "reply handle " + std::to_string(reply) + " names no semaphore");
  }
  space_.st(msg + ml::kReply, reply);
}
Addr Rtos::msg_proxy_of(Addr msg) {
  IPCSIM_RTOS_MSG_FIELD("MsgProxyOf")
  return space_.ld(msg + ml::kProxyOf);
}
Addr Rtos::msg_owner(Addr msg) {
  IPCSIM_RTOS_MSG_FIELD("MsgOwner")
  return space_.ld(msg + ml::kOwner);
}
#undef IPCSIM_RTOS_MSG_FIELD

void Rtos::msg_write(Addr msg, std::uint32_t offset, std::span<const std::byte> bytes) {
  sim::Actor& self = enter_fast("MsgWrite", config_.costs.field);
  check_msg(self, msg, "MsgWrite");
  const std::uint32_t size = space_.ld(msg + ml::kBytes);
  if (offset > size || bytes.size() > size - offset) {
    refuse(self, "MsgWrite",
           "bytes [" + std::to_string(offset) + ", " + std::to_string(offset + bytes.size()) + ") are outside the " +
               std::to_string(size) + " bytes of message " + std::to_string(msg));
  }
  const Addr lo = space_.ld(msg + ml::kDbp) + offset;
  space_.write(lo, bytes);
  charge_copy(self, bytes.size());
  if (world_->tracing()) {
    world_->emit("rtos.msg.write", mcb_pool_->id(),
                 {{"rtos", id_},
                  {"msg", msg},
                  {"proxy_of", space_.ld(msg + ml::kProxyOf)},
                  {"lo", lo},
                  {"hi", lo + static_cast<Addr>(bytes.size())}});
  }
}

void Rtos::msg_read(Addr msg, std::uint32_t offset, std::span<std::byte> out) {
  sim::Actor& self = enter_fast("MsgRead", config_.costs.field);
  check_msg(self, msg, "MsgRead");
  const std::uint32_t size = space_.ld(msg + ml::kBytes);
  if (offset > size || out.size() > size - offset) {
    refuse(self, "MsgRead",
           "bytes [" + std::to_string(offset) + ", " + std::to_string(offset + out.size()) + ") are outside the " +
               std::to_string(size) + " bytes of message " + std::to_string(msg));
  }
  space_.read(space_.ld(msg + ml::kDbp) + offset, out);
  charge_copy(self, out.size());
}

namespace {
// The data bytes of the bare block at dbp, or 0 when dbp starts no block.
std::uint32_t bare_capacity(const std::vector<std::unique_ptr<BodySource>>& sources, Addr dbp) {
  for (const auto& s : sources) {
    if (s->owns(dbp)) return s->bytes_of(dbp);
  }
  return 0;
}
}  // namespace

void Rtos::block_write(Addr dbp, std::span<const std::byte> bytes) {
  sim::Actor& self = enter_fast("BlockWrite", sim::Duration{0});
  if (bytes.size() > bare_capacity(sources_, dbp)) {
    refuse(self, "BlockWrite",
           std::to_string(bytes.size()) + " bytes do not fit the block at dbp " + std::to_string(dbp));
  }
  space_.write(dbp, bytes);
  charge_copy(self, bytes.size());
}

void Rtos::block_read(Addr dbp, std::span<std::byte> out) {
  sim::Actor& self = enter_fast("BlockRead", sim::Duration{0});
  if (out.size() > bare_capacity(sources_, dbp)) {
    refuse(self, "BlockRead", std::to_string(out.size()) + " bytes do not fit the block at dbp " + std::to_string(dbp));
  }
  space_.read(dbp, out);
  charge_copy(self, out.size());
}

// ---- Replies ----------------------------------------------------------------------------------------------

void Rtos::ReplyOp::apply(sim::World& w, sim::Actor& self) {
  Rtos& os = *os_;
  os.enter_fast("MsgReply", os.config_.costs.field);
  std::uint32_t reply = handle_;
  if (msg_ != kNull) {
    os.check_msg(self, msg_, "MsgReply");
    reply = os.space_.ld(msg_ + ml::kReply);
  }
  if (reply == 0 || reply > os.replies_.size()) {
    os.refuse(self, "MsgReply",
              msg_ != kNull ? "message " + std::to_string(msg_) + " has no reply handle"
                            : "reply handle " + std::to_string(reply) + " names no semaphore");
  }
  const ReplyTarget& target = os.replies_[reply - 1];
  if (w.tracing()) {
    const sim::ObjectId sem = std::visit([](auto* s) { return s->id(); }, target);
    w.emit("rtos.msg.reply", sem, {{"rtos", os.id_}, {"msg", msg_}, {"reply", reply}});
  }
  // The signal is the semaphore's own op, applied inside this step.
  if (auto* t = std::get_if<sim::ThresholdSemaphore*>(&target)) {
    sim::ThresholdSemaphore::SignalOp signal((*t)->signal());
    signal.apply(w, self);
  } else {
    sim::Semaphore::SignalOp signal(std::get<sim::Semaphore*>(target)->signal());
    signal.apply(w, self);
  }
}

}  // namespace ipcsim::rtos

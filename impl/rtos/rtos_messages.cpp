// Rtos services on messages: MsgGet from a pool or a heap, MsgMake (also of
// proxies), MsgUnmake and MsgRel, each returning the body to its pool of origin.

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/rtos.hpp"

namespace ipcsim::rtos {

namespace ml = layout::mcb;

// ---- Messages -----------------------------------------------------------------------------------------

namespace {
void init_mcb(Space& s, Addr m, std::uint32_t state, Addr dbp, Addr pool, Addr owner, std::uint32_t priority,
              std::uint32_t bytes, Addr proxy_of) {
  s.st(m + ml::kState, state);
  s.st(m + ml::kDbp, dbp);
  s.st(m + ml::kPool, pool);
  s.st(m + ml::kOwner, owner);
  s.st(m + ml::kPriority, priority);
  s.st(m + ml::kReply, 0);
  s.st(m + ml::kBytes, bytes);
  s.st(m + ml::kProxyOf, proxy_of);
  s.st(m + ml::kSticky, kNull);
}
}  // namespace

Addr Rtos::msg_get_now(BlockPool& pool) {
  sim::Actor& self = enter("MsgGet", config_.costs.msg_get);
  const Addr msg = take_cb(*mcb_pool_, "MsgGet", self);
  if (msg == kNull) return kNull;
  const Addr dbp = pool.take();
  if (dbp == kNull) {
    mcb_pool_->put(msg);
    trace_bare_get(self, pool, kNull);
    return kNull;
  }
  const Addr owner = caller_tcb(self);
  init_mcb(space_, msg, layout::kMcbReal, dbp, pool.handle(), owner, 0, pool.block_size(), kNull);
  if (world_->tracing()) {
    world_->emit("rtos.msg.get", pool.id(),
                 {{"rtos", id_},
                  {"msg", msg},
                  {"cb_pool", mcb_pool_->handle()},
                  {"pool", pool.handle()},
                  {"dbp", dbp},
                  {"bytes", pool.block_size()},
                  {"owner", owner_actor(owner)}});
  }
  return msg;
}

Addr Rtos::msg_get_sized_now(std::uint32_t bytes) {
  if (BlockPool* pool = pool_for(bytes)) return msg_get_now(*pool);
  enter("MsgGet", config_.costs.msg_get);
  trace_no_fit(bytes);
  return kNull;
}

Addr Rtos::msg_get_now(Heap& heap, std::uint32_t bytes) {
  sim::Actor& self = enter("MsgGet", config_.costs.msg_get + config_.costs.heap_malloc);
  const Addr msg = take_cb(*mcb_pool_, "MsgGet", self);
  if (msg == kNull) return kNull;
  const Addr dbp = heap.malloc(bytes);
  if (dbp == kNull) {
    mcb_pool_->put(msg);
    if (world_->tracing())
      world_->emit("rtos.heap.empty", heap.id(), {{"rtos", id_}, {"heap", heap.handle()}, {"bytes", bytes}});
    return kNull;
  }
  const Addr owner = caller_tcb(self);
  init_mcb(space_, msg, layout::kMcbReal, dbp, heap.handle(), owner, 0, bytes, kNull);
  if (world_->tracing()) {
    world_->emit("rtos.msg.get", heap.id(),
                 {{"rtos", id_},
                  {"msg", msg},
                  {"cb_pool", mcb_pool_->handle()},
                  {"pool", heap.handle()},
                  {"dbp", dbp},
                  {"bytes", bytes},
                  {"owner", owner_actor(owner)}});
  }
  return msg;
}

Addr Rtos::msg_make_now(BodySource& source, Addr dbp) {
  sim::Actor& self = enter("MsgMake", config_.costs.msg_make);
  check_source(self, source, dbp, "MsgMake");
  const Addr msg = take_cb(*mcb_pool_, "MsgMake", self);
  if (msg == kNull) return kNull;
  const Addr owner = caller_tcb(self);
  const std::uint32_t bytes = source.bytes_of(dbp);
  init_mcb(space_, msg, layout::kMcbReal, dbp, source.handle(), owner, 0, bytes, kNull);
  if (world_->tracing()) {
    world_->emit("rtos.msg.make", source.id(),
                 {{"rtos", id_},
                  {"msg", msg},
                  {"cb_pool", mcb_pool_->handle()},
                  {"pool", source.handle()},
                  {"dbp", dbp},
                  {"bytes", bytes},
                  {"owner", owner_actor(owner)},
                  {"proxy_of", Addr{kNull}}});
  }
  return msg;
}

Addr Rtos::msg_make_proxy_now(Addr real, std::uint32_t offset, std::uint32_t bytes) {
  sim::Actor& self = enter("MsgMake", config_.costs.msg_make);
  check_msg(self, real, "MsgMake");
  if (space_.ld(real + ml::kState) != layout::kMcbReal) {
    refuse(self, "MsgMake", "message " + std::to_string(real) + " is a proxy: make proxies of the real message");
  }
  const std::uint32_t real_bytes = space_.ld(real + ml::kBytes);
  if (bytes == 0 || offset > real_bytes || bytes > real_bytes - offset) {
    refuse(self, "MsgMake",
           "section [" + std::to_string(offset) + ", " + std::to_string(offset + bytes) + ") is not inside the " +
               std::to_string(real_bytes) + "-byte body of message " + std::to_string(real));
  }
  const Addr msg = take_cb(*mcb_pool_, "MsgMake", self);
  if (msg == kNull) return kNull;
  const Addr owner = caller_tcb(self);
  const Addr dbp = space_.ld(real + ml::kDbp) + offset;
  init_mcb(space_, msg, layout::kMcbProxy, dbp, kNull, owner, space_.ld(real + ml::kPriority), bytes, real);
  if (world_->tracing()) {
    world_->emit("rtos.msg.make", mcb_pool_->id(),
                 {{"rtos", id_},
                  {"msg", msg},
                  {"cb_pool", mcb_pool_->handle()},
                  {"pool", Addr{kNull}},
                  {"dbp", dbp},
                  {"bytes", bytes},
                  {"owner", owner_actor(owner)},
                  {"proxy_of", real}});
  }
  return msg;
}

Unmade Rtos::msg_unmake_now(Addr msg) {
  sim::Actor& self = enter("MsgUnmake", config_.costs.msg_unmake);
  check_msg(self, msg, "MsgUnmake");
  if (space_.ld(msg + ml::kState) != layout::kMcbReal) {
    refuse(self, "MsgUnmake", "message " + std::to_string(msg) + " is a proxy: it has no body of its own");
  }
  check_owner(self, msg, "MsgUnmake", "message");
  unstick(msg);
  const Unmade out{space_.ld(msg + ml::kDbp), space_.ld(msg + ml::kPool)};
  space_.st(msg + ml::kState, layout::kFree);
  mcb_pool_->put(msg);
  if (world_->tracing()) {
    world_->emit("rtos.msg.unmake", mcb_pool_->id(),
                 {{"rtos", id_}, {"msg", msg}, {"cb_pool", mcb_pool_->handle()}, {"pool", out.pool}, {"dbp", out.dbp}});
  }
  return out;
}

void Rtos::msg_rel_now(Addr msg) {
  sim::Actor& self = enter("MsgRel", config_.costs.msg_rel);
  check_msg(self, msg, "MsgRel");
  check_owner(self, msg, "MsgRel", "message");
  release_msg(self, msg);
}

void Rtos::unstick(Addr msg) {
  const Addr xcb = space_.ld(msg + ml::kSticky);
  if (xcb == kNull) return;
  Exchange* x = exchange_at(xcb);
  IPCSIM_ASSERT_MSG(x != nullptr, "an MCB sticks to something that is not an exchange");
  x->take_off(msg);
}

Addr Rtos::release_msg(const sim::Actor&, Addr msg) {
  const bool proxy = space_.ld(msg + ml::kState) == layout::kMcbProxy;
  unstick(msg);
  const Addr owner = space_.ld(msg + ml::kOwner);
  const Addr proxy_of = space_.ld(msg + ml::kProxyOf);
  Addr dbp = space_.ld(msg + ml::kDbp);
  Addr to = kNull;
  sim::ObjectId on = mcb_pool_->id();
  if (!proxy) {
    to = pick_release_pool(space_.ld(msg + ml::kPool), space_.ld(msg + ml::kBytes));
    BodySource* source = source_at(to);
    IPCSIM_ASSERT_MSG(source != nullptr, "an MCB's pool field names no pool or heap");
    source->release(dbp);
    on = source->id();
  } else if (config_.bugs.proxy_release_frees_body) {
    // The broken variant: the proxy's release "returns its body" through the
    // real message, which still holds it.
    BodySource* source = source_at(space_.ld(proxy_of + ml::kPool));
    if (source != nullptr) {
      dbp = space_.ld(proxy_of + ml::kDbp);
      to = source->handle();
      source->release(dbp);
      on = source->id();
    }
  }
  space_.st(msg + ml::kState, layout::kFree);
  mcb_pool_->put(msg);
  if (world_->tracing()) {
    world_->emit("rtos.msg.rel", on,
                 {{"rtos", id_},
                  {"msg", msg},
                  {"cb_pool", mcb_pool_->handle()},
                  {"pool", to},
                  {"dbp", dbp},
                  {"proxy_of", proxy_of},
                  {"owner", owner_actor(owner)}});
  }
  return to;
}

}  // namespace ipcsim::rtos

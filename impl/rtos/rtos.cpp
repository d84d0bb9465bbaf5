#include "impl/rtos/rtos.hpp"

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/pipe.hpp"

namespace ipcsim::rtos {

namespace ml = layout::mcb;
namespace bl = layout::bcb;
namespace tl = layout::tcb;

namespace {
// The CPU whose nonshared memory this is, or kNoCpu for a shared region.
sim::CpuId owner_cpu(sim::World& w, const sim::Memory& m) {
  if (m.shared()) return sim::kNoCpu;
  for (std::size_t i = 0; i < w.cpu_count(); ++i) {
    if (&w.cpu(static_cast<sim::CpuId>(i)).memory() == &m) return static_cast<sim::CpuId>(i);
  }
  return sim::kNoCpu;
}
constexpr std::uint32_t kNotASource = UINT32_MAX;
}  // namespace

// ---- Construction -------------------------------------------------------------------

Rtos::Rtos(sim::World& world, sim::Memory& memory, RtosConfig config, std::string name)
    : world_(&world),
      memory_(&memory),
      config_(config),
      id_(world.register_object("rtos", name)),
      space_(world, memory, config.range) {
  const sim::CpuId cpu = owner_cpu(world, memory);
  if (world.tracing()) {
    world.emit("rtos.create", id_,
               {{"rtos", id_},
                {"mem", memory.id()},
                {"shared", memory.shared()},
                {"home_cpu", cpu == sim::kNoCpu ? std::int64_t{-1} : std::int64_t{cpu}}});
  }
  auto cb_pool = [&](const char* what, PoolKind kind, std::uint32_t record, std::uint32_t count) {
    const std::string pool_name = name + "." + what;
    auto* p = new BlockPool(space_, world.register_object("block_pool", pool_name), pool_name, kind, record, count,
                            kNotASource);
    if (world.tracing()) {
      world.emit("rtos.pool.create", p->id(),
                 {{"rtos", id_},
                  {"pool", p->handle()},
                  {"pool_kind", to_string(kind)},
                  {"block_size", p->block_size()},
                  {"stride", p->stride()},
                  {"blocks", p->blocks()},
                  {"first", p->first()}});
    }
    return p;
  };
  bcb_pool_ = cb_pool("bcbs", PoolKind::Bcb, bl::kSize, config.bcbs);
  mcb_pool_ = cb_pool("mcbs", PoolKind::Mcb, ml::kSize, config.mcbs);
  tcb_pool_ = cb_pool("tcbs", PoolKind::Tcb, tl::kSize, config.tcbs);
  if (cpu != sim::kNoCpu) world.cpu(cpu).on_boot([this](sim::Cpu&) { on_restart(); });
  live_actors_seen_ = world.live_actor_count();
}

Rtos::~Rtos() {
  delete bcb_pool_;
  delete mcb_pool_;
  delete tcb_pool_;
}

BlockPool& Rtos::create_pool(std::string name, std::uint32_t block_size, std::uint32_t blocks) {
  const auto index = static_cast<std::uint32_t>(sources_.size());
  auto pool = std::make_unique<BlockPool>(space_, world_->register_object("block_pool", name), name, PoolKind::Base,
                                          block_size, blocks, index);
  BlockPool& p = *pool;
  sources_.push_back(std::move(pool));
  base_pools_.push_back(&p);
  if (world_->tracing()) {
    world_->emit("rtos.pool.create", p.id(),
                 {{"rtos", id_},
                  {"pool", p.handle()},
                  {"pool_kind", "base"},
                  {"block_size", p.block_size()},
                  {"stride", p.stride()},
                  {"blocks", p.blocks()},
                  {"first", p.first()}});
  }
  return p;
}

Heap& Rtos::create_heap(std::string name, std::uint32_t bytes) {
  const auto index = static_cast<std::uint32_t>(sources_.size());
  auto heap = std::make_unique<Heap>(space_, world_->register_object("heap", name), name, bytes, index);
  Heap& h = *heap;
  sources_.push_back(std::move(heap));
  if (world_->tracing()) {
    world_->emit("rtos.heap.create", h.id(),
                 {{"rtos", id_}, {"heap", h.handle()}, {"bytes", h.bytes()}, {"first", h.first()}});
  }
  return h;
}

Exchange& Rtos::create_exchange(std::string name, ExchangeType type) {
  const auto index = static_cast<std::uint32_t>(exchanges_.size());
  exchanges_.push_back(std::make_unique<Exchange>(*this, std::move(name), type, index));
  Exchange& x = *exchanges_.back();
  if (world_->tracing()) {
    world_->emit("rtos.xchg.create", x.id(), {{"rtos", id_}, {"xchg", x.handle()}, {"type", to_string(type)}});
  }
  return x;
}

Pipe& Rtos::create_pipe(std::string name, std::uint32_t capacity) {
  pipes_.push_back(std::make_unique<Pipe>(*this, std::move(name), capacity));
  Pipe& p = *pipes_.back();
  if (world_->tracing()) {
    world_->emit("rtos.pipe.create", p.id(), {{"rtos", id_}, {"pipe", p.handle()}, {"capacity", capacity}});
  }
  return p;
}

std::uint32_t Rtos::add_reply(sim::ThresholdSemaphore& semaphore) {
  IPCSIM_ASSERT_MSG(replies_.size() < config_.replies, "reply handle table full (RtosConfig::replies)");
  replies_.emplace_back(&semaphore);
  return static_cast<std::uint32_t>(replies_.size());
}

std::uint32_t Rtos::add_reply(sim::Semaphore& semaphore) {
  IPCSIM_ASSERT_MSG(replies_.size() < config_.replies, "reply handle table full (RtosConfig::replies)");
  replies_.emplace_back(&semaphore);
  return static_cast<std::uint32_t>(replies_.size());
}

// ---- Lookups ----------------------------------------------------------------------------

BodySource* Rtos::source_at(Addr handle) const {
  if (!space_.inside(handle, layout::pcb::kSize)) return nullptr;
  const std::uint32_t magic = space_.ld(handle);
  if (magic != layout::kPcb && magic != layout::kHcb) return nullptr;
  const std::uint32_t index = space_.ld(handle + (magic == layout::kPcb ? layout::pcb::kIndex : layout::hcb::kIndex));
  if (index >= sources_.size() || sources_[index]->handle() != handle) return nullptr;
  return sources_[index].get();
}

Exchange* Rtos::exchange_at(Addr xcb) const {
  if (!space_.inside(xcb, layout::xcb::kSize) || space_.ld(xcb) != layout::kXcb) return nullptr;
  const std::uint32_t index = space_.ld(xcb + layout::xcb::kIndex);
  if (index >= exchanges_.size() || exchanges_[index]->handle() != xcb) return nullptr;
  return exchanges_[index].get();
}

std::optional<std::uint32_t> Rtos::slot_of(sim::ActorId actor) const {
  auto it = slot_of_actor_.find(actor);
  if (it == slot_of_actor_.end()) return std::nullopt;
  return it->second;
}

TaskRef Rtos::current_task() const {
  const sim::Actor* a = world_->current_actor();
  if (a == nullptr) return {};
  const auto slot = slot_of(a->id);
  if (!slot || !tasks_[*slot].live) return {};
  return TaskRef{tasks_[*slot].actor, tasks_[*slot].tcb};
}

std::uint32_t Rtos::live_tasks() const {
  std::uint32_t n = 0;
  for (const TaskSlot& t : tasks_) n += t.live ? 1 : 0;
  return n;
}

Addr Rtos::caller_tcb(const sim::Actor& self) const {
  const auto slot = slot_of(self.id);
  return slot && tasks_[*slot].live ? tasks_[*slot].tcb : kNull;
}

sim::ActorId Rtos::owner_actor(Addr owner) const {
  if (owner == kNull || !tcb_pool_->is_block(owner)) return sim::kNoActor;
  return space_.ld(owner + tl::kActor);
}

// ---- Entering a service --------------------------------------------------------------------

sim::Actor& Rtos::enter(const char* service, sim::Duration cost) {
  sim::Actor& self = enter_fast(service, cost);
  if (world_->live_actor_count() != live_actors_seen_) {
    live_actors_seen_ = world_->live_actor_count();
    reap_dead_tasks(self);
  }
  return self;
}

void Rtos::bad_caller(const sim::Actor* a, const char* service) {
  if (a == nullptr)
    world_->usage_error(std::string(service) + " on RTOS '" + std::string(world_->object_name(id_)) +
                        "' outside an actor's step");
  world_->usage_error(std::string(service) + " by " + world_->describe_actor(*a) + ": RTOS '" +
                      std::string(world_->object_name(id_)) + "' lives in memory '" + std::string(memory_->name()) +
                      "', which is not mapped into " + std::string(a->cpu->name()));
}

void Rtos::refuse(const sim::Actor& self, const char* service, const std::string& why) {
  world_->usage_error(std::string(service) + " by " + world_->describe_actor(self) + " on RTOS '" +
                      std::string(world_->object_name(id_)) + "': " + why);
}

void Rtos::bad_bare_release(sim::Actor& self, BlockPool& pool, Addr dbp) {
  refuse(self, "BlockRel", "dbp " + std::to_string(dbp) + " is not a block of pool '" + pool.name() + "'");
}

void Rtos::charge_copy(sim::Actor& self, std::size_t bytes) {
  const std::uint32_t rate = config_.costs.copy_bytes_per_ns;
  if (rate != 0) world_->charge(self, sim::Duration{static_cast<std::int64_t>((bytes + rate - 1) / rate)});
}

// ---- Tracing helpers --------------------------------------------------------------------------

void Rtos::trace_bare_get(sim::Actor& self, BlockPool& pool, Addr dbp) {
  if (dbp == kNull) {
    if (pool.corrupted_link() != kNull && world_->tracing()) {
      world_->emit("rtos.pool.corrupt", pool.id(),
                   {{"rtos", id_}, {"pool", pool.handle()}, {"link", pool.corrupted_link()}});
    }
    if (world_->tracing()) world_->emit("rtos.pool.empty", pool.id(), {{"rtos", id_}, {"pool", pool.handle()}});
    return;
  }
  (void)self;
  world_->emit("rtos.block.get", pool.id(), {{"rtos", id_}, {"pool", pool.handle()}, {"dbp", dbp}});
}

void Rtos::trace_bare_rel(sim::Actor&, BlockPool& pool, Addr dbp) {
  world_->emit("rtos.block.rel", pool.id(), {{"rtos", id_}, {"pool", pool.handle()}, {"dbp", dbp}});
}

Addr Rtos::take_cb(BlockPool& cbs, const char* service, const sim::Actor& self) {
  const Addr cb = cbs.take();
  if (cb == kNull) {
    // Exhaustion is a condition a correct program meets: the service returns 0.
    (void)service;
    (void)self;
    if (world_->tracing()) {
      if (cbs.corrupted_link() != kNull) {
        world_->emit("rtos.pool.corrupt", cbs.id(),
                     {{"rtos", id_}, {"pool", cbs.handle()}, {"link", cbs.corrupted_link()}});
      }
      world_->emit("rtos.pool.empty", cbs.id(), {{"rtos", id_}, {"pool", cbs.handle()}});
    }
  }
  return cb;
}

// ---- Handle validation ------------------------------------------------------------------------

Addr Rtos::check_msg(const sim::Actor& self, Addr msg, const char* service) {
  if (!mcb_pool_->is_block(msg)) refuse(self, service, "handle " + std::to_string(msg) + " is not a message");
  const std::uint32_t state = space_.ld(msg + ml::kState);
  if (state == layout::kFree) refuse(self, service, "message " + std::to_string(msg) + " was already released");
  if (state != layout::kMcbReal && state != layout::kMcbProxy) {
    refuse(self, service, "handle " + std::to_string(msg) + " is not a message");
  }
  return msg;
}

Addr Rtos::check_blk(const sim::Actor& self, Addr blk, const char* service) {
  if (!bcb_pool_->is_block(blk)) refuse(self, service, "handle " + std::to_string(blk) + " is not a block");
  const std::uint32_t state = space_.ld(blk + bl::kState);
  if (state == layout::kFree) refuse(self, service, "block " + std::to_string(blk) + " was already released");
  if (state != layout::kBcb) refuse(self, service, "handle " + std::to_string(blk) + " is not a block");
  return blk;
}

void Rtos::check_owner(const sim::Actor& self, Addr cb, const char* service, const char* what) {
  static_assert(ml::kOwner == bl::kOwner, "BCB and MCB keep the owner at the same place");
  const Addr owner = space_.ld(cb + ml::kOwner);
  if (owner == kNull || owner == caller_tcb(self)) return;
  if (Exchange* x = exchange_at(owner)) {
    refuse(self, service,
           std::string(what) + " " + std::to_string(cb) + " is queued at exchange '" + std::string(x->name()) + "'");
  }
  const sim::ActorId actor = owner_actor(owner);
  refuse(self, service, std::string(what) + " " + std::to_string(cb) + " belongs to task #" + std::to_string(actor));
}

BodySource& Rtos::check_source(const sim::Actor& self, BodySource& source, Addr dbp, const char* service) {
  if (!source.owns(dbp)) {
    refuse(self, service,
           "dbp " + std::to_string(dbp) + " is not a block of " +
               (source.kind() == BodySource::Kind::Pool ? "pool '" : "heap '") + source.name() + "'");
  }
  return source;
}

// ---- Bare heap blocks ---------------------------------------------------------------------------

Addr Rtos::heap_malloc_now(Heap& heap, std::uint32_t bytes) {
  enter_fast("HeapMalloc", config_.costs.heap_malloc);
  const Addr dbp = heap.malloc(bytes);
  if (world_->tracing()) {
    if (dbp == kNull) {
      world_->emit("rtos.heap.empty", heap.id(), {{"rtos", id_}, {"heap", heap.handle()}, {"bytes", bytes}});
    } else {
      world_->emit("rtos.heap.malloc", heap.id(),
                   {{"rtos", id_}, {"heap", heap.handle()}, {"dbp", dbp}, {"bytes", bytes}});
    }
  }
  return dbp;
}

void Rtos::heap_free_now(Heap& heap, Addr dbp) {
  sim::Actor& self = enter_fast("HeapFree", config_.costs.heap_free);
  if (!heap.owns(dbp)) {
    refuse(self, "HeapFree", "dbp " + std::to_string(dbp) + " is not a block in use of heap '" + heap.name() + "'");
  }
  heap.free(dbp);
  if (world_->tracing())
    world_->emit("rtos.heap.free", heap.id(), {{"rtos", id_}, {"heap", heap.handle()}, {"dbp", dbp}});
}

// ---- Standard blocks ------------------------------------------------------------------------------

Addr Rtos::block_get_now(BlockPool& pool) {
  sim::Actor& self = enter("BlockGet", config_.costs.block_get);
  const Addr blk = take_cb(*bcb_pool_, "BlockGet", self);
  if (blk == kNull) return kNull;
  const Addr dbp = pool.take();
  if (dbp == kNull) {
    bcb_pool_->put(blk);
    trace_bare_get(self, pool, kNull);
    return kNull;
  }
  const Addr owner = caller_tcb(self);
  space_.st(blk + bl::kState, layout::kBcb);
  space_.st(blk + bl::kDbp, dbp);
  space_.st(blk + bl::kPool, pool.handle());
  space_.st(blk + bl::kOwner, owner);
  space_.st(blk + bl::kBytes, pool.block_size());
  if (world_->tracing()) {
    world_->emit("rtos.blk.get", pool.id(),
                 {{"rtos", id_},
                  {"blk", blk},
                  {"cb_pool", bcb_pool_->handle()},
                  {"pool", pool.handle()},
                  {"dbp", dbp},
                  {"owner", owner_actor(owner)}});
  }
  return blk;
}

Addr Rtos::block_make_now(BodySource& source, Addr dbp) {
  sim::Actor& self = enter("BlockMake", config_.costs.block_make);
  check_source(self, source, dbp, "BlockMake");
  const Addr blk = take_cb(*bcb_pool_, "BlockMake", self);
  if (blk == kNull) return kNull;
  const Addr owner = caller_tcb(self);
  space_.st(blk + bl::kState, layout::kBcb);
  space_.st(blk + bl::kDbp, dbp);
  space_.st(blk + bl::kPool, source.handle());
  space_.st(blk + bl::kOwner, owner);
  space_.st(blk + bl::kBytes, source.bytes_of(dbp));
  if (world_->tracing()) {
    world_->emit("rtos.blk.make", source.id(),
                 {{"rtos", id_},
                  {"blk", blk},
                  {"cb_pool", bcb_pool_->handle()},
                  {"pool", source.handle()},
                  {"dbp", dbp},
                  {"owner", owner_actor(owner)}});
  }
  return blk;
}

Unmade Rtos::block_unmake_now(Addr blk) {
  sim::Actor& self = enter("BlockUnmake", config_.costs.block_unmake);
  check_blk(self, blk, "BlockUnmake");
  check_owner(self, blk, "BlockUnmake", "block");
  const Unmade out{space_.ld(blk + bl::kDbp), space_.ld(blk + bl::kPool)};
  space_.st(blk + bl::kState, layout::kFree);
  bcb_pool_->put(blk);
  if (world_->tracing()) {
    world_->emit("rtos.blk.unmake", bcb_pool_->id(),
                 {{"rtos", id_}, {"blk", blk}, {"cb_pool", bcb_pool_->handle()}, {"pool", out.pool}, {"dbp", out.dbp}});
  }
  return out;
}

void Rtos::block_rel_now(Addr blk) {
  sim::Actor& self = enter("BlockRel", config_.costs.block_rel);
  check_blk(self, blk, "BlockRel");
  check_owner(self, blk, "BlockRel", "block");
  release_blk(self, blk);
}

Addr Rtos::pick_release_pool(Addr origin, std::uint32_t bytes) const {
  if (!config_.bugs.release_to_wrong_pool) return origin;
  // The broken variant: "the pool is the one whose blocks are this big".
  for (const BlockPool* p : base_pools_) {
    if (p->block_size() >= bytes) return p->handle();
  }
  return origin;
}

Addr Rtos::release_blk(const sim::Actor&, Addr blk) {
  const Addr dbp = space_.ld(blk + bl::kDbp);
  const Addr origin = space_.ld(blk + bl::kPool);
  const Addr owner = space_.ld(blk + bl::kOwner);
  const Addr to = pick_release_pool(origin, space_.ld(blk + bl::kBytes));
  BodySource* source = source_at(to);
  IPCSIM_ASSERT_MSG(source != nullptr, "a BCB's pool field names no pool or heap");
  source->release(dbp);
  space_.st(blk + bl::kState, layout::kFree);
  bcb_pool_->put(blk);
  if (world_->tracing()) {
    world_->emit("rtos.blk.rel", source->id(),
                 {{"rtos", id_},
                  {"blk", blk},
                  {"cb_pool", bcb_pool_->handle()},
                  {"pool", to},
                  {"dbp", dbp},
                  {"owner", owner_actor(owner)}});
  }
  return to;
}

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
  os.check_msg(self, msg_, "MsgReply");
  const std::uint32_t reply = os.space_.ld(msg_ + ml::kReply);
  if (reply == 0 || reply > os.replies_.size()) {
    os.refuse(self, "MsgReply", "message " + std::to_string(msg_) + " has no reply handle");
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

// ---- Tasks --------------------------------------------------------------------------------------------------

Addr Rtos::alloc_tcb(const std::string& name) {
  const Addr tcb = tcb_pool_->take();
  if (tcb == kNull) {
    world_->usage_error("RTOS '" + std::string(world_->object_name(id_)) + "' cannot create task '" + name + "': all " +
                        std::to_string(tcb_pool_->blocks()) + " TCBs are in use (RtosConfig::tcbs)");
  }
  space_.st(tcb + tl::kState, layout::kTcb);
  return tcb;
}

TaskRef Rtos::bind_task(Addr tcb, sim::ActorRef actor, int priority) {
  IPCSIM_ASSERT_MSG(actor.id <= UINT32_MAX, "TCBs keep 32-bit actor ids");
  const auto slot = static_cast<std::uint32_t>(tasks_.size());
  tasks_.push_back(TaskSlot{actor, tcb, true});
  slot_of_actor_[actor.id] = slot;
  space_.st(tcb + tl::kActor, static_cast<std::uint32_t>(actor.id));
  space_.st(tcb + tl::kNormalPriority, static_cast<std::uint32_t>(priority));
  space_.st(tcb + tl::kSlot, slot);
  live_actors_seen_ = world_->live_actor_count();
  if (world_->tracing()) {
    world_->emit("rtos.task.create", tcb_pool_->id(),
                 {{"rtos", id_}, {"task", actor.id}, {"tcb", tcb}, {"prio", priority}});
  }
  return TaskRef{actor, tcb};
}

void Rtos::free_task(std::uint32_t slot) {
  TaskSlot& t = tasks_[slot];
  IPCSIM_ASSERT(t.live);
  space_.st(t.tcb + tl::kState, layout::kFree);
  tcb_pool_->put(t.tcb);
  t.live = false;
  slot_of_actor_.erase(t.actor.id);
}

std::uint32_t Rtos::release_owned(const sim::Actor& self, Addr tcb) {
  std::uint32_t released = 0;
  // The scan reads every control block: one footprint range per pool.
  for (const BlockPool* p : {bcb_pool_, mcb_pool_}) {
    space_.reads_range(p->first(), p->block_at(p->blocks() - 1) + p->stride());
  }
  for (std::uint32_t i = 0; i < bcb_pool_->blocks(); ++i) {
    const Addr cb = bcb_pool_->block_at(i);
    if (space_.ld_covered(cb + bl::kState) == layout::kBcb && space_.ld_covered(cb + bl::kOwner) == tcb) {
      release_blk(self, cb);
      ++released;
    }
  }
  // Proxies before real messages: a proxy never outlives its real message.
  for (const std::uint32_t kind : {layout::kMcbProxy, layout::kMcbReal}) {
    for (std::uint32_t i = 0; i < mcb_pool_->blocks(); ++i) {
      const Addr cb = mcb_pool_->block_at(i);
      if (space_.ld_covered(cb + ml::kState) == kind && space_.ld_covered(cb + ml::kOwner) == tcb) {
        release_msg(self, cb);
        ++released;
      }
    }
  }
  return released;
}

void Rtos::reap_dead_tasks(const sim::Actor& self) {
  for (std::uint32_t slot = 0; slot < tasks_.size(); ++slot) {
    TaskSlot& t = tasks_[slot];
    if (!t.live || world_->alive(t.actor)) continue;
    const std::uint32_t released = config_.bugs.delete_leaks_owned ? 0 : release_owned(self, t.tcb);
    const sim::ActorId task = t.actor.id;
    free_task(slot);
    if (world_->tracing()) {
      world_->emit("rtos.task.delete", tcb_pool_->id(),
                   {{"rtos", id_}, {"task", task}, {"by", self.id}, {"released", released}, {"reason", "reaped"}});
    }
  }
}

void Rtos::DeleteOp::apply(sim::World& w, sim::Actor& self) {
  Rtos& os = *os_;
  const char* service = exit_ ? "TaskExit" : "TaskDelete";
  os.enter(service, os.config_.costs.task_delete);
  const sim::ActorId target = exit_ ? self.id : task_.actor.id;
  const auto slot = os.slot_of(target);
  if (exit_) {
    if (!slot) return;  // already deleted or reaped
  } else {
    if (!os.tcb_pool_->is_block(task_.tcb)) {
      os.refuse(self, service, "actor #" + std::to_string(target) + " is not a task of this RTOS");
    }
    if (target == self.id) os.refuse(self, service, "a task deletes itself by returning from its body");
    if (!slot || os.tasks_[*slot].tcb != task_.tcb) return;  // gone already
    if (w.alive(task_.actor)) w.kill(task_.actor, "deleted by " + self.name);
  }
  const Addr tcb = os.tasks_[*slot].tcb;
  done_.deleted = true;
  done_.released = os.config_.bugs.delete_leaks_owned ? 0 : os.release_owned(self, tcb);
  w.charge(self, os.config_.costs.msg_rel * done_.released);
  os.free_task(*slot);
  if (w.tracing()) {
    w.emit("rtos.task.delete", os.tcb_pool_->id(),
           {{"rtos", os.id_},
            {"task", target},
            {"by", self.id},
            {"released", done_.released},
            {"reason", exit_ ? "exit" : "delete"}});
  }
}

// ---- Introspection and restarts --------------------------------------------------------------------------

std::string Rtos::check_consistency() const {
  for (const BlockPool* p : {bcb_pool_, mcb_pool_, tcb_pool_}) {
    if (std::string e = p->check_free_list(); !e.empty()) return e;
  }
  for (const auto& s : sources_) {
    std::string e = s->kind() == BodySource::Kind::Pool ? static_cast<const BlockPool&>(*s).check_free_list()
                                                        : static_cast<const Heap&>(*s).check();
    if (!e.empty()) return e;
  }
  return "";
}

std::uint32_t Rtos::control_blocks_in_use() const {
  return (bcb_pool_->blocks() - bcb_pool_->free_count()) + (mcb_pool_->blocks() - mcb_pool_->free_count());
}

std::uint32_t Rtos::owned_by(TaskRef task) const {
  std::uint32_t n = 0;
  for (std::uint32_t i = 0; i < bcb_pool_->blocks(); ++i) {
    const Addr cb = bcb_pool_->block_at(i);
    n += space_.ld(cb + bl::kState) == layout::kBcb && space_.ld(cb + bl::kOwner) == task.tcb ? 1 : 0;
  }
  for (std::uint32_t i = 0; i < mcb_pool_->blocks(); ++i) {
    const Addr cb = mcb_pool_->block_at(i);
    const std::uint32_t state = space_.ld(cb + ml::kState);
    n += (state == layout::kMcbReal || state == layout::kMcbProxy) && space_.ld(cb + ml::kOwner) == task.tcb ? 1 : 0;
  }
  return n;
}

void Rtos::format_all() {
  bcb_pool_->format();
  mcb_pool_->format();
  tcb_pool_->format();
  for (auto& s : sources_) {
    if (s->kind() == BodySource::Kind::Pool) {
      static_cast<BlockPool&>(*s).format();
    } else {
      static_cast<Heap&>(*s).format();
    }
  }
  for (auto& x : exchanges_) x->format();
  for (auto& p : pipes_) p->format();
}

void Rtos::on_restart() {
  // The CPU crashed: its memory, and with it every pool, block, control block
  // and queued message, was lost, and its tasks died. The restarted CPU finds
  // zeroed memory; the RTOS formats its structures again at the same places.
  for (TaskSlot& t : tasks_) t.live = false;
  slot_of_actor_.clear();
  format_all();
  live_actors_seen_ = world_->live_actor_count();
  if (world_->tracing()) world_->emit("rtos.reset", id_, {{"rtos", id_}, {"mem", memory_->id()}});
}

}  // namespace ipcsim::rtos

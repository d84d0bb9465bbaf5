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
    auto* p = new BlockPool(space_, id_, world.register_object("block_pool", pool_name), pool_name, kind, record,
                            count, kNotASource);
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
  home_cpu_ = cpu;
  end_hook_ = world.add_end_hook([this] { emit_inventory(); });
  live_actors_seen_ = world.live_actor_count();
}

Rtos::~Rtos() {
  world_->remove_end_hook(end_hook_);
  delete bcb_pool_;
  delete mcb_pool_;
  delete tcb_pool_;
}

BlockPool& Rtos::create_pool(std::string name, std::uint32_t block_size, std::uint32_t blocks) {
  const auto index = static_cast<std::uint32_t>(sources_.size());
  auto pool = std::make_unique<BlockPool>(space_, id_, world_->register_object("block_pool", name), name,
                                          PoolKind::Base, block_size, blocks, index);
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
  auto heap = std::make_unique<Heap>(space_, id_, world_->register_object("heap", name), name, bytes, index);
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

// ---- Picking a pool by size ------------------------------------------------------------

BlockPool* Rtos::pool_for(std::uint32_t bytes) const {
  BlockPool* best = nullptr;
  for (BlockPool* p : base_pools_) {
    if (p->block_size() >= bytes && (best == nullptr || p->block_size() < best->block_size())) best = p;
  }
  return best;
}

void Rtos::trace_no_fit(std::uint32_t bytes) {
  if (world_->tracing()) world_->emit("rtos.pool.nofit", id_, {{"rtos", id_}, {"bytes", bytes}});
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
  refuse(self, service, std::string(what) + " " + std::to_string(cb) + " belongs to task " + world_->describe_actor(actor));
}

BodySource& Rtos::check_source(const sim::Actor& self, BodySource& source, Addr dbp, const char* service) {
  if (!source.owns(dbp)) {
    refuse(self, service,
           "dbp " + std::to_string(dbp) + " is not a block of " +
               (source.kind() == BodySource::Kind::Pool ? "pool '" : "heap '") + source.name() + "'");
  }
  return source;
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

void Rtos::emit_inventory() {
  if (!world_->tracing()) return;
  // A crashed CPU lost the memory: there is nothing to read (the monitors
  // forgot this RTOS at the crash).
  if (home_cpu_ != sim::kNoCpu && !world_->cpu(home_cpu_).up()) return;
  for (const auto& x : exchanges_) x->inventory();
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

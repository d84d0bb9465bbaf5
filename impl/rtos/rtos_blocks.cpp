// Rtos services on blocks: bare heap blocks (HeapMalloc / HeapFree) and standard
// blocks (a BCB recording the body's pool of origin and its owner task).

#include "impl/rtos/rtos.hpp"

namespace ipcsim::rtos {

namespace bl = layout::bcb;

// ---- Bare blocks by size -------------------------------------------------------------------------

Rtos::SizedBlock Rtos::block_get_bare_sized_now(std::uint32_t bytes) {
  BlockPool* pool = pool_for(bytes);
  if (pool == nullptr) {
    enter_fast("BlockGet", config_.costs.block_get_bare);
    trace_no_fit(bytes);
    return {};
  }
  const Addr dbp = block_get_bare_now(*pool);
  return {dbp, dbp == kNull ? nullptr : pool};
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

}  // namespace ipcsim::rtos

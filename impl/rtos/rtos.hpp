// Rtos: the message management system of seed 001 on the simulation kernel.
//
// One Rtos manages one memory (a CPU's nonshared Memory or a shared region):
// block pools, heaps, the control-block pools (BCB, MCB, TCB), exchanges and
// pipes all live there as real bytes (impl/rtos/layout.hpp). Its tasks are
// actors; its services follow the seed and SMX:
//
//  - bare (base) blocks: block_get_bare / block_rel_bare, a dbp and no
//    metadata, fast enough for an ISR; the caller must know the pool;
//  - standard blocks: block_get / block_make / block_unmake / block_rel, a
//    handle to a BCB that records the body's pool of origin and an owner task;
//  - messages: msg_get (from a pool or a heap) / msg_make / msg_make_proxy /
//    msg_unmake / msg_rel, a handle to an MCB (BCB fields plus priority, reply
//    handle, exchange linkage); they travel through exchanges (exchange.hpp);
//  - migration without copying: make turns a bare block into a block or
//    message recording its origin, unmake turns it back; every release returns
//    the body to its pool or heap of origin and the control block to its own
//    pool; releasing a proxy frees only its MCB;
//  - tasks: create_task / delete_task; deleting a task (or its return)
//    releases every block and message it owns; a task killed by a fault (not
//    through the RTOS) is reaped at the next control-block service.
//
// Declare the World first; an Rtos on a CPU's nonshared memory registers a boot
// hook (a restart after a crash formats it again), so it must outlive the runs.
//
// Each service has a local form (`*_now`, runs inside the caller's step) and an
// awaitable form (a scheduling point). Each charges its cost (RtosCosts) and
// emits an `rtos.*` trace record (schema: impl/rtos/trace_schema.md).
//
//   sim::World w;
//   sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
//   rtos::Rtos os(w, cpu.memory());
//   rtos::BlockPool& pool = os.create_pool("p256", 256, 16);
//   rtos::Exchange& x = os.create_exchange("x", rtos::ExchangeType::Normal);
//   os.create_task(cpu, "producer", 5, [&](sim::Ctx) -> sim::Task<> {
//     rtos::Addr m = co_await os.msg_get(pool);
//     co_await x.send(m);
//   });
//   os.create_task(cpu, "consumer", 4, [&](sim::Ctx) -> sim::Task<> {
//     rtos::Received r = co_await x.receive();
//     co_await os.msg_rel(r.msg);      // back to pool p256, whoever releases it
//   });
//   w.run();
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "impl/rtos/block_pool.hpp"
#include "impl/rtos/config.hpp"
#include "impl/rtos/heap.hpp"
#include "impl/rtos/layout.hpp"
#include "impl/rtos/service_op.hpp"
#include "impl/rtos/space.hpp"
#include "sim/semaphore.hpp"
#include "sim/world.hpp"

namespace ipcsim::rtos {

class Exchange;
class Pipe;
enum class ExchangeType : std::uint32_t;

// A task: its actor and its TCB.
struct TaskRef {
  sim::ActorRef actor;
  Addr tcb = kNull;
  bool valid() const { return actor.valid() && tcb != kNull; }
  friend bool operator==(const TaskRef&, const TaskRef&) = default;
};

struct TaskOptions {
  bool daemon = false;  // may stay blocked forever (a server) without that being a deadlock
};

// What unmaking a block or message gives back: the bare block and its origin.
struct Unmade {
  Addr dbp = kNull;
  Addr pool = kNull;  // PCB or HCB handle (Rtos::source_at)
  explicit operator bool() const { return dbp != kNull; }
};

class Rtos {
 public:
  Rtos(sim::World& world, sim::Memory& memory, RtosConfig config = {}, std::string name = "rtos");
  // The bytes an RTOS with this configuration carves before any pool, heap,
  // exchange or pipe: the null guard and its BCB, MCB and TCB pools. Every
  // carving is a multiple of 8, so a total is the plain sum of bytes_needed().
  static std::size_t bytes_needed(const RtosConfig& config) {
    return 8 + BlockPool::bytes_needed(layout::bcb::kSize, config.bcbs) +
           BlockPool::bytes_needed(layout::mcb::kSize, config.mcbs) +
           BlockPool::bytes_needed(layout::tcb::kSize, config.tcbs);
  }
  ~Rtos();
  Rtos(const Rtos&) = delete;
  Rtos& operator=(const Rtos&) = delete;

  sim::World& world() const { return *world_; }
  Space& space() { return space_; }
  const RtosConfig& config() const { return config_; }
  sim::ObjectId id() const { return id_; }
  BlockPool& bcb_pool() { return *bcb_pool_; }
  BlockPool& mcb_pool() { return *mcb_pool_; }
  BlockPool& tcb_pool() { return *tcb_pool_; }

  // ---- Set-up (before the run, or from a task) --------------------------------
  BlockPool& create_pool(std::string name, std::uint32_t block_size, std::uint32_t blocks);
  Heap& create_heap(std::string name, std::uint32_t bytes);
  Exchange& create_exchange(std::string name, ExchangeType type);
  Pipe& create_pipe(std::string name, std::uint32_t capacity);
  // Reply handles name kernel semaphores in MCBs (the seed's reply field). 0 is none.
  std::uint32_t add_reply(sim::ThresholdSemaphore& semaphore);
  std::uint32_t add_reply(sim::Semaphore& semaphore);

  // Spawns `body` as a task at `priority` with a TCB. When the body returns,
  // the task deletes itself: what it still owns is released.
  template <class F>
  TaskRef create_task(sim::Cpu& cpu, std::string name, int priority, F&& body, TaskOptions options = {});

  // ---- Picking a pool by size ------------------------------------------------------
  // The pool the engine picks for a request of `bytes` (the seed: it
  // "determines a proper memory block pool ... that would satisfy the
  // requirement", a block large enough): the base pool with the smallest blocks
  // that hold `bytes`, the first created among equals; nullptr when no pool's
  // blocks are that large. It does not look for a free block: an exhausted best
  // pool makes the get return 0, as a get from that pool would. Pools are
  // set-up data: no cost, no trace, no footprint.
  BlockPool* pool_for(std::uint32_t bytes) const;

  // ---- Lookups -------------------------------------------------------------------
  BodySource* source_at(Addr handle) const;  // a PCB/HCB handle's pool or heap, or nullptr
  Exchange* exchange_at(Addr xcb) const;
  const std::vector<BlockPool*>& pools() const { return base_pools_; }
  // The stepping actor's task (invalid for an ISR or a plain actor).
  TaskRef current_task() const;
  std::uint32_t live_tasks() const;

  // ---- Services, local forms: run inside the stepping actor's step ------------------
  // Bare blocks. block_get_bare_now returns 0 when the pool is exhausted.
  Addr block_get_bare_now(BlockPool& pool) {
    sim::Actor& self = enter_fast("BlockGet", config_.costs.block_get_bare);
    const Addr dbp = pool.take();
    if (world_->tracing() || dbp == kNull) trace_bare_get(self, pool, dbp);
    return dbp;
  }
  void block_rel_bare_now(BlockPool& pool, Addr dbp) {
    sim::Actor& self = enter_fast("BlockRel", config_.costs.block_rel_bare);
    if (config_.check_bare_release && !pool.is_block(dbp)) [[unlikely]]
      bad_bare_release(self, pool, dbp);
    pool.put(dbp);
    if (world_->tracing()) trace_bare_rel(self, pool, dbp);
  }
  // Get by size (BlockGet with a size instead of a pool, from pool_for(bytes)):
  // the block and the pool it came from, which the caller must name at BlockRel.
  // When no pool's blocks are large enough: nothing, traced as rtos.pool.nofit.
  struct SizedBlock {
    Addr dbp = kNull;
    BlockPool* pool = nullptr;
    explicit operator bool() const { return dbp != kNull; }
  };
  SizedBlock block_get_bare_sized_now(std::uint32_t bytes);
  Addr heap_malloc_now(Heap& heap, std::uint32_t bytes);
  void heap_free_now(Heap& heap, Addr dbp);

  // Standard blocks (BCB handles).
  Addr block_get_now(BlockPool& pool);
  Addr block_make_now(BodySource& source, Addr dbp);
  Unmade block_unmake_now(Addr blk);
  void block_rel_now(Addr blk);

  // Messages (MCB handles).
  Addr msg_get_now(BlockPool& pool);
  Addr msg_get_now(Heap& heap, std::uint32_t bytes);
  // MsgGet by size: from pool_for(bytes); 0 (and rtos.pool.nofit) when none fits.
  Addr msg_get_sized_now(std::uint32_t bytes);
  Addr msg_make_now(BodySource& source, Addr dbp);
  // A proxy of `real` showing bytes [offset, offset + bytes) of its body (the
  // seed's MsgMake(NULL, dbp)): its own MCB, no pool, the real body shared.
  Addr msg_make_proxy_now(Addr real, std::uint32_t offset, std::uint32_t bytes);
  Unmade msg_unmake_now(Addr msg);
  void msg_rel_now(Addr msg);

  // Control-block fields and body access through a handle (local only).
  Addr block_dbp(Addr blk);
  Addr msg_dbp(Addr msg);
  std::uint32_t msg_bytes(Addr msg);
  std::uint32_t msg_priority(Addr msg);
  void msg_set_priority(Addr msg, std::uint32_t priority);
  std::uint32_t msg_reply_handle(Addr msg);
  void msg_set_reply(Addr msg, std::uint32_t reply);
  Addr msg_proxy_of(Addr msg);
  Addr msg_owner(Addr msg);  // a TCB, an XCB (queued at an exchange), or 0
  // Writes into the body seen through `msg` (a proxy writes its section):
  // traced, so monitors can tell which sections were filled. Needs no
  // ownership: a broadcast slave may alter its section of the master's message.
  void msg_write(Addr msg, std::uint32_t offset, std::span<const std::byte> bytes);
  void msg_read(Addr msg, std::uint32_t offset, std::span<std::byte> out);
  // Bare blocks have no handle to check against: the caller says how big the block is.
  void block_write(Addr dbp, std::span<const std::byte> bytes);
  void block_read(Addr dbp, std::span<std::byte> out);

  // ---- Services, awaitable forms: each one a scheduling point ------------------------
  auto block_get_bare(BlockPool& p) {
    return make_service_op(*world_, "BlockGet", p.id(), [this, &p] { return block_get_bare_now(p); });
  }
  auto block_rel_bare(BlockPool& p, Addr dbp) {
    return make_service_op(*world_, "BlockRel", p.id(), [this, &p, dbp] { block_rel_bare_now(p, dbp); });
  }
  auto heap_malloc(Heap& h, std::uint32_t n) {
    return make_service_op(*world_, "HeapMalloc", h.id(), [this, &h, n] { return heap_malloc_now(h, n); });
  }
  auto heap_free(Heap& h, Addr dbp) {
    return make_service_op(*world_, "HeapFree", h.id(), [this, &h, dbp] { heap_free_now(h, dbp); });
  }
  auto block_get(BlockPool& p) {
    return make_service_op(*world_, "BlockGet", p.id(), [this, &p] { return block_get_now(p); });
  }
  auto block_make(BodySource& s, Addr dbp) {
    return make_service_op(*world_, "BlockMake", s.id(), [this, &s, dbp] { return block_make_now(s, dbp); });
  }
  auto block_unmake(Addr blk) {
    return make_service_op(*world_, "BlockUnmake", bcb_pool_->id(), [this, blk] { return block_unmake_now(blk); });
  }
  auto block_rel(Addr blk) {
    return make_service_op(*world_, "BlockRel", bcb_pool_->id(), [this, blk] { block_rel_now(blk); });
  }
  auto msg_get(BlockPool& p) {
    return make_service_op(*world_, "MsgGet", p.id(), [this, &p] { return msg_get_now(p); });
  }
  auto msg_get(Heap& h, std::uint32_t n) {
    return make_service_op(*world_, "MsgGet", h.id(), [this, &h, n] { return msg_get_now(h, n); });
  }
  auto msg_get_sized(std::uint32_t n) {
    return make_service_op(*world_, "MsgGet", sized_op_object(n), [this, n] { return msg_get_sized_now(n); });
  }
  auto msg_make(BodySource& s, Addr dbp) {
    return make_service_op(*world_, "MsgMake", s.id(), [this, &s, dbp] { return msg_make_now(s, dbp); });
  }
  auto msg_make_proxy(Addr real, std::uint32_t offset, std::uint32_t n) {
    return make_service_op(*world_, "MsgMake", mcb_pool_->id(),
                           [this, real, offset, n] { return msg_make_proxy_now(real, offset, n); });
  }
  auto msg_unmake(Addr msg) {
    return make_service_op(*world_, "MsgUnmake", mcb_pool_->id(), [this, msg] { return msg_unmake_now(msg); });
  }
  auto msg_rel(Addr msg) {
    return make_service_op(*world_, "MsgRel", mcb_pool_->id(), [this, msg] { msg_rel_now(msg); });
  }

  // Signals the semaphore named by the message's reply handle (a server's
  // "done" to the client that sent the proxy; the master's "it went out" to a
  // broadcaster). A message without a reply handle is a usage error.
  // reply(handle) signals a reply handle read from a message earlier
  // (msg_reply_handle): a server that releases its proxy first, so that the
  // client, once answered, never sends on a real message whose proxy is live.
  class [[nodiscard]] ReplyOp final : public sim::OpAwaiter<ReplyOp> {
   public:
    ReplyOp(Rtos& os, Addr msg, std::uint32_t handle)
        : OpAwaiter(os.world()), os_(&os), msg_(msg), handle_(handle) {}
    void apply(sim::World& w, sim::Actor& self) override;
    std::string describe(const sim::World&) const override { return "MsgReply"; }
    void result() const {}

   private:
    Rtos* os_;
    Addr msg_;               // kNull: reply by handle_
    std::uint32_t handle_;
  };
  ReplyOp msg_reply(Addr msg) { return ReplyOp(*this, msg, 0); }
  ReplyOp reply(std::uint32_t handle) { return ReplyOp(*this, kNull, handle); }

  // Kills the task's actor and releases every block and message it owns. A
  // task that is already gone (it returned, or was deleted or reaped: a race
  // a correct program can meet) is not an error: nothing happens.
  struct Deleted {
    bool deleted = false;
    std::uint32_t released = 0;  // blocks and messages released
  };
  class [[nodiscard]] DeleteOp final : public sim::OpAwaiter<DeleteOp> {
   public:
    DeleteOp(Rtos& os, TaskRef task, bool self_exit) : OpAwaiter(os.world()), os_(&os), task_(task), exit_(self_exit) {}
    void apply(sim::World& w, sim::Actor& self) override;
    std::string describe(const sim::World&) const override { return exit_ ? "TaskExit" : "TaskDelete"; }
    Deleted result() const { return done_; }

   private:
    Rtos* os_;
    TaskRef task_;
    bool exit_;
    Deleted done_;
  };
  DeleteOp delete_task(TaskRef task) { return DeleteOp(*this, task, false); }

  // ---- Introspection (tests; not services: no cost, no trace) ------------------------
  // "" when every pool's and heap's free structures are sound, else what is wrong.
  std::string check_consistency() const;
  // Control blocks in use (BCBs + MCBs) and how many of them a task owns.
  std::uint32_t control_blocks_in_use() const;
  std::uint32_t owned_by(TaskRef task) const;

 private:
  friend class Exchange;
  friend class Pipe;

  struct TaskSlot {
    sim::ActorRef actor;
    Addr tcb = kNull;
    bool live = false;
  };
  using ReplyTarget = std::variant<sim::ThresholdSemaphore*, sim::Semaphore*>;

  // The stepping actor, checked and charged: every service starts here.
  sim::Actor& enter_fast(const char* service, sim::Duration cost) {
    sim::Actor* a = world_->current_actor();
    if (a == nullptr || !space_.mapped(*a->cpu)) [[unlikely]]
      bad_caller(a, service);
    world_->charge(*a, cost);
    return *a;
  }
  // enter_fast plus the reaping of tasks killed behind the RTOS's back.
  sim::Actor& enter(const char* service, sim::Duration cost);
  [[noreturn]] void bad_caller(const sim::Actor* a, const char* service);
  [[noreturn]] void bad_bare_release(sim::Actor& self, BlockPool& pool, Addr dbp);
  [[noreturn]] void refuse(const sim::Actor& self, const char* service, const std::string& why);
  void trace_bare_get(sim::Actor& self, BlockPool& pool, Addr dbp);
  void trace_no_fit(std::uint32_t bytes);
  sim::ObjectId sized_op_object(std::uint32_t bytes) const {  // what a sized get is announced on
    const BlockPool* p = pool_for(bytes);
    return p != nullptr ? p->id() : id_;
  }
  void trace_bare_rel(sim::Actor& self, BlockPool& pool, Addr dbp);
  void charge_copy(sim::Actor& self, std::size_t bytes);

  // Validation of handles given by callers.
  Addr check_msg(const sim::Actor& self, Addr msg, const char* service);
  Addr check_blk(const sim::Actor& self, Addr blk, const char* service);
  void check_owner(const sim::Actor& self, Addr cb, const char* service, const char* what);
  BodySource& check_source(const sim::Actor& self, BodySource& source, Addr dbp, const char* service);

  // Internals shared by services, deletion and exchanges.
  Addr caller_tcb(const sim::Actor& self) const;
  sim::ActorId owner_actor(Addr owner) const;  // the actor of a TCB; 0 for none or an exchange
  Addr take_cb(BlockPool& cbs, const char* service, const sim::Actor& self);
  Addr pick_release_pool(Addr origin, std::uint32_t bytes) const;  // origin, or the broken variant's guess
  Addr release_msg(const sim::Actor& self, Addr msg);              // returns where the body went (0: kept)
  Addr release_blk(const sim::Actor& self, Addr blk);
  void unstick(Addr msg);
  std::uint32_t release_owned(const sim::Actor& self, Addr tcb);
  void free_task(std::uint32_t slot);
  void reap_dead_tasks(const sim::Actor& self);
  Addr alloc_tcb(const std::string& name);
  TaskRef bind_task(Addr tcb, sim::ActorRef actor, int priority);
  DeleteOp exit_task() { return DeleteOp(*this, current_task(), true); }
  std::optional<std::uint32_t> slot_of(sim::ActorId actor) const;
  void format_all();
  void on_restart();
  // At the end of a run: what every exchange really holds, read from memory.
  void emit_inventory();

  sim::World* world_;
  sim::Memory* memory_;
  RtosConfig config_;
  sim::ObjectId id_;
  Space space_;
  // Body sources (pools and heaps) by index (PCB/HCB kIndex), in creation order.
  std::vector<std::unique_ptr<BodySource>> sources_;
  std::vector<BlockPool*> base_pools_;
  BlockPool* bcb_pool_ = nullptr;
  BlockPool* mcb_pool_ = nullptr;
  BlockPool* tcb_pool_ = nullptr;
  std::vector<std::unique_ptr<Exchange>> exchanges_;
  std::vector<std::unique_ptr<Pipe>> pipes_;
  std::vector<ReplyTarget> replies_;  // handle = index + 1
  // The task table: the RTOS's "current task" register, by actor id.
  std::vector<TaskSlot> tasks_;
  std::map<sim::ActorId, std::uint32_t> slot_of_actor_;
  std::size_t live_actors_seen_ = 0;
  sim::CpuId home_cpu_ = sim::kNoCpu;  // whose nonshared memory it lives in (kNoCpu: a shared region)
  std::uint64_t end_hook_ = 0;
};

template <class F>
TaskRef Rtos::create_task(sim::Cpu& cpu, std::string name, int priority, F&& body, TaskOptions options) {
  const Addr tcb = alloc_tcb(name);
  const sim::ActorRef ref = world_->spawn(cpu, std::move(name),
                                          [this, body = std::forward<F>(body)](sim::Ctx cx) mutable -> sim::Task<> {
                                            co_await body(cx);
                                            co_await exit_task();
                                          },
                                          {.priority = priority, .daemon = options.daemon});
  return bind_task(tcb, ref, priority);
}

}  // namespace ipcsim::rtos

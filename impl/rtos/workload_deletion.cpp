// Workload 5: task deletion with owned blocks and messages (workloads.hpp).
#include <algorithm>

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/pipe.hpp"
#include "impl/rtos/workload_support.hpp"
#include "impl/rtos/workloads.hpp"
#include "sim/gate.hpp"

namespace ipcsim::rtos::workloads {

struct Deletion::Parts {
  BlockPool* pool = nullptr;
  Heap* heap = nullptr;
  Exchange* collect = nullptr;
  std::unique_ptr<sim::Gate> never;  // where idle workers hold on to what they own
  std::vector<TaskRef> workers;
};

Deletion::~Deletion() = default;

namespace {

// One worker: `holdings` random services, then it returns or waits forever.
sim::Task<> hoard(Rtos& os, Deletion::Parts& P, std::uint32_t holdings, sim::Duration work, bool returns, sim::Ctx cx) {
  sim::Rng& rng = cx.world().rng();
  std::vector<Addr> reals;    // real messages this worker holds, without proxies
  std::vector<Addr> proxied;  // real messages it holds with proxies (never sent on: their
                              // sections are not filled, and a real message goes on only assembled)
  for (std::uint32_t i = 0; i < holdings; ++i) {
    switch (rng.below(6)) {
      case 0:
        if (const Addr m = co_await os.msg_get(*P.pool); m != kNull) reals.push_back(m);
        break;
      case 1:
        (void)co_await os.block_get(*P.pool);
        break;
      case 2:
        if (const Addr m = co_await os.msg_get(*P.heap, 40 + static_cast<std::uint32_t>(rng.below(200))); m != kNull) {
          reals.push_back(m);
        }
        break;
      case 3:
        // Take a bare block and make it a message in one step (the local
        // forms): a bare block has no owner, so a deletion between the two
        // would leak it; once made, the task owns it.
        if (const Addr dbp = os.block_get_bare_now(*P.pool); dbp != kNull) {
          const Addr m = os.msg_make_now(*P.pool, dbp);
          if (m != kNull) {
            reals.push_back(m);
          } else {
            os.block_rel_bare_now(*P.pool, dbp);
          }
        }
        break;
      case 4:
        if (!reals.empty() || !proxied.empty()) {
          const std::size_t k = rng.below(reals.size() + proxied.size());
          Addr real = 0;
          if (k < reals.size()) {
            real = reals[k];
            reals.erase(reals.begin() + static_cast<std::ptrdiff_t>(k));
            proxied.push_back(real);
          } else {
            real = proxied[k - reals.size()];
          }
          (void)co_await os.msg_make_proxy(real, 0, 8);
        }
        break;
      case 5:
        if (!reals.empty()) {
          const std::size_t k = rng.below(reals.size());
          co_await P.collect->send(reals[k]);
          reals.erase(reals.begin() + static_cast<std::ptrdiff_t>(k));
        }
        break;
    }
    co_await cx.sleep(work);
  }
  if (!returns) co_await P.never->wait();
}

}  // namespace

namespace {
// Control-block pools sized for this workload (limits named in RtosConfig).
RtosConfig config_for(const DeletionParams& p, const Bugs& bugs) {
  return RtosConfig{.bcbs = std::max(64u, p.blocks),
                    .mcbs = p.blocks + p.workers * p.holdings + p.heap_bytes / 48 + 8,
                    .tcbs = p.workers + 3,
                    .costs = p.costs,
                    .bugs = bugs};
}
}  // namespace

std::unique_ptr<Deletion> build_deletion(sim::World& w, sim::Cpu& cpu, const DeletionParams& p, const Bugs& bugs) {
  if (p.exiting + p.killed > p.workers) w.usage_error("rtos deletion: exiting + killed exceeds workers");
  auto wl = std::make_unique<Deletion>();
  wl->params_ = p;
  const RtosConfig config = config_for(p, bugs);
  wl->os_ = std::make_unique<Rtos>(w, cpu.memory(), config);
  Rtos& os = *wl->os_;
  wl->parts_ = std::make_unique<Deletion::Parts>();
  Deletion::Parts* P = wl->parts_.get();
  P->pool = &os.create_pool("blocks", p.block_size, p.blocks);
  P->heap = &os.create_heap("heap", p.heap_bytes);
  P->collect = &os.create_exchange("collect", ExchangeType::Normal);
  P->never = std::make_unique<sim::Gate>(w, "never");
  Deletion* self = wl.get();

  for (std::uint32_t i = 0; i < p.workers; ++i) {
    const bool returns = i < p.exiting;
    P->workers.push_back(os.create_task(
        cpu, "worker" + std::to_string(i), p.worker_priority,
        [P, &os, p, returns](sim::Ctx cx) -> sim::Task<> { co_await hoard(os, *P, p.holdings, p.work, returns, cx); },
        {.daemon = !returns}));
  }
  os.create_task(cpu, "supervisor", p.supervisor_priority, [self, P, &os, p](sim::Ctx cx) -> sim::Task<> {
    sim::Rng& rng = cx.world().rng();
    for (std::uint32_t i = p.exiting; i < p.workers; ++i) {
      co_await cx.sleep(detail::between(rng, p.delete_after_min, p.delete_after_max));
      const TaskRef victim = P->workers[i];
      if (i < p.exiting + p.killed) {
        // Killed behind the RTOS's back (a fault, a foreign kill): the next
        // control-block service of anyone reaps it; here, ours.
        co_await cx.kill(victim.actor);
        const Addr m = co_await os.msg_get(*P->pool);
        if (m != kNull) co_await os.msg_rel(m);
      } else if (cx.world().alive(victim.actor)) {
        self->released_by_deletion += (co_await os.delete_task(victim)).released;
      }
    }
  });
  os.create_task(cpu, "collector", p.collector_priority,
                 [self, P, &os](sim::Ctx) -> sim::Task<> {
                   for (;;) {
                     const Received r = co_await P->collect->receive();
                     ++self->collected;
                     co_await os.msg_rel(r.msg);
                   }
                 },
                 {.daemon = true});
  return wl;
}

std::size_t memory_needed(const DeletionParams& p) {
  return Rtos::bytes_needed(config_for(p, {})) + BlockPool::bytes_needed(p.block_size, p.blocks) +
         Heap::bytes_needed(p.heap_bytes) + Exchange::bytes_needed();
}

std::string Deletion::check() const {
  const Rtos& o = os();
  if (parts_->pool->free_count() != params_.blocks) return "deletion: pool not full at the end";
  if (parts_->heap->used_chunks() != 0) return "deletion: heap chunks still in use at the end";
  if (o.control_blocks_in_use() != 0) return "deletion: control blocks still in use at the end";
  if (o.live_tasks() != 1) return "deletion: tasks other than the collector still alive";
  return "";
}

}  // namespace ipcsim::rtos::workloads

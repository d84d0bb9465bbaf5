// Workload 2: the priority-pass chain (workloads.hpp).
#include <algorithm>

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/pipe.hpp"
#include "impl/rtos/workload_support.hpp"
#include "impl/rtos/workloads.hpp"
#include "sim/semaphore.hpp"

namespace ipcsim::rtos::workloads {

struct PassChain::Parts {
  BlockPool* pool = nullptr;
  std::vector<Exchange*> links;             // links[i] feeds stage i
  std::unique_ptr<sim::Semaphore> credits;  // free blocks, as the sources see them
};

PassChain::~PassChain() = default;

namespace {
// Control-block pools sized for this workload (limits named in RtosConfig).
RtosConfig config_for(const PassChainParams& p, const Bugs& bugs) {
  return RtosConfig{.mcbs = std::max(128u, p.blocks), .tcbs = p.sources + p.stages + 2, .costs = p.costs, .bugs = bugs};
}
}  // namespace

std::unique_ptr<PassChain> build_pass_chain(sim::World& w, sim::Cpu& cpu, const PassChainParams& p, const Bugs& bugs) {
  if (p.stages == 0 || p.sources == 0 || p.min_msg_priority > p.max_msg_priority) {
    w.usage_error("rtos pass chain: needs stages >= 1, sources >= 1 and min_msg_priority <= max_msg_priority");
  }
  auto wl = std::make_unique<PassChain>();
  wl->params_ = p;
  const RtosConfig config = config_for(p, bugs);
  wl->os_ = std::make_unique<Rtos>(w, cpu.memory(), config);
  Rtos& os = *wl->os_;
  wl->parts_ = std::make_unique<PassChain::Parts>();
  PassChain::Parts* P = wl->parts_.get();
  P->pool = &os.create_pool("msgs", p.block_size, p.blocks);
  P->credits = std::make_unique<sim::Semaphore>(w, "credits", p.blocks);
  for (std::uint32_t i = 0; i < p.stages; ++i) {
    P->links.push_back(&os.create_exchange("stage" + std::to_string(i) + ".in", ExchangeType::Pass));
  }
  PassChain* self = wl.get();

  for (std::uint32_t s = 0; s < p.sources; ++s) {
    // Source s sends messages s, s + sources, s + 2 * sources, ...
    const std::uint32_t mine = p.messages / p.sources + (s < p.messages % p.sources ? 1 : 0);
    os.create_task(cpu, "source" + std::to_string(s), p.source_priority, [P, &os, p, mine](sim::Ctx cx) -> sim::Task<> {
      sim::Rng& rng = cx.world().rng();
      for (std::uint32_t k = 0; k < mine; ++k) {
        // One credit per free block: wait for one instead of polling an
        // exhausted pool (a polling source above the stages would starve them).
        co_await P->credits->wait();
        const Addr msg = co_await os.msg_get(*P->pool);
        IPCSIM_ASSERT_MSG(msg != kNull, "a credit stands for a free block");
        const auto prio =
            static_cast<std::uint32_t>(p.min_msg_priority + rng.below(p.max_msg_priority - p.min_msg_priority + 1));
        os.msg_write(msg, 0, detail::word_bytes(prio));
        co_await P->links[0]->send(msg, prio);
        co_await cx.sleep(p.send_gap);
      }
    });
  }
  for (std::uint32_t i = 0; i < p.stages; ++i) {
    const bool last = i + 1 == p.stages;
    os.create_task(cpu, "stage" + std::to_string(i), p.stage_priority,
                   [self, P, &os, p, i, last](sim::Ctx cx) -> sim::Task<> {
                     for (;;) {
                       const Received r = co_await P->links[i]->receive();
                       self->seen.push_back(PassChain::Seen{i, r.priority, cx.priority()});
                       co_await cx.compute(p.stage_work);
                       if (last) {
                         co_await os.msg_rel(r.msg);
                         co_await P->credits->signal();
                         ++self->delivered;
                       } else {
                         co_await P->links[i + 1]->send(r.msg);
                       }
                     }
                   },
                   {.daemon = true});
  }
  return wl;
}

std::size_t memory_needed(const PassChainParams& p) {
  return Rtos::bytes_needed(config_for(p, {})) + BlockPool::bytes_needed(p.block_size, p.blocks) +
         p.stages * Exchange::bytes_needed();
}

std::string PassChain::check() const {
  if (delivered != params_.messages) {
    return "pass chain: " + std::to_string(delivered) + " of " + std::to_string(params_.messages) + " delivered";
  }
  if (seen.size() != static_cast<std::size_t>(params_.messages) * params_.stages)
    return "pass chain: stages missed messages";
  if (parts_->pool->free_count() != params_.blocks) return "pass chain: pool not full at the end";
  return "";
}

}  // namespace ipcsim::rtos::workloads

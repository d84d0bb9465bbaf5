// Workload 6: broadcasters -> one normal exchange -> one broadcasting master (workloads.hpp).
#include <algorithm>

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/pipe.hpp"
#include "impl/rtos/sync.hpp"
#include "impl/rtos/workload_support.hpp"
#include "impl/rtos/workloads.hpp"
#include "sim/gate.hpp"
#include "sim/semaphore.hpp"

namespace ipcsim::rtos::workloads {

struct Broadcasters::Parts {
  std::vector<BlockPool*> pools;  // one per broadcaster
  Exchange* requests = nullptr;
  Exchange* bx = nullptr;
  std::vector<std::unique_ptr<sim::Semaphore>> done;  // one per broadcaster: "your message went out"
  std::vector<std::uint32_t> reply;
  std::unique_ptr<sim::ThresholdSemaphore> semT;
  std::unique_ptr<sim::Gate> semG;
};

Broadcasters::~Broadcasters() = default;

namespace {
// Control-block pools sized for this workload (limits named in RtosConfig).
RtosConfig config_for(const BroadcastersParams& p, const Bugs& bugs) {
  return RtosConfig{.mcbs = std::max(128u, p.broadcasters * p.blocks_each),
                    .tcbs = p.broadcasters + p.slaves + 2,
                    .costs = p.costs,
                    .bugs = bugs};
}
}  // namespace

std::unique_ptr<Broadcasters> build_broadcasters(sim::World& w, sim::Cpu& cpu, const BroadcastersParams& p,
                                                 const Bugs& bugs, const std::vector<sim::Cpu*>& slave_cpus) {
  if (p.broadcasters == 0 || p.messages_each == 0 || p.slaves == 0 || p.block_size < 8 || p.max_msg_priority == 0) {
    w.usage_error(
        "rtos broadcasters: needs broadcasters, messages_each, slaves, max_msg_priority >= 1 and block_size >= 8");
  }
  auto wl = std::make_unique<Broadcasters>();
  wl->params_ = p;
  wl->seen.resize(p.slaves);
  const RtosConfig config = config_for(p, bugs);
  wl->os_ = std::make_unique<Rtos>(w, detail::rtos_memory(w, cpu, slave_cpus, p.shared_memory_bytes), config);
  Rtos& os = *wl->os_;
  wl->parts_ = std::make_unique<Broadcasters::Parts>();
  Broadcasters::Parts* P = wl->parts_.get();
  P->requests = &os.create_exchange("requests", ExchangeType::Normal);
  P->bx = &os.create_exchange("bx", ExchangeType::Broadcast);
  P->semT = std::make_unique<sim::ThresholdSemaphore>(w, "semT", p.slaves);
  P->semG = std::make_unique<sim::Gate>(w, "semG");
  for (std::uint32_t b = 0; b < p.broadcasters; ++b) {
    P->pools.push_back(&os.create_pool("bpool" + std::to_string(b), p.block_size, p.blocks_each));
    P->done.push_back(std::make_unique<sim::Semaphore>(w, "done" + std::to_string(b), 0, 1));
    P->reply.push_back(os.add_reply(*P->done.back()));
  }
  Broadcasters* self = wl.get();
  const std::uint32_t total = p.broadcasters * p.messages_each;

  for (std::uint32_t b = 0; b < p.broadcasters; ++b) {
    os.create_task(cpu, "broadcaster" + std::to_string(b), p.broadcaster_priority + static_cast<int>(b),
                   [self, P, &os, p, b](sim::Ctx cx) -> sim::Task<> {
                     for (std::uint32_t k = 0; k < p.messages_each; ++k) {
                       const Addr msg = co_await os.msg_get(*P->pools[b]);
                       IPCSIM_ASSERT_MSG(msg != kNull, "a broadcaster has one message out at a time");
                       os.msg_write(msg, 0, detail::word_bytes(b * 1000 + k));
                       os.msg_set_reply(msg, P->reply[b]);
                       const auto prio = static_cast<std::uint32_t>(1 + cx.world().rng().below(p.max_msg_priority));
                       co_await P->requests->send(msg, prio);
                       co_await P->done[b]->wait();  // the master broadcast it
                       ++self->replies;
                     }
                   });
  }
  os.create_task(cpu, "master", p.master_priority, [self, P, &os, total](sim::Ctx) -> sim::Task<> {
    for (std::uint32_t n = 0; n < total; ++n) {
      const Received r = co_await P->requests->receive();  // highest priority first
      co_await P->bx->send(r.msg);
      co_await P->semT->wait();
      ++self->rounds;
      co_await os.msg_reply(r.msg);
      co_await os.msg_rel(r.msg);  // back to its broadcaster's pool, which the master never knew
      co_await P->semG->pulse();
    }
  });
  const bool gate = !bugs.broadcast_without_gate;
  for (std::uint32_t i = 0; i < p.slaves; ++i) {
    sim::Cpu& slave_cpu = slave_cpus.empty() ? cpu : *slave_cpus[i % slave_cpus.size()];
    os.create_task(slave_cpu, "slave" + std::to_string(i), p.slave_priority,
                   [self, P, &os, p, i, total, gate](sim::Ctx cx) -> sim::Task<> {
                     for (std::uint32_t n = 0; n < total; ++n) {
                       const Received r = co_await P->bx->receive();
                       std::vector<std::byte> word(4);
                       os.msg_read(r.msg, 0, word);
                       self->seen[i].push_back(detail::word_of(word));
                       co_await cx.compute(p.slave_work);
                       if (gate) {
                         co_await end_round(*P->semT, *P->semG, p.interlock);
                       } else {
                         co_await P->semT->signal();
                       }
                     }
                   },
                   {.daemon = !gate});
  }
  return wl;
}

std::size_t memory_needed(const BroadcastersParams& p) {
  return Rtos::bytes_needed(config_for(p, {})) + 2 * Exchange::bytes_needed() +
         p.broadcasters * BlockPool::bytes_needed(p.block_size, p.blocks_each);
}

std::string Broadcasters::check() const {
  const std::uint32_t total = params_.broadcasters * params_.messages_each;
  if (replies != total) return "broadcasters: " + std::to_string(replies) + " of " + std::to_string(total) + " replies";
  if (rounds != total) return "broadcasters: " + std::to_string(rounds) + " of " + std::to_string(total) + " rounds";
  for (std::uint32_t i = 0; i < params_.slaves; ++i) {
    if (seen[i] != seen[0] || seen[i].size() != total) {
      return "broadcasters: slave" + std::to_string(i) + " did not see every message exactly once";
    }
  }
  for (const BlockPool* pool : parts_->pools) {
    if (pool->free_count() != params_.blocks_each) return "broadcasters: a broadcaster's pool is not full at the end";
  }
  return "";
}

}  // namespace ipcsim::rtos::workloads

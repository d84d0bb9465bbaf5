// Workload 3: broadcast rounds with semT and semG (workloads.hpp).
#include <algorithm>

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/pipe.hpp"
#include "impl/rtos/sync.hpp"
#include "impl/rtos/workload_support.hpp"
#include "impl/rtos/workloads.hpp"
#include "sim/gate.hpp"
#include "sim/semaphore.hpp"

namespace ipcsim::rtos::workloads {

struct Broadcast::Parts {
  BlockPool* pool = nullptr;
  Exchange* bx = nullptr;
  Exchange* out = nullptr;
  std::unique_ptr<sim::ThresholdSemaphore> semT;
  std::unique_ptr<sim::Gate> semG;
  std::uint32_t master_rounds = 0;
};

Broadcast::~Broadcast() = default;

namespace {
// Body layout: [0, 4) the round number, [8 + 4 i, 12 + 4 i) slave i's section.
constexpr std::uint32_t kSectionBase = 8;
}  // namespace

namespace {
// Control-block pools sized for this workload (limits named in RtosConfig).
RtosConfig config_for(const BroadcastParams& p, const Bugs& bugs) {
  return RtosConfig{.tcbs = p.slaves + p.late_readers + 3, .costs = p.costs, .bugs = bugs};
}
}  // namespace

std::unique_ptr<Broadcast> build_broadcast(sim::World& w, sim::Cpu& cpu, const BroadcastParams& p, const Bugs& bugs,
                                           const std::vector<sim::Cpu*>& slave_cpus) {
  if (p.slaves == 0 || p.rounds == 0 || p.block_size < kSectionBase + 4 * p.slaves) {
    w.usage_error("rtos broadcast: needs slaves >= 1, rounds >= 1 and block_size >= 8 + 4 * slaves");
  }
  auto wl = std::make_unique<Broadcast>();
  wl->params_ = p;
  wl->rounds_seen.resize(p.slaves);
  wl->bodies_seen.resize(p.slaves);
  const RtosConfig config = config_for(p, bugs);
  wl->os_ = std::make_unique<Rtos>(w, detail::rtos_memory(w, cpu, slave_cpus, p.shared_memory_bytes), config);
  Rtos& os = *wl->os_;
  wl->parts_ = std::make_unique<Broadcast::Parts>();
  Broadcast::Parts* P = wl->parts_.get();
  P->pool = &os.create_pool("bcast", p.block_size, 2);
  P->bx = &os.create_exchange("bx", ExchangeType::Broadcast);
  P->out = &os.create_exchange("assembled", ExchangeType::Normal);
  P->semT = std::make_unique<sim::ThresholdSemaphore>(w, "semT", p.slaves);
  P->semG = std::make_unique<sim::Gate>(w, "semG");
  Broadcast* self = wl.get();

  const bool pulse_first = bugs.broadcast_pulse_before_send;
  os.create_task(cpu, "master", p.master_priority, [P, &os, p, pulse_first](sim::Ctx) -> sim::Task<> {
    const Addr msg = co_await os.msg_get(*P->pool);
    IPCSIM_ASSERT(msg != kNull);
    os.msg_write(msg, 0, detail::word_bytes(1));
    co_await P->bx->send(msg);
    for (std::uint32_t r = 1; r <= p.rounds; ++r) {
      co_await P->semT->wait();  // every slave is done with round r
      ++P->master_rounds;
      if (pulse_first) co_await P->semG->pulse();  // the broken variant: round r is still on show
      if (r < p.rounds) {
        // Change the body and broadcast it again before the gate opens.
        os.msg_write(msg, 0, detail::word_bytes(r + 1));
        co_await P->bx->send(msg);
      } else {
        // The slaves assembled their sections: forward it (it leaves the exchange).
        co_await P->out->send(msg);
      }
      if (!pulse_first) co_await P->semG->pulse();
    }
  });
  const bool gate = !bugs.broadcast_without_gate;
  const bool peek = bugs.broadcast_peek_then_gate;
  for (std::uint32_t i = 0; i < p.slaves; ++i) {
    sim::Cpu& slave_cpu = slave_cpus.empty() ? cpu : *slave_cpus[i % slave_cpus.size()];
    // Each slave draws its work from a generator of its own: drawing from the
    // World's would make every slave's step depend on the others' order.
    sim::Rng work(w.seed() ^ (0x9e3779b97f4a7c15ULL * (i + 1)));
    os.create_task(slave_cpu, "slave" + std::to_string(i), p.slave_priority,
                   [self, P, &os, p, i, gate, peek, work](sim::Ctx cx) mutable -> sim::Task<> {
                     for (std::uint32_t r = 1; r <= p.rounds; ++r) {
                       const Received got = co_await P->bx->receive();
                       std::vector<std::byte> word(4);
                       os.msg_read(got.msg, 0, word);
                       self->rounds_seen[i].push_back(got.round);
                       self->bodies_seen[i].push_back(detail::word_of(word));
                       // Each slave may alter its own section of the body (distributed assembly).
                       os.msg_write(got.msg, kSectionBase + 4 * i, detail::word_bytes(1000 * (i + 1) + got.round));
                       co_await cx.compute(detail::between(work, p.slave_work_min, p.slave_work_max));
                       if (peek) {
                         // The broken variant: wait at the gate only if round r + 1 is not
                         // on show yet. The answer can be stale by the time of the wait.
                         co_await P->semT->signal();
                         if (co_await P->bx->peek() != got.round + 1) co_await P->semG->wait();
                       } else if (gate) {
                         co_await end_round(*P->semT, *P->semG, p.interlock);
                       } else {
                         co_await P->semT->signal();  // the broken variant: straight back to the exchange
                       }
                     }
                   });
  }
  for (std::uint32_t i = 0; i < p.late_readers; ++i) {
    os.create_task(cpu, "reader" + std::to_string(i), p.late_reader_priority,
                   [self, P, &os](sim::Ctx) -> sim::Task<> {
                     const Received got = co_await P->bx->receive();
                     std::vector<std::byte> word(4);
                     os.msg_read(got.msg, 0, word);
                     self->late_rounds.push_back(got.round);
                   },
                   {.daemon = true});  // after the last round it waits for a broadcast that never comes
  }
  os.create_task(cpu, "sink", p.sink_priority,
                 [self, P, &os, p](sim::Ctx) -> sim::Task<> {
                   const Received got = co_await P->out->receive();
                   bool ok = true;
                   for (std::uint32_t i = 0; i < p.slaves; ++i) {
                     std::vector<std::byte> word(4);
                     os.msg_read(got.msg, kSectionBase + 4 * i, word);
                     ok = ok && detail::word_of(word) == 1000 * (i + 1) + p.rounds;
                   }
                   self->sink_verified = ok;
                   co_await os.msg_rel(got.msg);
                 },
                 {.daemon = true});
  return wl;
}

std::size_t memory_needed(const BroadcastParams& p) {
  return Rtos::bytes_needed(config_for(p, {})) + BlockPool::bytes_needed(p.block_size, 2) +
         2 * Exchange::bytes_needed();
}

std::string Broadcast::check() const {
  std::vector<std::uint32_t> all(params_.rounds);
  for (std::uint32_t r = 0; r < params_.rounds; ++r) all[r] = r + 1;
  for (std::uint32_t i = 0; i < params_.slaves; ++i) {
    if (rounds_seen[i] != all) return "broadcast: slave" + std::to_string(i) + " did not see each round once, in order";
    if (bodies_seen[i] != all) return "broadcast: slave" + std::to_string(i) + " read a body of another round";
  }
  if (parts_->master_rounds != params_.rounds) return "broadcast: the master did not complete every round";
  if (!sink_verified) return "broadcast: the assembled message lacks a slave's section";
  if (parts_->pool->free_count() != 2) return "broadcast: pool not full at the end";
  return "";
}

}  // namespace ipcsim::rtos::workloads

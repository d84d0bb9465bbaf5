// Workload 1: the interrupt-to-task pipeline (workloads.hpp).
#include <algorithm>

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/interrupt.hpp"
#include "impl/rtos/pipe.hpp"
#include "impl/rtos/workload_support.hpp"
#include "impl/rtos/workloads.hpp"

namespace ipcsim::rtos::workloads {

Workload::~Workload() = default;

struct Pipeline::Parts {
  BlockPool* general = nullptr;
  BlockPool* rx = nullptr;
  Pipe* rxq = nullptr;
  Pipe* txq = nullptr;
  Exchange* net = nullptr;
  Exchange* app = nullptr;
  std::unique_ptr<InterruptLine> irq;
  std::uint32_t to_output = 0;
};

Pipeline::~Pipeline() = default;

namespace {
// Control-block pools sized for this workload (limits named in RtosConfig).
RtosConfig config_for(const PipelineParams& p, const Bugs& bugs) {
  return RtosConfig{.mcbs = std::max(128u, p.rx_blocks + p.general_blocks), .tcbs = 6, .costs = p.costs, .bugs = bugs};
}
}  // namespace

std::unique_ptr<Pipeline> build_pipeline(sim::World& w, sim::Cpu& cpu, const PipelineParams& p, const Bugs& bugs) {
  if (p.block_size < p.max_bytes || p.min_bytes < kPacketHeader || p.min_bytes > p.max_bytes) {
    w.usage_error("rtos pipeline: packets of " + std::to_string(p.min_bytes) + ".." + std::to_string(p.max_bytes) +
                  " bytes need blocks of at least max_bytes and min_bytes >= " + std::to_string(kPacketHeader));
  }
  auto wl = std::make_unique<Pipeline>();
  wl->params_ = p;
  const RtosConfig config = config_for(p, bugs);
  wl->os_ = std::make_unique<Rtos>(w, cpu.memory(), config);
  Rtos& os = *wl->os_;
  wl->parts_ = std::make_unique<Pipeline::Parts>();
  Pipeline::Parts* P = wl->parts_.get();
  // The general pool comes first: a size-based guess at the pool finds it.
  P->general = &os.create_pool("general", p.block_size, p.general_blocks);
  P->rx = &os.create_pool("rx", p.block_size, p.rx_blocks);
  P->rxq = &os.create_pipe("rxq", p.pipe_capacity);
  // Two words (dbp, pool) per packet going out; at most rx_blocks packets exist.
  P->txq = &os.create_pipe("txq", 2 * p.rx_blocks);
  P->net = &os.create_exchange("net", ExchangeType::Normal);
  P->app = &os.create_exchange("app", ExchangeType::Pass);
  P->irq = std::make_unique<InterruptLine>(w, "nic.irq", p.fifo_limit);
  schedule_packets(w, *P->irq,
                   {.count = p.packets,
                    .first_at = sim::kTimeZero + p.first_at,
                    .period = p.period,
                    .jitter = p.jitter,
                    .min_bytes = p.min_bytes,
                    .max_bytes = p.max_bytes,
                    .priorities = p.packet_priorities});
  Pipeline* self = wl.get();

  // Data link layer, interrupt level: bare blocks only, never waits but for the line.
  w.spawn(cpu, "isr",
          [self, P, &os](sim::Ctx) -> sim::Task<> {
            for (;;) {
              const Packet pkt = co_await P->irq->wait();
              const Addr dbp = os.block_get_bare_now(*P->rx);
              if (dbp == kNull) {
                ++self->stats.no_block;
                continue;
              }
              os.block_write(dbp, pkt.bytes);
              if (!P->rxq->put_now(dbp)) {
                os.block_rel_bare_now(*P->rx, dbp);
                ++self->stats.pipe_full;
              }
            }
          },
          {.priority = p.isr_priority, .daemon = true, .may_block = false});

  // Data link layer, task level: the one layer that knows the rx pool.
  os.create_task(cpu, "link", p.link_priority,
                 [self, P, &os](sim::Ctx) -> sim::Task<> {
                   for (;;) {
                     const Addr dbp = co_await P->rxq->get();
                     const Addr msg = co_await os.msg_make(*P->rx, dbp);
                     if (msg == kNull) {
                       co_await os.block_rel_bare(*P->rx, dbp);
                       ++self->stats.no_mcb;
                       continue;
                     }
                     std::vector<std::byte> head(kPacketHeader);
                     os.msg_read(msg, 0, head);
                     co_await P->net->send(msg, parse_packet(head.data(), kPacketHeader).priority);
                   }
                 },
                 {.daemon = true});

  // Network layer: looks at the header, passes the message up by priority.
  os.create_task(cpu, "net", p.net_priority,
                 [P, &os](sim::Ctx) -> sim::Task<> {
                   for (;;) {
                     const Received r = co_await P->net->receive();
                     std::vector<std::byte> head(kPacketHeader);
                     os.msg_read(r.msg, 0, head);
                     co_await P->app->send(r.msg);
                   }
                 },
                 {.daemon = true});

  // Application: runs at each packet's priority; releases without knowing the pool.
  const std::uint32_t output_every = p.output_every;
  const sim::Duration app_work = p.app_work;
  os.create_task(cpu, "app", p.app_priority,
                 [self, P, &os, output_every, app_work](sim::Ctx cx) -> sim::Task<> {
                   for (;;) {
                     const Received r = co_await P->app->receive();
                     self->stats.app_priority_seen.push_back(cx.priority());
                     std::vector<std::byte> body(r.bytes);
                     os.msg_read(r.msg, 0, body);
                     const PacketInfo info = parse_packet(body.data(), r.bytes);
                     if (info.intact) {
                       ++self->stats.delivered;
                     } else {
                       ++self->stats.corrupt;
                     }
                     co_await cx.compute(app_work);
                     if (output_every != 0 && info.seq % output_every == 0) {
                       ++P->to_output;
                       const Unmade u = co_await os.msg_unmake(r.msg);
                       const bool put_dbp = co_await P->txq->put(u.dbp);
                       const bool put_pool = co_await P->txq->put(u.pool);
                       IPCSIM_ASSERT_MSG(put_dbp && put_pool, "txq holds two words per rx block");
                     } else {
                       co_await os.msg_rel(r.msg);
                     }
                   }
                 },
                 {.daemon = true});

  // Output driver: sends the bare block, then releases it to the pool unmake named.
  const sim::Duration tx_time = p.tx_time;
  os.create_task(cpu, "tx", p.tx_priority,
                 [self, P, &os, tx_time](sim::Ctx cx) -> sim::Task<> {
                   for (;;) {
                     const Addr dbp = co_await P->txq->get();
                     const Addr pool = co_await P->txq->get();
                     co_await cx.compute(tx_time);
                     BodySource* origin = os.source_at(pool);
                     IPCSIM_ASSERT_MSG(origin != nullptr && origin->kind() == BodySource::Kind::Pool,
                                       "unmake names a pool");
                     co_await os.block_rel_bare(static_cast<BlockPool&>(*origin), dbp);
                     ++self->stats.output;
                   }
                 },
                 {.daemon = true});
  return wl;
}

std::uint64_t Pipeline::overruns() const { return parts_->irq->overruns(); }

std::size_t memory_needed(const PipelineParams& p) {
  return Rtos::bytes_needed(config_for(p, {})) + BlockPool::bytes_needed(p.block_size, p.general_blocks) +
         BlockPool::bytes_needed(p.block_size, p.rx_blocks) + Pipe::bytes_needed(p.pipe_capacity) +
         Pipe::bytes_needed(2 * p.rx_blocks) + 2 * Exchange::bytes_needed();
}

std::string Pipeline::check() const {
  const PipelineStats& s = stats;
  const std::uint64_t accounted = s.delivered + s.corrupt + s.no_block + s.pipe_full + s.no_mcb + overruns();
  if (accounted != params_.packets) {
    return "pipeline: " + std::to_string(accounted) + " of " + std::to_string(params_.packets) +
           " packets accounted for (delivered " + std::to_string(s.delivered) + ")";
  }
  if (s.corrupt != 0) return "pipeline: " + std::to_string(s.corrupt) + " packets arrived corrupt";
  if (s.output != parts_->to_output) {
    return "pipeline: " + std::to_string(s.output) + " of " + std::to_string(parts_->to_output) + " packets went out";
  }
  if (parts_->rx->free_count() != params_.rx_blocks) return "pipeline: rx pool not full at the end";
  return "";
}

}  // namespace ipcsim::rtos::workloads

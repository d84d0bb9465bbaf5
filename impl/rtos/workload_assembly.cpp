// Workload 4: multicast with proxies, distributed message assembly (workloads.hpp).
#include <algorithm>

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/pipe.hpp"
#include "impl/rtos/workload_support.hpp"
#include "impl/rtos/workloads.hpp"
#include "sim/semaphore.hpp"

namespace ipcsim::rtos::workloads {

struct Assembly::Parts {
  BlockPool* pool = nullptr;
  std::vector<Exchange*> servers;
  Exchange* out = nullptr;
  std::unique_ptr<sim::ThresholdSemaphore> semT;
  std::unique_ptr<sim::Semaphore> frames;  // free frames, as the client sees them
  std::uint32_t reply = 0;
  std::uint32_t forwarded = 0;
};

Assembly::~Assembly() = default;

namespace {
// Server s's section of the body: the header for s = 0, payload sections after it.
std::uint32_t section_offset(const AssemblyParams& p, std::uint32_t s) {
  return s == 0 ? 0 : p.header_bytes + (s - 1) * p.section_bytes;
}
std::uint32_t section_length(const AssemblyParams& p, std::uint32_t s) {
  return s == 0 ? p.header_bytes : p.section_bytes;
}
// What server s writes into message k: a recognisable pattern.
std::byte fill_byte(std::uint32_t s, std::uint32_t k) { return static_cast<std::byte>(0x10 * (s + 1) + (k & 0xF)); }
// The real message's body: the header and every payload section.
std::uint32_t frame_bytes(const AssemblyParams& p) { return p.header_bytes + (p.servers - 1) * p.section_bytes; }
}  // namespace

namespace {
// Control-block pools sized for this workload (limits named in RtosConfig).
RtosConfig config_for(const AssemblyParams& p, const Bugs& bugs) {
  return RtosConfig{
      .mcbs = std::max(128u, p.blocks * (p.servers + 1)), .tcbs = p.servers + 3, .costs = p.costs, .bugs = bugs};
}
}  // namespace

std::unique_ptr<Assembly> build_assembly(sim::World& w, sim::Cpu& cpu, const AssemblyParams& p, const Bugs& bugs) {
  if (p.servers == 0 || p.messages == 0 || p.header_bytes == 0 || p.section_bytes == 0) {
    w.usage_error("rtos assembly: needs servers, messages, header_bytes and section_bytes >= 1");
  }
  auto wl = std::make_unique<Assembly>();
  wl->params_ = p;
  const RtosConfig config = config_for(p, bugs);
  wl->os_ = std::make_unique<Rtos>(w, cpu.memory(), config);
  Rtos& os = *wl->os_;
  wl->parts_ = std::make_unique<Assembly::Parts>();
  Assembly::Parts* P = wl->parts_.get();
  P->pool = &os.create_pool("frames", frame_bytes(p), p.blocks);
  for (std::uint32_t s = 0; s < p.servers; ++s) {
    P->servers.push_back(
        &os.create_exchange(s == 0 ? "header.in" : "payload" + std::to_string(s) + ".in", ExchangeType::Normal));
  }
  P->out = &os.create_exchange("out", ExchangeType::Normal);
  const std::uint32_t threshold = bugs.assembly_threshold_off_by_one && p.servers > 1 ? p.servers - 1 : p.servers;
  P->semT = std::make_unique<sim::ThresholdSemaphore>(w, "semT", threshold);
  P->reply = os.add_reply(*P->semT);
  P->frames = std::make_unique<sim::Semaphore>(w, "frames", p.blocks);
  Assembly* self = wl.get();

  os.create_task(cpu, "client", p.client_priority, [P, &os, p](sim::Ctx) -> sim::Task<> {
    for (std::uint32_t k = 0; k < p.messages; ++k) {
      co_await P->frames->wait();  // a free frame (the sink gives them back)
      // An empty frame: the engine picks the pool by the size asked for (the frames pool).
      const Addr real = co_await os.msg_get_sized(frame_bytes(p));
      IPCSIM_ASSERT_MSG(real != kNull, "a frame credit stands for a free block");
      os.msg_set_priority(real, k);  // proxies inherit it: the message number, for the fill patterns
      for (std::uint32_t s = 0; s < p.servers; ++s) {
        const Addr proxy = co_await os.msg_make_proxy(real, section_offset(p, s), section_length(p, s));
        IPCSIM_ASSERT_MSG(proxy != kNull, "MCB pool too small for the proxies");
        os.msg_set_reply(proxy, P->reply);
        co_await P->servers[s]->send(proxy);
      }
      co_await P->semT->wait();  // every server has filled its section
      ++P->forwarded;
      co_await P->out->send(real);
    }
  });
  for (std::uint32_t s = 0; s < p.servers; ++s) {
    os.create_task(cpu, s == 0 ? "header" : "payload" + std::to_string(s), p.server_priority,
                   [P, &os, p, s](sim::Ctx cx) -> sim::Task<> {
                     for (;;) {
                       const Received r = co_await P->servers[s]->receive();
                       co_await cx.sleep(p.server_latency * (s + 1));  // fetching the data
                       std::vector<std::byte> fill(r.bytes, fill_byte(s, r.priority));
                       os.msg_write(r.msg, 0, fill);
                       // Done with the proxy: it goes (only its MCB) before the
                       // reply lets the client send the real message on, so no
                       // proxy is live when the sink releases it.
                       const std::uint32_t reply = os.msg_reply_handle(r.msg);
                       co_await os.msg_rel(r.msg);
                       co_await os.reply(reply);
                     }
                   },
                   {.daemon = true});
  }
  os.create_task(cpu, "sink", p.sink_priority,
                 [self, P, &os, p](sim::Ctx) -> sim::Task<> {
                   for (;;) {
                     const Received r = co_await P->out->receive();
                     std::vector<std::byte> frame(r.bytes);
                     os.msg_read(r.msg, 0, frame);
                     bool complete = true;
                     for (std::uint32_t s = 0; s < p.servers; ++s) {
                       for (std::uint32_t b = 0; b < section_length(p, s); ++b) {
                         complete = complete && frame[section_offset(p, s) + b] == fill_byte(s, r.priority);
                       }
                     }
                     ++(complete ? self->assembled : self->incomplete);
                     co_await os.msg_rel(r.msg);
                     co_await P->frames->signal();
                   }
                 },
                 {.daemon = true});
  return wl;
}

std::size_t memory_needed(const AssemblyParams& p) {
  return Rtos::bytes_needed(config_for(p, {})) + BlockPool::bytes_needed(frame_bytes(p), p.blocks) +
         (p.servers + 1) * Exchange::bytes_needed();
}

std::string Assembly::check() const {
  if (assembled != params_.messages) {
    return "assembly: " + std::to_string(assembled) + " of " + std::to_string(params_.messages) +
           " messages complete (" + std::to_string(incomplete) + " incomplete)";
  }
  if (parts_->pool->free_count() != params_.blocks) return "assembly: pool not full at the end";
  if (os().control_blocks_in_use() != 0) return "assembly: MCBs still in use at the end";
  return "";
}

}  // namespace ipcsim::rtos::workloads

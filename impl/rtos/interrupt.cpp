#include "impl/rtos/interrupt.hpp"

#include <cstring>
#include <memory>

#include "sim/state_hash.hpp"
#include "sim/world.hpp"

namespace ipcsim::rtos {

InterruptLine::InterruptLine(sim::World& world, std::string name, std::uint32_t fifo_limit)
    : Waitable(world, "interrupt_line", std::move(name)), fifo_limit_(fifo_limit) {
  IPCSIM_ASSERT(fifo_limit_ >= 1);
}

void InterruptLine::take(sim::World& w, const sim::Actor& isr, const Packet& p) {
  if (w.tracing())
    w.emit_for(isr, "rtos.irq.take", id(), {{"packet", p.seq}, {"bytes", p.bytes.size()}, {"flow_in", p.flow}});
}

void InterruptLine::raise(std::vector<std::byte> bytes) {
  sim::World& w = world();
  Packet p{++raised_, w.new_flow_id(), std::move(bytes)};
  if (w.tracing()) {
    w.emit("rtos.irq.raise", id(),
           {{"packet", p.seq}, {"bytes", p.bytes.size()}, {"pending", fifo_.size()}, {"flow_out", p.flow}});
  }
  if (sim::Actor* isr = waiters_.pop_front()) {
    auto* op = static_cast<WaitOp*>(isr->waiting_op);
    take(w, *isr, p);
    op->packet_ = std::move(p);
    w.wake(*isr, sim::WaitStatus::Ok);
    return;
  }
  if (fifo_.size() >= fifo_limit_) {
    ++overruns_;
    if (w.tracing()) w.emit("rtos.irq.overrun", id(), {{"packet", p.seq}, {"fifo_limit", fifo_limit_}});
    return;
  }
  fifo_.push_back(std::move(p));
}

void InterruptLine::WaitOp::apply(sim::World& w, sim::Actor& self) {
  InterruptLine& line = *line_;
  w.touch(line.id(), sim::AccessMode::Write);
  if (!line.fifo_.empty()) {
    packet_ = line.fifo_.pop_front();
    line.take(w, self, packet_);
    return;
  }
  // The one wait an ISR may make: allowed for the length of this block only.
  const bool may_block = self.may_block;
  self.may_block = true;
  w.block(self, *this, &line, line.waiters_, std::nullopt);
  self.may_block = may_block;
}

std::string InterruptLine::WaitOp::describe(const sim::World& w) const {
  return "wait for interrupt '" + std::string(w.object_name(line_->id())) + "'";
}

// ---- Packets ---------------------------------------------------------------------------------

namespace {
void put32(std::byte* at, std::uint32_t v) { std::memcpy(at, &v, 4); }
std::uint32_t get32(const std::byte* at) {
  std::uint32_t v;
  std::memcpy(&v, at, 4);
  return v;
}
std::uint32_t checksum(const std::byte* data, std::uint32_t n) {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (std::uint32_t i = 0; i < n; ++i) h = (h ^ static_cast<std::uint32_t>(data[i])) * 16777619u;
  return h;
}
}  // namespace

std::vector<std::byte> make_packet(std::uint32_t seq, std::uint32_t priority, std::uint32_t bytes,
                                   std::uint64_t payload_seed) {
  IPCSIM_ASSERT(bytes >= kPacketHeader);
  std::vector<std::byte> p(bytes);
  sim::Rng rng(payload_seed);
  for (std::uint32_t i = kPacketHeader; i < bytes; ++i) p[i] = static_cast<std::byte>(rng.next() & 0xFF);
  put32(&p[0], seq);
  put32(&p[4], bytes);
  put32(&p[8], priority);
  put32(&p[12], checksum(p.data() + kPacketHeader, bytes - kPacketHeader));
  return p;
}

PacketInfo parse_packet(const std::byte* data, std::uint32_t capacity) {
  PacketInfo info;
  if (capacity < kPacketHeader) return info;
  info.seq = get32(data);
  info.bytes = get32(data + 4);
  info.priority = get32(data + 8);
  info.intact = info.bytes >= kPacketHeader && info.bytes <= capacity &&
                get32(data + 12) == checksum(data + kPacketHeader, info.bytes - kPacketHeader);
  return info;
}

void schedule_packets(sim::World& world, InterruptLine& line, const PacketPlan& plan) {
  IPCSIM_ASSERT(plan.min_bytes >= kPacketHeader && plan.min_bytes <= plan.max_bytes);
  IPCSIM_ASSERT(plan.priorities >= 1);
  sim::Instant t = plan.first_at;
  for (std::uint32_t i = 0; i < plan.count; ++i) {
    sim::Rng& rng = world.rng();
    sim::Instant at = t;
    if (plan.jitter > sim::Duration{0})
      at += sim::Duration{static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(sim::to_ns(plan.jitter))))};
    const auto bytes = static_cast<std::uint32_t>(plan.min_bytes + rng.below(plan.max_bytes - plan.min_bytes + 1));
    const auto priority = static_cast<std::uint32_t>(1 + rng.below(plan.priorities));
    auto packet = std::make_shared<std::vector<std::byte>>(make_packet(i + 1, priority, bytes, rng.next()));
    world.at(at, [&line, packet] { line.raise(std::move(*packet)); });
    t += plan.period;
  }
}

void InterruptLine::digest(sim::StateHash& h) const {
  h.add(raised_).add(overruns_).add(fifo_.size());
  for (std::size_t i = 0; i < fifo_.size(); ++i) h.add(fifo_[i].seq).add_bytes(fifo_[i].bytes);
}

}  // namespace ipcsim::rtos

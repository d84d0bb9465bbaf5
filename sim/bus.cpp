#include "sim/bus.hpp"

#include <algorithm>

#include "sim/state_hash.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

namespace {
constexpr std::uint32_t kDelayLevels = 4;
}

Bus::Bus(World& world, BusConfig config)
    : Waitable(world, "bus", config.name), config_(std::move(config)), connected_(world.cpu_count(), 0),
      group_(world.cpu_count(), -1) {
  IPCSIM_ASSERT(config_.queue_limit >= 1);
  IPCSIM_ASSERT(config_.faults.delay_min <= config_.faults.delay_max || config_.faults.delay_max == Duration{0});
  for (CpuId c : config_.cpus) connected_.at(c) = 1;
  if (world.tracing()) {
    std::string cpus;
    for (CpuId c : config_.cpus) cpus += (cpus.empty() ? "" : " ") + std::to_string(c);
    world.emit("bus.config", id(),
               {{"cpus", cpus}, {"latency_ns", to_ns(config_.latency)}, {"bytes_per_second", config_.bytes_per_second},
                {"queue_limit", config_.queue_limit}});
  }
}

bool Bus::connects(CpuId cpu) const { return cpu < connected_.size() && connected_[cpu] != 0; }

Duration Bus::tx_time(std::size_t bytes) const {
  if (config_.bytes_per_second == 0) return Duration{0};
  if (bytes == last_tx_bytes_) return last_tx_time_;
  last_tx_bytes_ = bytes;
  last_tx_time_ = compute_tx_time(bytes);
  return last_tx_time_;
}

Duration Bus::compute_tx_time(std::size_t bytes) const {
  // ceil(bytes * 1e9 / rate), in integers. A 128-bit division is a library
  // call (__udivti3) costing more than the rest of a send: use 64 bits
  // whenever the product fits, which gives the same quotient.
  constexpr std::uint64_t kNsPerSecond = 1'000'000'000;
  if (bytes <= (UINT64_MAX - config_.bytes_per_second) / kNsPerSecond) {
    return Duration{static_cast<std::int64_t>((bytes * kNsPerSecond + config_.bytes_per_second - 1) /
                                              config_.bytes_per_second)};
  }
  const unsigned __int128 ns = (static_cast<unsigned __int128>(bytes) * 1'000'000'000ULL + config_.bytes_per_second - 1) /
                               config_.bytes_per_second;
  return Duration{static_cast<std::int64_t>(ns)};
}

std::uint32_t Bus::new_flight() {
  if (!free_flights_.empty()) {
    const std::uint32_t i = free_flights_.back();
    free_flights_.pop_back();
    return i;
  }
  flights_.emplace_back();
  return static_cast<std::uint32_t>(flights_.size() - 1);
}

void Bus::schedule_arrival(World& w, std::uint32_t flight, Instant at) {
  w.at(at, &Bus::on_arrival, this, flight);
}

[[gnu::flatten]] void Bus::SendOp::apply(World& w, Actor& self) {
  Bus& b = *b_;
  w.touch(b.id(), AccessMode::Write);
  w.touch(to_->id(), AccessMode::Write);
  if (!b.connects(self.cpu->id())) {
    w.usage_error("actor " + w.describe_actor(self) + " sends on bus '" + std::string(b.name()) +
                  "', which does not reach " + std::string(self.cpu->name()));
  }
  if (!b.connects(to_->cpu().id())) {
    w.usage_error("actor " + w.describe_actor(self) + " sends to port '" + std::string(to_->name()) + "' on " +
                  std::string(to_->cpu().name()) + ", which bus '" + std::string(b.name()) + "' does not reach");
  }
  if (b.in_flight_ >= b.config_.queue_limit) {
    // Back-pressure: the bus transmits for us when a message lands (finish_flight).
    w.block(self, *this, &b, b.waiters_, std::nullopt);
    return;
  }
  b.transmit(w, self, *this);
}

std::string Bus::SendOp::describe(const World& w) const {
  return "send on bus '" + std::string(w.object_name(b_->id())) + "' (queue full)";
}

void Bus::transmit(World& w, Actor& sender, SendOp& op) {
  const std::uint32_t i = new_flight();
  Flight& f = flights_[i];
  f.active = true;
  f.cancelled = false;
  f.to = op.to_;
  f.msg.id = w.new_message_id(sender);
  f.msg.from = sender.cpu->id();
  f.msg.to = op.to_->id();
  f.msg.tag = op.tag_;
  f.msg.body = std::move(op.body_);
  f.msg.sent_at = w.now();
  f.msg.copy = 0;
  op.id_ = f.msg.id;
  ++in_flight_;
  ++counters_.sent;

  const Instant start = std::max(w.now(), tx_free_at_);
  f.tx_end = start + tx_time(f.msg.body.size());
  tx_free_at_ = f.tx_end;
  Instant arrival = f.tx_end + config_.latency;
  if (w.tracing()) {
    w.emit_for(sender, "bus.send", id(),
               {{"msg", f.msg.id}, {"to", f.msg.to}, {"bytes", f.msg.body.size()}, {"tag", f.msg.tag},
                {"arrive", to_ns(arrival)}, {"flow_out", f.msg.id}});
  }
  if (w.fault_point(ChoiceKind::FaultDelay, config_.faults.delay_ppm)) {
    Duration extra = config_.faults.delay_min;
    const Duration span = config_.faults.delay_max - config_.faults.delay_min;
    if (span > Duration{0}) {
      const std::uint32_t level = w.choose(ChoiceKind::DelayAmount, kDelayLevels);
      extra += span * level / (kDelayLevels - 1);
    }
    arrival += extra;
    ++counters_.delayed;
    if (w.tracing()) w.emit("bus.delay", id(), {{"msg", f.msg.id}, {"extra_ns", to_ns(extra)}, {"arrive", to_ns(arrival)}});
  }
  schedule_arrival(w, i, arrival);
}

void Bus::on_arrival(World& w, void* bus, std::uint64_t flight) {
  static_cast<Bus*>(bus)->land(w, static_cast<std::uint32_t>(flight));
}

void Bus::drop(World& w, const Flight& f, const char* reason) {
  ++counters_.dropped;
  if (w.tracing()) w.emit("bus.drop", id(), {{"msg", f.msg.id}, {"copy", f.msg.copy}, {"reason", reason}});
}

[[gnu::flatten]] void Bus::land(World& w, std::uint32_t i) {
  IPCSIM_ASSERT(i < flights_.size() && flights_[i].active);
  if (flights_[i].cancelled) {
    drop(w, flights_[i], "sender crashed");
    finish_flight(w, i);
    return;
  }
  // Reordering: another in-flight message to the same port may take this slot.
  if (config_.faults.reorder_ppm != 0) {
    std::vector<std::uint32_t> others;
    for (std::uint32_t k = 0; k < flights_.size(); ++k) {
      const Flight& g = flights_[k];
      if (k != i && g.active && !g.cancelled && g.to == flights_[i].to) others.push_back(k);
    }
    if (!others.empty() && w.fault_point(ChoiceKind::FaultReorder, config_.faults.reorder_ppm)) {
      std::sort(others.begin(), others.end(),
                [&](std::uint32_t a, std::uint32_t b) { return flights_[a].msg.id < flights_[b].msg.id; });
      const std::uint32_t pick =
          others.size() > 1 ? w.choose(ChoiceKind::MessageOrder, static_cast<std::uint32_t>(others.size())) : 0;
      Flight& g = flights_[others[pick]];
      ++counters_.reordered;
      if (w.tracing()) w.emit("bus.reorder", id(), {{"msg", g.msg.id}, {"overtakes", flights_[i].msg.id}});
      std::swap(flights_[i].msg, g.msg);
    }
  }
  Flight& f = flights_[i];
  Cpu& dst = f.to->cpu();
  if (!dst.up()) {
    drop(w, f, "destination down");
  } else if (split_ && partitioned(f.msg.from, dst.id())) {
    drop(w, f, "partition");
  } else if (w.fault_point(ChoiceKind::FaultDrop, config_.faults.drop_ppm)) {
    drop(w, f, "fault");
  } else {
    if (w.fault_point(ChoiceKind::FaultDuplicate, config_.faults.duplicate_ppm)) {
      const std::uint32_t d = new_flight();
      Flight& copy = flights_[d];
      Flight& orig = flights_[i];  // new_flight may have moved the vector
      copy.active = true;
      copy.cancelled = false;
      copy.to = orig.to;
      copy.msg = orig.msg;
      copy.msg.copy = orig.msg.copy + 1;
      copy.tx_end = w.now();
      ++in_flight_;
      ++counters_.duplicated;
      const Instant again = w.now() + std::max(Duration{1}, tx_time(copy.msg.body.size()));
      if (w.tracing()) w.emit("bus.duplicate", id(), {{"msg", copy.msg.id}, {"copy", copy.msg.copy}, {"arrive", to_ns(again)}});
      schedule_arrival(w, d, again);
    }
    Flight& g = flights_[i];
    ++counters_.delivered;
    if (w.tracing()) {
      w.emit("bus.deliver", id(),
             {{"msg", g.msg.id}, {"copy", g.msg.copy}, {"to", g.msg.to}, {"latency_ns", to_ns(w.now() - g.msg.sent_at)}});
    }
    g.to->deliver(std::move(g.msg));
  }
  finish_flight(w, i);
}

void Bus::finish_flight(World& w, std::uint32_t i) {
  Flight& f = flights_[i];
  f.active = false;
  // Its bytes go now; the other fields wait for the next use of the slot,
  // which writes them all (transmit, or a duplicate's copy of its message).
  f.msg.body.clear();
  free_flights_.push_back(i);
  IPCSIM_ASSERT(in_flight_ > 0);
  --in_flight_;
  // A freed slot goes to the first sender waiting for one.
  if (Actor* sender = waiters_.pop_front()) {
    auto* op = static_cast<SendOp*>(sender->waiting_op);
    transmit(w, *sender, *op);
    w.wake(*sender, WaitStatus::Ok);
  }
}

void Bus::partition(const std::vector<std::vector<CpuId>>& groups) {
  std::fill(group_.begin(), group_.end(), -1);
  split_ = true;
  std::string text;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (g != 0) text += " | ";
    for (CpuId c : groups[g]) {
      group_.at(c) = static_cast<int>(g);
      text += std::to_string(c) + " ";
    }
  }
  World& w = world();
  if (w.tracing()) w.emit("bus.partition", id(), {{"groups", text}});
}

void Bus::heal() {
  std::fill(group_.begin(), group_.end(), -1);
  split_ = false;
  World& w = world();
  if (w.tracing()) w.emit("bus.heal", id());
}

bool Bus::partitioned(CpuId a, CpuId b) const {
  IPCSIM_ASSERT(a < group_.size() && b < group_.size());
  return group_[a] != group_[b];
}

void Bus::on_crash(CpuId cpu) {
  World& w = world();
  for (Flight& f : flights_) {
    // Still waiting for the medium or on it: the sender's traffic stops.
    if (f.active && !f.cancelled && f.msg.from == cpu && f.tx_end > w.now()) f.cancelled = true;
  }
}

void Bus::digest(StateHash& h) const {
  h.add(in_flight_).add(static_cast<std::uint64_t>(to_ns(tx_free_at_)));
  for (const Flight& f : flights_) {
    if (!f.active) continue;
    add_message(h, f.msg);
    h.add(f.to->id()).add(static_cast<std::uint64_t>(to_ns(f.tx_end))).add(f.cancelled ? 1 : 0);
  }
  for (int g : group_) h.add(static_cast<std::uint64_t>(static_cast<std::int64_t>(g)));
  h.add(counters_.sent).add(counters_.delivered).add(counters_.dropped).add(counters_.duplicated);
  h.add(counters_.delayed).add(counters_.reordered);
}

}  // namespace ipcsim::sim

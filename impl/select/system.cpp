// The System: a kernel and an agent per CPU, the I/O process, the device
// that injects external packets, the FIFO directory, and what every kernel
// holds when a run ends (the inventories).
#include <algorithm>

#include "impl/select/io_process.hpp"
#include "impl/select/kernel.hpp"
#include "sim/state_hash.hpp"

namespace ipcsim::select {

sim::Task<> run_agent(System& sys, Kernel& k, sim::Ctx cx);

System::System(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus, SelectConfig config)
    : world_(&w), bus_(&bus), config_(config), fifo_dir_object_(w.register_object("select.fifo_dir", "fifo_dir")) {
  sim::CpuId top = 0;
  for (sim::Cpu* c : cpus) top = std::max(top, c->id() + 1);
  kernels_.resize(top);
  if (w.tracing()) {
    w.emit("select.config", sim::kNoObject,
           {{"check_period_ns", sim::to_ns(config_.check_period)}, {"pipe_capacity", config_.pipe_capacity},
            {"latency_ns", sim::to_ns(bus.config().latency)}, {"cpus", cpus.size()},
            {"suspect_after", config_.suspect_after}, {"resend_period_ns", sim::to_ns(config_.resend_period)}});
  }
  for (sim::Cpu* c : cpus) {
    sim::Port& port = w.add_port(*c, "agent." + std::string(c->name()));
    kernels_[c->id()] = std::make_unique<Kernel>(*this, *c, port);
    Kernel& k = *kernels_[c->id()];
    spawn_agent(k);
    c->on_boot([this, &k](sim::Cpu&) {
      k.reset();
      spawn_agent(k);
    });
  }
  end_hook_ = w.add_end_hook([this] {
    sim::World& world = *world_;
    if (!world.tracing()) return;
    auto list = [](const auto& packets) {
      std::string out;
      for (auto p : packets) out += (out.empty() ? "" : " ") + std::to_string(p);
      return out;
    };
    for (const auto& k : kernels_) {
      if (!k || !k->cpu().up()) continue;
      for (const auto& [n, p] : k->pipes()) {
        world.emit("select.pipe.inventory", k->object(), {{"pipe", p.key.packed()}, {"buffered", p.data.size()}});
      }
      for (const auto& [key, s] : k->socks) {
        world.emit("select.shadow.inventory", k->object(), {{"sock", key}, {"cpu_id", k->id()}, {"packets", list(s.held)}});
      }
    }
    if (io_ && io_->cpu().up()) {
      for (const auto& [n, s] : io_->sockets()) {
        world.emit("select.sock.inventory", io_->object(), {{"sock", s.key.packed()}, {"packets", list(s.queue)}});
        if (s.out_bytes > 0) {
          world.emit("select.sock.out_inventory", io_->object(), {{"sock", s.key.packed()}, {"bytes", s.out_bytes}});
        }
        if (!s.oob.empty()) {
          world.emit("select.sock.oob_inventory", io_->object(), {{"sock", s.key.packed()}, {"packets", list(s.oob)}});
        }
      }
    }
  });
}

System::~System() { world_->remove_end_hook(end_hook_); }

void System::spawn_agent(Kernel& k) {
  sim::World& w = *world_;
  if (w.tracing()) w.emit("select.kernel.boot", k.object(), {{"cpu_id", k.id()}, {"incarnation", k.incarnation()}});
  w.spawn(
      k.cpu(), "agent." + std::string(k.cpu().name()),
      [this, &k](sim::Ctx cx) -> sim::Task<> {
        co_await run_agent(*this, k, cx);
      },
      sim::SpawnOptions{.daemon = true});
}

IoProcess& System::add_io_process(sim::Cpu& cpu) {
  IPCSIM_ASSERT_MSG(!io_, "one I/O process per system");
  io_ = std::make_unique<IoProcess>(*this, cpu);
  auto spawn = [this](sim::Cpu& c) {
    world_->spawn(
        c, "io." + std::string(c.name()), [this](sim::Ctx cx) -> sim::Task<> { co_await io_->run(cx); },
        sim::SpawnOptions{.daemon = true});
  };
  spawn(cpu);
  cpu.on_boot([this, spawn](sim::Cpu& c) {
    io_->reset();
    spawn(c);
  });
  return *io_;
}

void System::inject_packet(std::uint32_t port, sim::Instant at, bool urgent) {
  const std::uint64_t packet = ++packets_;
  world_->at(at, [this, port, packet, urgent] {
    if (!io_ || !io_->cpu().up()) return;  // the device's CPU is down: the packet is lost on the wire
    Words b;
    b.word(port).word(packet).word(urgent ? 1 : 0);
    sim::Message m;
    m.id = world_->new_message_id();
    m.from = io_->cpu().id();
    m.to = io_->port().id();
    m.tag = kPacket;
    m.body = std::move(b.bytes);
    m.sent_at = world_->now();
    io_->port().deliver(std::move(m));
  });
}

Kernel& System::kernel(sim::CpuId cpu) { return *kernels_.at(cpu); }
Kernel* System::kernel_if(sim::CpuId cpu) { return cpu < kernels_.size() ? kernels_[cpu].get() : nullptr; }

std::uint64_t System::state_digest() const {
  sim::StateHash h;
  for (const auto& k : kernels_) {
    if (k && k->cpu().up()) k->digest(h);
  }
  if (io_ && io_->cpu().up()) io_->digest(h);
  for (const auto& [name, key] : fifos_) h.add(name).add(key.packed());
  return h.value();
}

}  // namespace ipcsim::select

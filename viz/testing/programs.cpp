#include "viz/testing/programs.hpp"

#include <algorithm>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "model/monitor.hpp"
#include "sim/bus.hpp"
#include "sim/fault_plan.hpp"
#include "sim/jsonl_writer.hpp"
#include "sim/mutex.hpp"
#include "sim/port.hpp"
#include "sim/semaphore.hpp"
#include "sim/world.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::viz::testing {
namespace {

using namespace std::chrono_literals;
using sim::Ctx;
using sim::Task;

std::vector<std::byte> bytes(std::size_t n) { return std::vector<std::byte>(n); }

// The lost-message property: any drop is a violation.
class NoLoss final : public model::Monitor {
 public:
  NoLoss() : Monitor("no_loss") {}

 protected:
  void observe(const sim::TraceRecord& r) override {
    if (r.kind == "bus.drop") {
      violate(r, "message #" + std::to_string(r.field("msg")->as_int()) + " lost (" +
                     std::string(r.field("reason")->s) + ")");
    }
  }
};

}  // namespace

Trace parse(const std::string& jsonl, const std::string& source) {
  std::istringstream in(jsonl);
  return parse_trace(in, source);
}

const std::vector<std::string>& stored_program_names() {
  static const std::vector<std::string> names = {"ping_pong", "sync", "abba", "crash", "faults"};
  return names;
}

std::string stored_program_trace(const std::string& name) {
  if (name == "ping_pong") return ping_pong_trace();
  if (name == "sync") return sync_trace();
  if (name == "abba") return abba_trace();
  if (name == "crash") return crash_trace();
  if (name == "faults") return faults_trace();
  throw std::invalid_argument("no stored program named '" + name + "'");
}

std::string ping_pong_trace(std::uint64_t seed, int round_trips) {
  std::ostringstream out;
  {
    sim::JsonlWriter writer(out);
    sim::World w({.seed = seed});
    w.attach(writer);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Bus& bus = w.add_bus({.name = "bus0", .cpus = {0, 1}, .latency = 1us, .bytes_per_second = 1'000'000'000,
                               .faults = {.drop_ppm = 200'000, .duplicate_ppm = 200'000, .reorder_ppm = 300'000}});
    sim::Port& ping_in = w.add_port(c0, "ping.in");
    sim::Port& pong_in = w.add_port(c1, "pong.in");
    w.spawn(c0, "ping", [&bus, &ping_in, &pong_in, round_trips](Ctx) -> Task<> {
      for (int i = 0; i < round_trips; ++i) {
        co_await bus.send(pong_in, static_cast<std::uint32_t>(i), bytes(64));
        auto reply = co_await ping_in.recv_for(20us);
        (void)reply;
      }
    });
    w.spawn(c1, "pong", [&bus, &ping_in, &pong_in](Ctx) -> Task<> {
      for (;;) {
        auto m = co_await pong_in.recv_for(50us);
        if (!m) co_return;
        co_await bus.send(ping_in, m->tag, bytes(64));
      }
    });
    w.run();
  }
  return out.str();
}

std::string sync_trace() {
  std::ostringstream out;
  {
    sim::JsonlWriter writer(out);
    sim::World w({.seed = 11});
    w.attach(writer);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Semaphore items(w, "items", 0);
    sim::Mutex m(w, "m");
    w.spawn(c0, "producer", [&items](Ctx cx) -> Task<> {
      for (int i = 0; i < 2; ++i) {
        co_await cx.compute(1us);
        co_await items.signal();
      }
    }, {.priority = 2});
    w.spawn(c0, "consumer", [&items](Ctx) -> Task<> {
      for (int i = 0; i < 2; ++i) co_await items.wait();
    }, {.priority = 3});
    // The workers run on cpu1: worker_a holds m across a sleep, worker_b waits for it.
    w.spawn(c1, "worker_a", [&m](Ctx cx) -> Task<> {
      co_await m.lock();
      co_await cx.sleep(2us);
      co_await m.unlock();
    });
    w.spawn(c1, "worker_b", [&m](Ctx cx) -> Task<> {
      co_await cx.sleep(500ns);
      co_await m.lock();
      co_await cx.compute(500ns);
      co_await m.unlock();
    });
    w.spawn(c0, "irq", [](Ctx cx) -> Task<> {
      co_await cx.sleep(1500ns);
      co_await cx.compute(300ns);
    }, {.priority = 9});
    w.spawn(c1, "logger", [](Ctx cx) -> Task<> {
      co_await cx.sleep(4us);
      co_await cx.compute(1us);
    });
    w.run();
  }
  return out.str();
}

std::string abba_trace() {
  std::ostringstream out;
  {
    sim::JsonlWriter writer(out);
    sim::World w({.seed = 5});
    w.attach(writer);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Mutex a(w, "a");
    sim::Mutex b(w, "b");
    sim::Mutex c(w, "c");
    w.spawn(c0, "w1", [&a, &b, &c](Ctx cx) -> Task<> {
      co_await a.lock();
      co_await b.lock();
      co_await cx.compute(1us);
      co_await b.unlock();
      co_await a.unlock();
      co_await c.lock();
      co_await c.unlock();
    });
    w.spawn(c1, "w2", [&a, &b, &c](Ctx cx) -> Task<> {
      co_await cx.sleep(10us);
      co_await b.lock();
      co_await a.lock();
      co_await c.lock();
      co_await c.unlock();
      co_await a.unlock();
      co_await b.unlock();
    });
    w.run();
  }
  return out.str();
}

std::string crash_trace() {
  std::ostringstream out;
  {
    sim::JsonlWriter writer(out);
    sim::World w({.seed = 2});
    w.attach(writer);
    NoLoss no_loss;
    no_loss.attach(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Cpu& c2 = w.add_cpu({.name = "cpu2"});
    w.add_shared_region("table", 4096, {1, 2});
    sim::Bus& bus = w.add_bus({.name = "bus0", .cpus = {0, 1, 2}, .latency = 1us, .bytes_per_second = 100'000'000});
    sim::Port& master_in = w.add_port(c0, "master.in");
    sim::Port& in1 = w.add_port(c1, "worker1.in");
    sim::Port& in2 = w.add_port(c2, "worker2.in");
    sim::FaultPlan plan;
    plan.add({.type = sim::FaultType::CrashCpu, .cpu = 2, .at = sim::at_ns(2'500), .restart_after = 4us});
    plan.install(w);
    w.spawn(c0, "master", [&bus, &master_in, &in1, &in2](Ctx) -> Task<> {
      co_await bus.send(in1, 1, bytes(100));
      co_await bus.send(in2, 2, bytes(100));
      for (int i = 0; i < 2; ++i) {
        auto reply = co_await master_in.recv_for(10us);
        if (!reply) break;
      }
    });
    const auto worker = [&bus, &master_in](sim::Port& in) {
      return [&bus, &master_in, &in](Ctx cx) -> Task<> {
        auto job = co_await in.recv_for(20us);
        if (!job) co_return;
        co_await cx.compute(200ns);
        co_await bus.send(master_in, job->tag + 100, bytes(100));
      };
    };
    w.spawn(c1, "worker1", worker(in1));
    w.spawn(c2, "worker2", worker(in2));
    c2.on_boot([&w, worker, &in2](sim::Cpu& cpu) { w.spawn(cpu, "worker2", worker(in2)); });
    sim::RunResult r = w.run();
    no_loss.finish(r);
  }
  return out.str();
}

std::string faults_trace() {
  std::ostringstream out;
  {
    sim::JsonlWriter writer(out);
    sim::World w({.seed = 9});
    w.attach(writer);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Cpu& c2 = w.add_cpu({.name = "cpu2"});
    sim::Bus& bus = w.add_bus({.name = "bus0", .cpus = {0, 1, 2}, .latency = 1us, .bytes_per_second = 1'000'000'000,
                               .faults = {.delay_ppm = 1'000'000, .delay_min = 1us, .delay_max = 2us}});
    sim::Port& small = w.add_port(c1, "small.in", /*capacity=*/1);
    sim::Port& far = w.add_port(c2, "far.in");
    sim::Mutex a(w, "a");
    sim::Mutex b(w, "b");
    sim::FaultPlan plan;
    plan.add({.type = sim::FaultType::Partition, .bus = 0, .groups = {{0, 1}, {2}}, .at = sim::at_ns(4'000)});
    plan.add({.type = sim::FaultType::Heal, .bus = 0, .at = sim::at_ns(9'000)});
    plan.add({.type = sim::FaultType::KillActor, .actor = "idler", .at = sim::at_ns(2'000)});
    plan.install(w);
    w.spawn(c0, "flooder", [&bus, &small, &far](Ctx cx) -> Task<> {
      for (std::uint32_t i = 0; i < 3; ++i) co_await bus.send(small, i, bytes(32));
      co_await cx.sleep(4us);
      co_await bus.send(far, 9, bytes(32));  // into the partition
    });
    w.spawn(c1, "sleeper", [&small](Ctx cx) -> Task<> {
      co_await cx.sleep(20us);
      while (co_await small.recv_for(1us)) {
      }
    });
    w.spawn(c2, "idler", [](Ctx cx) -> Task<> { co_await cx.sleep(100us); });
    w.spawn(c0, "left", [&a, &b](Ctx cx) -> Task<> {
      co_await a.lock();
      co_await cx.sleep(1us);
      co_await b.lock();
    });
    w.spawn(c0, "right", [&a, &b](Ctx cx) -> Task<> {
      co_await b.lock();
      co_await cx.sleep(1us);
      co_await a.lock();
    });
    w.run();
  }
  return out.str();
}

namespace {

std::string bulk_run(int rounds, int cpus) {
  std::ostringstream out;
  {
    sim::JsonlWriter writer(out);
    sim::World w({.seed = 1});
    w.attach(writer);
    std::vector<sim::CpuId> ids;
    for (int c = 0; c < cpus; ++c) {
      w.add_cpu({.name = "cpu" + std::to_string(c)});
      ids.push_back(static_cast<sim::CpuId>(c));
    }
    sim::Bus& bus = w.add_bus({.name = "bus0", .cpus = ids, .latency = 1us, .bytes_per_second = 1'000'000'000,
                               .faults = {.drop_ppm = 1'000, .duplicate_ppm = 1'000, .reorder_ppm = 10'000}});
    const int pairs = cpus;
    std::vector<sim::Port*> ping_in, pong_in;
    for (int p = 0; p < pairs; ++p) {
      ping_in.push_back(&w.add_port(w.cpu(static_cast<sim::CpuId>(p % cpus)), "ping" + std::to_string(p) + ".in"));
      pong_in.push_back(&w.add_port(w.cpu(static_cast<sim::CpuId>((p + 1) % cpus)), "pong" + std::to_string(p) + ".in"));
    }
    for (int p = 0; p < pairs; ++p) {
      sim::Port& pi = *ping_in[static_cast<std::size_t>(p)];
      sim::Port& po = *pong_in[static_cast<std::size_t>(p)];
      w.spawn(pi.cpu(), "ping" + std::to_string(p), [&bus, &pi, &po, rounds](Ctx cx) -> Task<> {
        for (int i = 0; i < rounds; ++i) {
          co_await bus.send(po, static_cast<std::uint32_t>(i), bytes(64));
          auto reply = co_await pi.recv_for(20us);
          if (!reply) co_await cx.sleep(1us);
        }
      });
      w.spawn(po.cpu(), "pong" + std::to_string(p), [&bus, &pi, &po](Ctx cx) -> Task<> {
        for (;;) {
          auto m = co_await po.recv_for(100us);
          if (!m) co_return;
          co_await cx.compute(100ns);
          co_await bus.send(pi, m->tag, bytes(64));
        }
      });
    }
    w.run();
  }
  return out.str();
}

}  // namespace

std::string bulk_trace(std::size_t min_records, int cpus) {
  // About 12 records per round trip and pair; run again, longer, if short.
  int rounds = static_cast<int>(min_records / 12 / static_cast<std::size_t>(cpus)) + 1;
  for (;;) {
    std::string text = bulk_run(rounds, cpus);
    const auto records = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    if (records >= min_records) return text;
    rounds = static_cast<int>(static_cast<double>(rounds) * static_cast<double>(min_records) / static_cast<double>(records)) + 1;
  }
}

}  // namespace ipcsim::viz::testing

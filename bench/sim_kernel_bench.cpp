// Kernel throughput: message ping-pong over a bus, bare timer events, a
// million sleeping actors (memory per actor) and actors idle in a receive.
//
// Figures are real (wall-clock) rates of simulated work; the wall clock is only
// read by Google Benchmark, never by the simulation.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <vector>

#include "sim/bus.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

// Two actors on two CPUs bounce a 64-byte message over a 1 us, 1 GB/s bus.
void BM_PingPong(benchmark::State& state) {
  const auto round_trips = static_cast<int>(state.range(0));
  std::uint64_t messages = 0;
  for (auto _ : state) {
    World w;
    Cpu& c0 = w.add_cpu({.name = "cpu0"});
    Cpu& c1 = w.add_cpu({.name = "cpu1"});
    Bus& bus = w.add_bus({.name = "bus", .cpus = {0, 1}, .latency = 1us, .bytes_per_second = 1'000'000'000});
    Port& ping_in = w.add_port(c0, "ping.in");
    Port& pong_in = w.add_port(c1, "pong.in");
    w.spawn(c0, "ping", [&](Ctx) -> Task<> {
      for (int i = 0; i < round_trips; ++i) {
        co_await bus.send(pong_in, 0, Body(64));
        (void)co_await ping_in.recv();
      }
    });
    w.spawn(c1, "pong", [&](Ctx) -> Task<> {
      for (int i = 0; i < round_trips; ++i) {
        Message m = co_await pong_in.recv();
        co_await bus.send(ping_in, 0, std::move(m.body));
      }
    });
    const RunResult r = w.run();
    benchmark::DoNotOptimize(r.steps);
    messages += bus.counters().delivered;
  }
  state.counters["messages_per_second"] = benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PingPong)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Bare timer events: one callback re-arming itself `chain` times, optionally
// with `pending` far-future timers sitting in the queue all along.
struct Chain {
  std::int64_t left = 0;
  static void tick(World& w, void* ctx, std::uint64_t) {
    auto* self = static_cast<Chain*>(ctx);
    if (--self->left > 0) w.at(w.now() + 1ns, &Chain::tick, self, 0);
  }
};
void noop(World&, void*, std::uint64_t) {}

void BM_NullEvents(benchmark::State& state) {
  const std::int64_t chain = 1'000'000;
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    World w;
    for (std::uint64_t i = 0; i < pending; ++i) w.at(at_ns(1'000'000'000 + static_cast<std::int64_t>(i)), &noop, nullptr, 0, true);
    Chain c{chain};
    w.at(at_ns(1), &Chain::tick, &c, 0);
    state.ResumeTiming();
    const RunResult r = w.run({.horizon = at_ns(999'999'999)});
    events += r.events;
  }
  state.counters["events_per_second"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_NullEvents)->Arg(0)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Bytes in use from the heap and from mmap: glibc serves large blocks (an actor
// table, a ready queue) by mmap until a free raises its threshold, after which
// they come from the heap; counting both keeps the figure independent of what
// ran before.
std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// One million actors, each sleeping 1 us once, spawned at t=0 and run to the end.
// Peak heap per actor is sampled while they all sleep (frames, records, ready
// queue and the recorded choices all alive).
void BM_ManyActors(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  double bytes_per_actor = 0;
  for (auto _ : state) {
    const std::size_t before = heap_in_use();
    std::size_t peak = before;
    {
      World w;
      std::vector<Cpu*> cpus;
      for (int i = 0; i < 4; ++i) cpus.push_back(&w.add_cpu({.memory_bytes = 64}));
      for (int i = 0; i < n; ++i) {
        w.spawn(*cpus[static_cast<std::size_t>(i % 4)], "a", [](Ctx cx) -> Task<> { co_await cx.sleep(1us); });
      }
      w.at(at_ns(500), [&] { peak = std::max(peak, heap_in_use()); });
      const RunResult r = w.run();
      peak = std::max(peak, heap_in_use());
      benchmark::DoNotOptimize(r.steps);
    }
    bytes_per_actor = static_cast<double>(peak - before) / n;
  }
  state.counters["actors"] = n;
  state.counters["peak_bytes_per_actor"] = bytes_per_actor;
}
BENCHMARK(BM_ManyActors)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(1);

// Bytes per idle actor: 100,000 daemon actors on 4 CPUs, each blocked in a
// receive on its CPU's port (one wait queue per port), sampled once all block.
// What an actor costs while it waits for a message: its frame, its slot, its
// place in the wait queue, and the choices its first dispatch recorded.
void BM_IdleActors(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  double bytes_per_actor = 0;
  for (auto _ : state) {
    const std::size_t before = heap_in_use();
    std::size_t idle = before;
    {
      World w;
      std::vector<Cpu*> cpus;
      std::vector<Port*> ports;
      for (int i = 0; i < 4; ++i) {
        cpus.push_back(&w.add_cpu({.memory_bytes = 64}));
        ports.push_back(&w.add_port(*cpus.back(), "in"));
      }
      for (int i = 0; i < n; ++i) {
        Port* in = ports[static_cast<std::size_t>(i % 4)];
        w.spawn(*cpus[static_cast<std::size_t>(i % 4)], "a",
                [in](Ctx) -> Task<> { (void)co_await in->recv(); }, {.daemon = true});
      }
      w.at(at_ns(1), [&] { idle = heap_in_use(); });
      const RunResult r = w.run();
      benchmark::DoNotOptimize(r.steps);
    }
    bytes_per_actor = static_cast<double>(idle - before) / n;
  }
  state.counters["actors"] = n;
  state.counters["bytes_per_idle_actor"] = bytes_per_actor;
}
BENCHMARK(BM_IdleActors)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace ipcsim::sim

BENCHMARK_MAIN();

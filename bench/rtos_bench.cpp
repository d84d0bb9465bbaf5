// RTOS message management (seed 001): the native cost of its services.
//
// Every figure is real (wall-clock) time of the RTOS's code running inside an
// actor's step, as a task or ISR would call it, except the sim_* counters of
// BM_AllocationRatio, which read the simulated clock (the CPU time services
// charge, RtosCosts plus memory costs, as a run accumulates it). No observer
// is attached (an unobserved run builds no trace records), except where a
// benchmark says so.
//
//  - BM_BareGetRel: sb_BlockGet + sb_BlockRel on a base pool (the ISR's path).
//  - BM_MsgGetRel: MsgGet + MsgRel from a task (a block, an MCB, an owner).
//  - BM_BlockMakeUnmake / BM_MsgMakeUnmake: migration of an existing bare block
//    to a standard block / message and back (no copy).
//  - BM_BlockGetRel: BlockGet + BlockRel (standard block, BCB).
//  - BM_AllocationRatio: message vs bare allocation, measured side by side, in
//    real time and in simulated time (the World's clock after a task has done
//    the pairs as scheduling points: what RtosCosts and the memory charge).
//  - BM_BroadcastRound: a broadcast round to N slaves with semT/semG (workload
//    3): simulated steps, events and trace records per round, and real time.
#include <benchmark/benchmark.h>

#include <chrono>

#include "impl/rtos/rtos.hpp"
#include "impl/rtos/workloads.hpp"
#include "model/rtos/rtos_monitors.hpp"

namespace ipcsim::rtos {
namespace {

using namespace std::chrono_literals;

// A world with one CPU, an RTOS in its memory and one pool; `body` runs as a
// task (the benchmark loop lives inside its single step).
template <class Body>
void in_task(Body body) {
  sim::World w({.seed = 1});
  sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
  Rtos os(w, cpu.memory());
  BlockPool& pool = os.create_pool("p64", 64, 32);
  os.create_task(cpu, "bench", 1, [&](sim::Ctx) -> sim::Task<> {
    body(os, pool);
    co_return;
  });
  w.run();
}

void BM_BareGetRel(benchmark::State& state) {
  in_task([&](Rtos& os, BlockPool& pool) {
    for (auto _ : state) {
      const Addr dbp = os.block_get_bare_now(pool);
      benchmark::DoNotOptimize(dbp);
      os.block_rel_bare_now(pool, dbp);
    }
  });
}
BENCHMARK(BM_BareGetRel);

void BM_MsgGetRel(benchmark::State& state) {
  in_task([&](Rtos& os, BlockPool& pool) {
    for (auto _ : state) {
      const Addr msg = os.msg_get_now(pool);
      benchmark::DoNotOptimize(msg);
      os.msg_rel_now(msg);
    }
  });
}
BENCHMARK(BM_MsgGetRel);

void BM_BlockGetRel(benchmark::State& state) {
  in_task([&](Rtos& os, BlockPool& pool) {
    for (auto _ : state) {
      const Addr blk = os.block_get_now(pool);
      benchmark::DoNotOptimize(blk);
      os.block_rel_now(blk);
    }
  });
}
BENCHMARK(BM_BlockGetRel);

// BlockMake on an existing bare block, and BlockUnmake to get the bare block
// back for the next iteration (a make alone cannot be repeated on one block).
void BM_BlockMakeUnmake(benchmark::State& state) {
  in_task([&](Rtos& os, BlockPool& pool) {
    const Addr dbp = os.block_get_bare_now(pool);
    for (auto _ : state) {
      const Addr blk = os.block_make_now(pool, dbp);
      benchmark::DoNotOptimize(blk);
      benchmark::DoNotOptimize(os.block_unmake_now(blk));
    }
    os.block_rel_bare_now(pool, dbp);
  });
}
BENCHMARK(BM_BlockMakeUnmake);

void BM_MsgMakeUnmake(benchmark::State& state) {
  in_task([&](Rtos& os, BlockPool& pool) {
    const Addr dbp = os.block_get_bare_now(pool);
    for (auto _ : state) {
      const Addr msg = os.msg_make_now(pool, dbp);
      benchmark::DoNotOptimize(msg);
      benchmark::DoNotOptimize(os.msg_unmake_now(msg));
    }
    os.block_rel_bare_now(pool, dbp);
  });
}
BENCHMARK(BM_MsgMakeUnmake);

// Simulated time of `pairs` get + release pairs done by one task as awaited
// services (each a scheduling point), read from the World's clock at the end.
// `message`: MsgGet + MsgRel; otherwise bare BlockGet + BlockRel.
std::int64_t simulated_ns(int pairs, bool message) {
  sim::World w({.seed = 1});
  sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
  Rtos os(w, cpu.memory());
  BlockPool& pool = os.create_pool("p64", 64, 32);
  os.create_task(cpu, "bench", 1, [&os, &pool, pairs, message](sim::Ctx) -> sim::Task<> {
    for (int i = 0; i < pairs; ++i) {
      if (message) {
        const Addr msg = co_await os.msg_get(pool);
        co_await os.msg_rel(msg);
      } else {
        const Addr dbp = co_await os.block_get_bare(pool);
        co_await os.block_rel_bare(pool, dbp);
      }
    }
  });
  return sim::to_ns(w.run().end_time);
}

// The two allocations measured side by side in one run (the seed: message
// allocation is "substantially longer" than bare allocation).
void BM_AllocationRatio(benchmark::State& state) {
  constexpr int kPairs = 1 << 16;
  double bare_ns = 0;
  double msg_ns = 0;
  in_task([&](Rtos& os, BlockPool& pool) {
    for (auto _ : state) {
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < kPairs; ++i) {
        const Addr dbp = os.block_get_bare_now(pool);
        benchmark::DoNotOptimize(dbp);
        os.block_rel_bare_now(pool, dbp);
      }
      auto t1 = std::chrono::steady_clock::now();
      for (int i = 0; i < kPairs; ++i) {
        const Addr msg = os.msg_get_now(pool);
        benchmark::DoNotOptimize(msg);
        os.msg_rel_now(msg);
      }
      auto t2 = std::chrono::steady_clock::now();
      bare_ns += std::chrono::duration<double, std::nano>(t1 - t0).count() / kPairs;
      msg_ns += std::chrono::duration<double, std::nano>(t2 - t1).count() / kPairs;
    }
  });
  const auto n = static_cast<double>(state.iterations());
  state.counters["bare_ns_per_pair"] = bare_ns / n;
  state.counters["msg_ns_per_pair"] = msg_ns / n;
  state.counters["msg_over_bare"] = msg_ns / bare_ns;
  constexpr int kSimulatedPairs = 1000;
  const auto sim_bare = static_cast<double>(simulated_ns(kSimulatedPairs, false));
  const auto sim_msg = static_cast<double>(simulated_ns(kSimulatedPairs, true));
  state.counters["sim_bare_ns_per_pair"] = sim_bare / kSimulatedPairs;
  state.counters["sim_msg_ns_per_pair"] = sim_msg / kSimulatedPairs;
  state.counters["simulated_ratio"] = sim_msg / sim_bare;
}
BENCHMARK(BM_AllocationRatio)->Unit(benchmark::kMillisecond);

// A broadcast round to N slaves, counted in simulated work. Arg 0: slaves;
// arg 1: 1 to attach the three RTOS monitors (trace records are then built).
void BM_BroadcastRound(benchmark::State& state) {
  const auto slaves = static_cast<std::uint32_t>(state.range(0));
  const bool monitored = state.range(1) != 0;
  constexpr std::uint32_t kRounds = 20;
  std::uint64_t steps = 0, events = 0, records = 0, rounds = 0;
  struct Counter final : sim::Observer {
    std::uint64_t n = 0;
    void on_record(const sim::TraceRecord&) override { ++n; }
  };
  for (auto _ : state) {
    sim::World w({.seed = 1});
    Counter counter;
    model::rtos::RtosMonitors monitors;
    if (monitored) {
      w.attach(counter);
      monitors.attach(w);
    }
    sim::Cpu& cpu =
        w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 64 * 1024});
    auto wl = workloads::build_broadcast(w, cpu, {.slaves = slaves, .rounds = kRounds, .block_size = 8 + 4 * slaves});
    const sim::RunResult r = w.run();
    if (monitored) monitors.finish(r);
    if (!wl->check().empty() || !monitors.green()) state.SkipWithError("the broadcast workload failed");
    steps += r.steps;
    events += r.events;
    records += counter.n;
    rounds += kRounds;
  }
  state.counters["sim_steps_per_round"] = static_cast<double>(steps) / static_cast<double>(rounds);
  state.counters["sim_events_per_round"] = static_cast<double>(events) / static_cast<double>(rounds);
  if (monitored) state.counters["records_per_round"] = static_cast<double>(records) / static_cast<double>(rounds);
  state.counters["rounds_per_second"] = benchmark::Counter(static_cast<double>(rounds), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BroadcastRound)->Args({8, 0})->Args({8, 1})->Args({64, 0})->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ipcsim::rtos

BENCHMARK_MAIN();

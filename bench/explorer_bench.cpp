// Explorer throughput on kernel-level programs (model/explore/test_programs.hpp):
//  - BM_Replay: transitions per second when re-executing a recorded run (the
//    explorer's unit of work), on runs long enough to amortise building the World;
//  - BM_Exhaustive: a whole exhaustive exploration, without and with DPOR:
//    executions and transitions per second, and the executions of each (the
//    reduction factor is plain / dpor);
//  - BM_FuzzToFirstViolation: uniform random against PCT (d = 2) on a depth-2
//    bug: the median number of runs to the first violation over many seeds.
// The RTOS broadcast figures of issue 5 come once that scenario exists.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>

#include "model/explore/explorer.hpp"
#include "model/explore/fuzz.hpp"
#include "model/explore/random_program.hpp"
#include "model/explore/test_programs.hpp"
#include "sim/random_chooser.hpp"
#include "sim/replay_chooser.hpp"

namespace {

using namespace ipcsim;
using namespace ipcsim::explore;

std::unique_ptr<Program> program(int which) {
  switch (which) {
    case 0: return std::make_unique<testing::LostUpdate>(3, 2);
    case 1: return std::make_unique<testing::AtomicityViolation>(false);
    case 2: return std::make_unique<testing::AbbaDeadlock>();
    case 3: return std::make_unique<testing::IndependentActors>(4, 2);
    default: return std::make_unique<testing::RandomProgram>(16, testing::RandomShape{});
  }
}

void BM_Replay(benchmark::State& state) {
  // 3 racers x 300 increments: about 1,800 steps per run.
  testing::LostUpdate p(3, static_cast<int>(state.range(0)));
  sim::RandomChooser random(1);
  const Outcome recorded = run_once(p, random, {});
  std::uint64_t steps = 0;
  for (auto _ : state) {
    sim::ReplayChooser replay(recorded.choices);
    const Outcome o = run_once(p, replay, {});
    steps += o.steps;
    benchmark::DoNotOptimize(o.execution.outcome_hash);
  }
  state.counters["transitions/s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
  state.counters["steps/run"] = static_cast<double>(recorded.steps);
}
BENCHMARK(BM_Replay)->Arg(300)->Unit(benchmark::kMicrosecond);

void BM_Exhaustive(benchmark::State& state) {
  std::unique_ptr<Program> p = program(static_cast<int>(state.range(0)));
  ExploreOptions options;
  options.dpor = state.range(1) != 0;
  options.stop_on_violation = false;
  options.verify_counterexample = false;
  std::uint64_t executions = 0;
  std::uint64_t transitions = 0;
  ExploreReport last;
  for (auto _ : state) {
    last = exhaustive(*p, options);
    executions += last.executions;
    transitions += last.transitions;
  }
  state.SetLabel(p->name() + (options.dpor ? " dpor" : " plain"));
  state.counters["executions"] = static_cast<double>(last.executions);
  state.counters["redundant"] = static_cast<double>(last.redundant);
  state.counters["final_states"] = static_cast<double>(last.distinct_final_states);
  state.counters["executions/s"] = benchmark::Counter(static_cast<double>(executions), benchmark::Counter::kIsRate);
  state.counters["transitions/s"] = benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Exhaustive)
    ->ArgsProduct({{0, 1, 2, 3, 4}, {0, 1}})
    ->ArgNames({"program", "dpor"})
    ->Unit(benchmark::kMillisecond);

void BM_FuzzToFirstViolation(benchmark::State& state) {
  testing::Depth2Bug p(4);
  const auto policy = state.range(0) == 0 ? Policy::Random : Policy::Pct;
  constexpr std::uint64_t kSeeds = 101;
  std::vector<std::uint64_t> runs;
  std::uint64_t total_runs = 0;
  for (auto _ : state) {
    runs.clear();
    for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
      const FuzzReport r = fuzz(p, {.policy = policy, .depth = 2, .first_seed = seed, .max_runs = 100'000});
      runs.push_back(r.first ? r.first->execution : r.runs);
      total_runs += r.runs;
    }
  }
  std::sort(runs.begin(), runs.end());
  state.SetLabel(std::string(to_string(policy)) + ", depth2_bug(4), 101 seeds");
  state.counters["median_runs"] = static_cast<double>(runs[runs.size() / 2]);
  state.counters["runs/s"] = benchmark::Counter(static_cast<double>(total_runs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FuzzToFirstViolation)->Arg(0)->Arg(1)->ArgName("pct")->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();

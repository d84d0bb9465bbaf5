// The shared-memory platform (impl/shm) with random machines, workloads,
// crashes and schedules, under every monitor of model/shm: each run keeps
// every property green and leaves every allocator consistent.
// every property green, leaves every allocator consistent and ends quiescent
// (the kernel's deadlock_free: no process left waiting for good, within a
// step bound that turns a livelock into a failure too). Quiescence found the
// engine's deadlock of a receiver whose sender had ended while the engine
// had not yet released the last record the receiver had consumed (it counted
// that record as pending, waited, and the release woke nobody).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "impl/shm/workloads.hpp"
#include "model/shm/shm_monitors.hpp"

namespace ipcsim::shm::workloads {
namespace {

using namespace std::chrono_literals;

struct Crash {
  std::size_t cpu = 1;          // never cpu0: the engine's
  std::int64_t at_ns = 0;
  std::int64_t restart_ns = 0;  // 0: it stays down
};

struct Verdict {
  sim::RunOutcome outcome = sim::RunOutcome::Quiescent;
  std::string violations;  // "property: message" lines
  std::string consistency;
};

template <class Build>
Verdict judge(std::uint64_t seed, std::size_t cpus, const std::vector<Crash>& crashes, Build build) {
  Verdict v;
  sim::World w({.seed = seed});
  auto monitors = model::shm::all_shm_monitors();
  for (auto& m : monitors) m->attach(w);
  std::vector<sim::Cpu*> all;
  for (std::size_t i = 0; i < cpus; ++i) all.push_back(&w.add_cpu({.name = "cpu" + std::to_string(i)}));
  Placement p{all[0], {all.begin() + 1, all.end()}, all};
  auto wl = build(w, p);
  for (const Crash& c : crashes) {
    sim::Cpu* cpu = all[c.cpu];
    w.at(sim::at_ns(c.at_ns), [&w, cpu] {
      if (cpu->up()) w.crash(*cpu);
    });
    if (c.restart_ns != 0) {
      w.at(sim::at_ns(c.restart_ns), [&w, cpu] {
        if (!cpu->up()) w.restart(*cpu);
      });
    }
  }
  // A bound, so that a livelock shows as a failure instead of a hang.
  const sim::RunResult r = w.run({.max_steps = 200'000});
  v.outcome = r.outcome;
  for (auto& m : monitors) {
    m->finish(r);
    if (m->violated()) v.violations += m->property() + ": " + m->violation()->message + "\n";
  }
  v.consistency = wl->shm().check_consistency();
  return v;
}

void assert_green(const Verdict& v) {
  RC_LOG() << "outcome " << sim::to_string(v.outcome) << "\n" << v.violations;
  RC_TAG(std::string(sim::to_string(v.outcome)));
  RC_ASSERT(v.violations == "");
  RC_ASSERT(v.consistency == "");
  RC_ASSERT(v.outcome == sim::RunOutcome::Quiescent);
}

// Room for at least `processes` blocks when `all_at_once`: a transfers
// workload needs its pairs registered together (a sender that holds its block
// while it polls for a receiver left waiting for space is a livelock of the
// workload's making, not of the platform's); a storm may have fewer blocks than
// processes (the rest wait for space).
ShmConfig random_config(std::uint32_t processes, bool all_at_once) {
  ShmConfig cfg;
  cfg.min_block = std::uint64_t{64} << *rc::gen::inRange(0, 3);
  cfg.block_bytes = std::uint64_t{4096} << *rc::gen::inRange(0, 3);
  unsigned shift = *rc::gen::inRange(1, 4);  // room for 2 to 8 blocks
  while (all_at_once && (std::uint64_t{1} << shift) < processes) ++shift;
  cfg.data_bytes = cfg.block_bytes << shift;
  return cfg;
}

// Crashes (and maybe restarts) of process CPUs within the first `span_ns`.
std::vector<Crash> random_crashes(std::size_t cpus, std::int64_t span_ns) {
  std::vector<Crash> out;
  const int n = *rc::gen::inRange(0, 3);
  for (int i = 0; i < n; ++i) {
    Crash c;
    c.cpu = *rc::gen::inRange<std::size_t>(1, cpus);
    c.at_ns = *rc::gen::inRange<std::int64_t>(500, span_ns);
    if (*rc::gen::arbitrary<bool>()) c.restart_ns = c.at_ns + *rc::gen::inRange<std::int64_t>(1'000, 20'000);
    out.push_back(c);
  }
  return out;
}

TransfersParams random_transfers(std::uint32_t pairs, const ShmConfig& cfg) {
  TransfersParams params;
  params.pairs = pairs;
  params.sizes = *rc::gen::container<std::vector<std::uint64_t>>(
      *rc::gen::inRange<std::size_t>(1, 4), rc::gen::inRange<std::uint64_t>(1, cfg.block_bytes / 2));
  params.repeat = *rc::gen::inRange<std::uint32_t>(1, 3);
  params.gap = sim::Duration{*rc::gen::inRange<std::int64_t>(0, 2'000)};
  params.read_delay = sim::Duration{*rc::gen::inRange<std::int64_t>(0, 4'000)};
  params.snoop = *rc::gen::arbitrary<bool>();
  return params;
}

RC_GTEST_PROP(ShmEngine, TransfersKeepEveryPropertyGreen, ()) {
  const std::size_t cpus = *rc::gen::inRange<std::size_t>(2, 5);  // the engine on cpu0, processes on the others
  const std::uint32_t pairs = *rc::gen::inRange<std::uint32_t>(1, 4);
  const ShmConfig cfg = random_config(2 * pairs, true);
  const TransfersParams params = random_transfers(pairs, cfg);
  assert_green(judge(*rc::gen::arbitrary<std::uint64_t>(), cpus, {},
                     [&](sim::World& w, const Placement& p) { return build_transfers(w, p, cfg, params); }));
}

// It found, before the engine was fixed, a receiver whose CPU crashes between
// its shm.recv and its shm.loc.consume: the engine then failed that transfer
// (dst_terminated) after it was received, and no_loss reported it. Now
// shm.recv and shm.loc.consume are one step.
RC_GTEST_PROP(ShmEngine, TransfersUnderCrashesKeepEveryPropertyGreen, ()) {
  const std::size_t cpus = *rc::gen::inRange<std::size_t>(2, 5);
  const std::uint32_t pairs = *rc::gen::inRange<std::uint32_t>(1, 4);
  const ShmConfig cfg = random_config(2 * pairs, true);
  const TransfersParams params = random_transfers(pairs, cfg);
  const auto crashes = random_crashes(cpus, 30'000);
  assert_green(judge(*rc::gen::arbitrary<std::uint64_t>(), cpus, crashes,
                     [&](sim::World& w, const Placement& p) { return build_transfers(w, p, cfg, params); }));
}

RC_GTEST_PROP(ShmEngine, RegistrationStormsUnderCrashesKeepEveryPropertyGreen, ()) {
  const std::size_t cpus = *rc::gen::inRange<std::size_t>(2, 5);
  StormParams params;
  params.processes = *rc::gen::inRange<std::uint32_t>(1, 12);
  const ShmConfig cfg = random_config(params.processes, false);
  params.hold = sim::Duration{*rc::gen::inRange<std::int64_t>(0, 5'000)};
  const auto crashes = random_crashes(cpus, 15'000);
  assert_green(judge(*rc::gen::arbitrary<std::uint64_t>(), cpus, crashes,
                     [&](sim::World& w, const Placement& p) { return build_storm(w, p, cfg, params); }));
}

}  // namespace
}  // namespace ipcsim::shm::workloads

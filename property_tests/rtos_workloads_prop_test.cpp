// The canonical RTOS workloads with random parameters and random schedules:
// each ends quiescent, does its job, and keeps pool_origin, no_double_delivery
// and priority_pass green.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "impl/rtos/workloads.hpp"
#include "model/rtos/rtos_monitors.hpp"

namespace ipcsim::rtos::workloads {
namespace {

using namespace std::chrono_literals;

struct Verdict {
  sim::RunOutcome outcome = sim::RunOutcome::Quiescent;
  std::string check;
  std::string violation;
  std::string consistency;
};

// Runs a workload built on cpu0 (and `more_cpus` further CPUs, passed to the
// builder) under the three monitors.
template <class Build>
Verdict judge(std::uint64_t seed, Build build, int more_cpus = 0) {
  Verdict v;
  sim::World w({.seed = seed});
  model::rtos::RtosMonitors monitors;
  monitors.attach(w);
  sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 256 * 1024});
  std::vector<sim::Cpu*> others;
  for (int i = 1; i <= more_cpus; ++i) {
    others.push_back(&w.add_cpu({.name = "cpu" + std::to_string(i), .policy = sim::RunPolicy::PriorityPreemptive}));
  }
  auto wl = build(w, cpu, others);
  // A bound, so that a livelock shows as a failure instead of a hang.
  const sim::RunResult r = w.run({.max_steps = 1'000'000});
  monitors.finish(r);
  v.outcome = r.outcome;
  v.check = wl->check();
  v.consistency = wl->os().check_consistency();
  if (const model::Violation* first = monitors.first_violation()) v.violation = first->property + ": " + first->message;
  return v;
}

void assert_green(const Verdict& v) {
  RC_ASSERT(v.outcome == sim::RunOutcome::Quiescent);
  RC_ASSERT(v.violation == "");
  RC_ASSERT(v.check == "");
  RC_ASSERT(v.consistency == "");
}

sim::Duration ns(std::int64_t lo, std::int64_t hi) { return sim::Duration{*rc::gen::inRange<std::int64_t>(lo, hi)}; }

RC_GTEST_PROP(RtosWorkloads, Pipeline, ()) {
  PipelineParams p;
  p.packets = *rc::gen::inRange<std::uint32_t>(1, 40);
  p.period = ns(200, 8000);
  p.jitter = ns(0, 4000);
  p.min_bytes = *rc::gen::inRange<std::uint32_t>(16, 64);
  p.max_bytes = *rc::gen::inRange<std::uint32_t>(p.min_bytes, 256);
  p.rx_blocks = *rc::gen::inRange<std::uint32_t>(1, 10);
  p.pipe_capacity = *rc::gen::inRange<std::uint32_t>(1, 6);
  p.fifo_limit = *rc::gen::inRange<std::uint32_t>(1, 6);
  p.output_every = *rc::gen::inRange<std::uint32_t>(0, 5);
  p.app_work = ns(0, 3000);
  p.net_priority = *rc::gen::inRange(1, 50);  // anywhere relative to the packets' priorities
  const PipelineParams params = p;
  assert_green(
      judge(*rc::gen::arbitrary<std::uint64_t>(),
            [&](sim::World& w, sim::Cpu& c, const std::vector<sim::Cpu*>&) { return build_pipeline(w, c, params); }));
}

RC_GTEST_PROP(RtosWorkloads, PassChain, ()) {
  PassChainParams p;
  p.stages = *rc::gen::inRange<std::uint32_t>(1, 5);
  p.sources = *rc::gen::inRange<std::uint32_t>(1, 4);
  p.messages = *rc::gen::inRange<std::uint32_t>(p.sources, 20);
  p.min_msg_priority = *rc::gen::inRange<std::uint32_t>(1, 5);
  p.max_msg_priority = *rc::gen::inRange<std::uint32_t>(p.min_msg_priority, 12);
  p.stage_priority = *rc::gen::inRange(0, 8);
  p.source_priority = *rc::gen::inRange(0, 8);
  p.stage_work = ns(0, 3000);
  p.send_gap = ns(0, 2000);
  p.blocks = *rc::gen::inRange<std::uint32_t>(1, 8);
  const PassChainParams params = p;
  assert_green(
      judge(*rc::gen::arbitrary<std::uint64_t>(),
            [&](sim::World& w, sim::Cpu& c, const std::vector<sim::Cpu*>&) { return build_pass_chain(w, c, params); }));
}

RC_GTEST_PROP(RtosWorkloads, Broadcast, ()) {
  BroadcastParams p;
  p.slaves = *rc::gen::inRange<std::uint32_t>(1, 9);
  p.rounds = *rc::gen::inRange<std::uint32_t>(1, 6);
  // Slaves above, level with (the chooser decides) or below the master.
  p.master_priority = *rc::gen::inRange(3, 8);
  p.slave_priority = *rc::gen::inRange(3, 8);
  p.slave_work_min = ns(0, 1000);
  p.slave_work_max = p.slave_work_min + ns(0, 3000);
  const BroadcastParams params = p;
  const int more_cpus = *rc::gen::inRange(0, 4);  // slaves in parallel with the master
  assert_green(judge(
      *rc::gen::arbitrary<std::uint64_t>(),
      [&](sim::World& w, sim::Cpu& c, const std::vector<sim::Cpu*>& o) { return build_broadcast(w, c, params, {}, o); },
      more_cpus));
}

RC_GTEST_PROP(RtosWorkloads, Assembly, ()) {
  AssemblyParams p;
  p.messages = *rc::gen::inRange<std::uint32_t>(1, 6);
  p.servers = *rc::gen::inRange<std::uint32_t>(1, 5);
  p.section_bytes = *rc::gen::inRange<std::uint32_t>(1, 24);
  p.client_priority = *rc::gen::inRange(2, 7);
  p.server_priority = *rc::gen::inRange(2, 7);
  p.server_latency = ns(0, 2000);
  p.blocks = *rc::gen::inRange<std::uint32_t>(1, 4);
  const AssemblyParams params = p;
  assert_green(
      judge(*rc::gen::arbitrary<std::uint64_t>(),
            [&](sim::World& w, sim::Cpu& c, const std::vector<sim::Cpu*>&) { return build_assembly(w, c, params); }));
}

RC_GTEST_PROP(RtosWorkloads, Deletion, ()) {
  DeletionParams p;
  p.workers = *rc::gen::inRange<std::uint32_t>(1, 6);
  p.exiting = *rc::gen::inRange<std::uint32_t>(0, p.workers + 1);
  p.killed = *rc::gen::inRange<std::uint32_t>(0, p.workers - p.exiting + 1);
  p.holdings = *rc::gen::inRange<std::uint32_t>(0, 10);
  p.work = ns(0, 2000);
  p.delete_after_min = ns(0, 5000);
  p.delete_after_max = p.delete_after_min + ns(0, 10000);
  p.worker_priority = *rc::gen::inRange(1, 5);
  p.supervisor_priority = *rc::gen::inRange(1, 5);
  const DeletionParams params = p;
  assert_green(
      judge(*rc::gen::arbitrary<std::uint64_t>(),
            [&](sim::World& w, sim::Cpu& c, const std::vector<sim::Cpu*>&) { return build_deletion(w, c, params); }));
}

RC_GTEST_PROP(RtosWorkloads, Broadcasters, ()) {
  BroadcastersParams p;
  p.broadcasters = *rc::gen::inRange<std::uint32_t>(1, 5);
  p.messages_each = *rc::gen::inRange<std::uint32_t>(1, 4);
  p.slaves = *rc::gen::inRange<std::uint32_t>(1, 5);
  p.master_priority = *rc::gen::inRange(1, 8);
  p.slave_priority = *rc::gen::inRange(1, 8);
  p.broadcaster_priority = *rc::gen::inRange(1, 8);
  p.slave_work = ns(0, 2000);
  const BroadcastersParams params = p;
  const int more_cpus = *rc::gen::inRange(0, 4);
  assert_green(judge(
      *rc::gen::arbitrary<std::uint64_t>(),
      [&](sim::World& w, sim::Cpu& c, const std::vector<sim::Cpu*>& o) {
        return build_broadcasters(w, c, params, {}, o);
      },
      more_cpus));
}

}  // namespace
}  // namespace ipcsim::rtos::workloads

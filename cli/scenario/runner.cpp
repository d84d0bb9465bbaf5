#include "cli/scenario/runner.hpp"

#include <algorithm>
#include <optional>

#include "cli/scenario/driver.hpp"
#include "model/explore/lock_order.hpp"
#include "sim/check.hpp"
#include "sim/state_hash.hpp"

namespace ipcsim::scenario {
namespace {

Machine build_machine(sim::World& w, const MachineSpec& spec) {
  Machine m;
  for (const CpuSpec& c : spec.cpus) {
    m.cpus.push_back(&w.add_cpu({.name = c.name, .policy = c.policy, .memory_bytes = c.memory_bytes,
                                 .memory_cost = c.memory_cost}));
  }
  for (const RegionSpec& r : spec.regions) {
    std::vector<sim::CpuId> cpus;
    for (std::size_t i : r.cpus) cpus.push_back(static_cast<sim::CpuId>(i));
    m.regions.push_back(&w.add_shared_region(r.name, r.bytes, cpus, r.cost));
  }
  for (const BusSpec& b : spec.buses) {
    sim::BusConfig cfg{.name = b.name, .latency = b.latency, .bytes_per_second = b.bytes_per_second,
                       .queue_limit = b.queue_limit, .faults = b.faults};
    for (std::size_t i : b.cpus) cfg.cpus.push_back(static_cast<sim::CpuId>(i));
    m.buses.push_back(&w.add_bus(std::move(cfg)));
  }
  return m;
}

bool is_builtin(const std::string& p) { return p == kDeadlockFree || p == kNoUsageError || p == kLockOrder; }

}  // namespace

bool meets_expectation(const Scenario& scenario, const std::string& violated) {
  return scenario.expect == "pass" ? violated.empty() : violated == scenario.expect;
}

RunReport run_scenario(const Scenario& scenario, const RunOptions& options) {
  IPCSIM_ASSERT(scenario.driver != nullptr && scenario.workload != nullptr);
  RunReport report;
  report.seed = options.seed.value_or(scenario.run.seed);

  std::vector<std::string> mechanism_properties;
  for (const auto& p : scenario.properties) {
    if (!is_builtin(p)) mechanism_properties.push_back(p);
  }
  sim::FaultPlan plan;
  for (const auto& f : scenario.faults) plan.add(f);

  sim::World w({.seed = report.seed, .max_faults = options.max_faults.value_or(scenario.run.max_faults)});
  if (options.bind) options.bind(w);
  for (sim::Observer* o : options.observers) w.attach(*o);
  if (options.chooser != nullptr) w.set_chooser(*options.chooser);
  std::unique_ptr<MechanismRun> run = scenario.driver->instantiate(*scenario.workload, mechanism_properties);
  std::vector<model::Monitor*> monitors = run->monitors();
  // The lock-order graph of this run alone: a verdict of one run never
  // depends on the runs before it (fuzz's jobs and shards, replay).
  explore::LockOrderGraph lock_graph;
  std::optional<explore::LockOrderMonitor> lockdep;
  if (options.judge_lock_order &&
      std::find(scenario.properties.begin(), scenario.properties.end(), kLockOrder) != scenario.properties.end()) {
    monitors.push_back(&lockdep.emplace(lock_graph, 0));
  }
  for (model::Monitor* m : monitors) m->attach(w, options.stop_on_violation);
  // Actors' frames refer to the mechanism's objects: end them before `run` goes.
  struct Shutdown {
    sim::World& w;
    ~Shutdown() { w.shutdown(); }
  } shutdown_first{w};

  try {
    const Machine machine = build_machine(w, scenario.machine);
    plan.install(w);
    run->start(w, machine);
    report.result = w.run(options.limits.value_or(sim::RunLimits{.horizon = scenario.run.horizon,
                                                                 .max_steps = scenario.run.max_steps}));
  } catch (const sim::UsageError& e) {
    report.usage_error = e.what();
    report.result.outcome = sim::RunOutcome::Stopped;
    report.result.end_time = w.now();
    report.result.steps = w.steps();
  }
  report.choices = w.choices();
  report.result.choices = report.choices.size();
  // The state the run ended in, before monitors' finish() or anything else looks.
  const std::uint64_t world_digest = options.state_digest ? w.state_digest() : 0;
  if (report.usage_error.empty()) {
    for (model::Monitor* m : monitors) m->finish(report.result);
  }

  std::uint64_t first_seq = UINT64_MAX;
  for (const std::string& p : scenario.properties) {
    PropertyVerdict v;
    v.property = p;
    if (p == kDeadlockFree) {
      if (report.result.outcome == sim::RunOutcome::Deadlock) {
        v.violated = true;
        v.message = report.result.deadlock->text;
        v.at_seq = UINT64_MAX - 1;  // found at the very end
        v.at = report.result.end_time;
      }
    } else if (p == kNoUsageError) {
      if (!report.usage_error.empty()) {
        v.violated = true;
        v.message = report.usage_error;
        v.at_seq = UINT64_MAX - 1;
        v.at = report.result.end_time;
      }
    } else if (p == kLockOrder && !lockdep) {
      // Judged by the caller (check's explorer), not here.
    } else {
      auto it = std::find_if(monitors.begin(), monitors.end(), [&](const model::Monitor* m) { return m->property() == p; });
      IPCSIM_ASSERT_MSG(it != monitors.end(), "a driver did not provide the monitor of a requested property");
      if (const auto& viol = (*it)->violation()) {
        v.violated = true;
        v.message = viol->message;
        v.at_seq = viol->record_seq;
        v.at = viol->time;
      }
    }
    if (v.violated && v.at_seq < first_seq) {
      first_seq = v.at_seq;
      report.violated = p;
    }
    report.verdicts.push_back(std::move(v));
  }
  report.as_expected = meets_expectation(scenario, report.violated);
  report.summary = run->summary();
  if (options.state_digest) {
    report.state_digest = sim::StateHash()
                              .add(world_digest)
                              .add(run->state_digest())
                              .add(report.violated)
                              .add(sim::to_string(report.result.outcome))
                              .value();
  }
  return report;
}

}  // namespace ipcsim::scenario

// Running a Program once under a given chooser, the way every explorer does:
// with the caller's observers, the choice list recorded, the lock-order graph
// fed (when given), and the built-in properties judged.
//
//   RunSettings settings{.seed = 7};
//   sim::ReplayChooser replay(counterexample.choices);   // strict
//   Outcome o = run_once(program, replay, settings);
//   if (o.violation) ... o.violation->property ...
//
// Built-in properties, added to the program's own, under the names scenario
// files, verdicts and counterexamples use for them (one name everywhere):
//  - "deadlock_free": the run ended in RunOutcome::Deadlock (unless disabled);
//  - "no_usage_error": a sim::UsageError escaped the program's run();
//  - "lock_order": the lock-order graph found a cycle during this run.
// When several apply, the one seen first in the trace wins (deadlock and usage
// errors count as seen at the end).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "model/explore/lock_order.hpp"
#include "model/explore/program.hpp"
#include "sim/choice.hpp"

namespace ipcsim::explore {

inline constexpr const char* kDeadlockFree = "deadlock_free";   // violated: the run ended in a deadlock
inline constexpr const char* kNoUsageError = "no_usage_error";  // violated: a sim::UsageError escaped run()

struct RunSettings {
  std::uint64_t seed = 1;                     // the World's seed (workload randomness)
  sim::RunLimits limits{.max_steps = 1'000'000};  // per run; a step limit guards against livelock
  std::optional<std::uint32_t> max_faults;    // overrides the program's fault budget
  bool deadlock_is_violation = true;
  std::vector<sim::Observer*> observers;      // attached to every run, after the explorer's own
  LockOrderGraph* lock_order = nullptr;       // when set, the "lock_order" property is checked
};

struct Outcome {
  Execution execution;
  sim::ChoiceList choices;                 // every decision of the run, as the World recorded them
  std::optional<model::Violation> violation;  // the program's, or a built-in one
  std::uint64_t steps = 0;
};

// `before_run` (optional) sees the context just before the program runs;
// `extra_observers` are attached first. `run_index` names the run in lock-order
// edges.
Outcome run_once(Program& program, sim::Chooser& chooser, const RunSettings& settings,
                 const std::vector<sim::Observer*>& extra_observers = {}, std::uint64_t run_index = 0,
                 const std::function<void(RunContext&)>& before_run = {});

}  // namespace ipcsim::explore

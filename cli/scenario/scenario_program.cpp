#include "cli/scenario/scenario_program.hpp"

#include <string_view>

#include "cli/scenario/runner.hpp"
#include "model/explore/runner.hpp"

namespace ipcsim::scenario {

// One name for each built-in, whoever reports it.
static_assert(std::string_view(kDeadlockFree) == explore::kDeadlockFree);
static_assert(std::string_view(kNoUsageError) == explore::kNoUsageError);

explore::Execution ScenarioProgram::run(explore::RunContext& cx) {
  RunOptions o;
  o.seed = cx.seed();
  o.max_faults = cx.max_faults_override();
  o.limits = cx.limits();
  o.stop_on_violation = true;
  o.state_digest = true;  // distinct final states: the whole simulated state
  // lock_order is the explorer's: its graph spans every execution of the search.
  o.judge_lock_order = false;
  o.bind = [&cx](sim::World& w) { cx.bind(w); };
  const RunReport r = run_scenario(*scenario_, o);
  cx.unbind();  // that World is gone
  if (!r.usage_error.empty()) throw sim::UsageError(r.usage_error);
  explore::Execution e;
  e.run = r.result;
  // Deadlock is judged by the explorer from the outcome; the rest by our monitors.
  if (!r.violated.empty() && r.violated != kDeadlockFree) {
    for (const PropertyVerdict& v : r.verdicts) {
      if (v.property == r.violated) e.violation = model::Violation{v.property, v.at_seq, v.at, v.message};
    }
  }
  e.outcome_hash = r.state_digest;
  return e;
}

}  // namespace ipcsim::scenario

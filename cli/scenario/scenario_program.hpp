// A scenario as an explore::Program: what the model checker and the PCT
// fuzzing policy run. Each run goes through run_scenario with the explorer's
// chooser and observers bound to the fresh World, so exploration sees exactly
// the runs `ipcsim run` and `ipcsim replay` see.
//
// Property names: the explorer's built-ins (deadlock_free, no_usage_error,
// lock_order) carry the names scenarios use, so a counterexample, a verdict
// and a report all say the same thing. lock_order is judged by the explorer
// (RunSettings::lock_order, set when the scenario checks it), never by the
// run itself.
#pragma once

#include <string>

#include "cli/scenario/scenario.hpp"
#include "model/explore/program.hpp"

namespace ipcsim::scenario {

class ScenarioProgram final : public explore::Program {
 public:
  explicit ScenarioProgram(const Scenario& scenario) : scenario_(&scenario) {}
  std::string name() const override { return scenario_->name; }
  explore::Execution run(explore::RunContext& cx) override;

 private:
  const Scenario* scenario_;
};

}  // namespace ipcsim::scenario

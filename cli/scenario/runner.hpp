// Running a scenario once: build the world from the Scenario, attach the
// monitors of its properties, run, and judge the outcome against the
// expectation. Fuzzing, replay and model checking all go through here, with
// different seeds and choosers.
//
//   RunReport r = run_scenario(scenario, {.seed = 42});
//   if (!r.as_expected) ...
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/scenario/scenario.hpp"
#include "sim/choice.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace ipcsim::scenario {

struct RunOptions {
  std::optional<std::uint64_t> seed;        // replaces [run].seed
  sim::Chooser* chooser = nullptr;          // replaces the seeded random chooser
  std::vector<sim::Observer*> observers;    // attached first (trace writers, explorers)
  bool stop_on_violation = true;            // end the run at the first violation
  std::optional<std::uint32_t> max_faults;  // replaces [run].max_faults
  // Called with the fresh World before anything else (observers and chooser
  // above are set after it): lets an explorer bind its own, and stop the run.
  std::function<void(sim::World&)> bind;
  std::optional<sim::RunLimits> limits;     // replaces [run] horizon and max_steps
  // Computes RunReport::state_digest (hashing every simulated memory costs a
  // little; only searches that count distinct final states ask for it).
  bool state_digest = false;
  // Judge "lock_order" (when the scenario checks it) with a graph of this run
  // alone. False: the caller judges it itself (check's explorer, with one
  // graph across every execution of its search).
  bool judge_lock_order = true;
};

struct PropertyVerdict {
  std::string property;
  bool violated = false;
  std::string message;
  std::uint64_t at_seq = 0;  // the trace record where it was seen
  sim::Instant at{};
};

struct RunReport {
  std::uint64_t seed = 0;
  sim::RunResult result;
  std::vector<PropertyVerdict> verdicts;  // one per checked property, in the scenario's order
  std::string violated;                   // the first property violated (by trace position), or ""
  bool as_expected = false;
  sim::ChoiceList choices;
  // With RunOptions::state_digest: the final state (sim::World::state_digest,
  // the driver's own digest) with the verdict and the outcome; else 0.
  std::uint64_t state_digest = 0;
  std::vector<std::pair<std::string, std::string>> summary;
  std::string usage_error;  // a kernel usage error ended the run
};

RunReport run_scenario(const Scenario& scenario, const RunOptions& options = {});

// Whether `violated` ("" for none) is what `scenario` expects.
bool meets_expectation(const Scenario& scenario, const std::string& violated);

}  // namespace ipcsim::scenario

// Small pieces shared by the ipcsim verbs: loading a scenario with errors on
// stderr, the human summary of a run, and the exit codes.
#pragma once

#include <optional>
#include <string>

#include "cli/scenario/runner.hpp"
#include "cli/scenario/scenario.hpp"

namespace ipcsim::cli {

inline constexpr int kExitOk = 0;         // as expected
inline constexpr int kExitMismatch = 1;   // a property violated, or not the expected outcome
inline constexpr int kExitBadInput = 2;   // the input was refused; nothing ran
inline constexpr int kExitInconclusive = 3;  // check only: a search cut short by its budget found nothing

// The footer of every verb's --help.
inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 as expected; 1 a property was violated, or the outcome was not the expected one; "
    "2 bad input (nothing ran); 3 inconclusive, returned by check only: its search was cut short by a budget "
    "(executions, depth, time, or a run that hit the step limit) before it found a violation or covered every "
    "run.\n";

// Loads `path`; on errors prints them to stderr and returns nullopt.
std::optional<scenario::Scenario> load_or_report(const std::string& path);

// The readable summary of one run (what ran, events, time, properties, and
// unless a verb gives its own, the verdict against the scenario's expectation).
std::string format_run_summary(const scenario::Scenario& s, const scenario::RunReport& r, bool with_verdict = true);
// The same as one JSON object.
std::string format_run_json(const scenario::Scenario& s, const scenario::RunReport& r);

std::string format_time(sim::Instant t);


}  // namespace ipcsim::cli

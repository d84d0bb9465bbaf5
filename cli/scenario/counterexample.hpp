// Counterexample files: (scenario, seed, choice list), enough to re-run a
// failing execution exactly with a strict ReplayChooser.
//
//   {
//     "format": "ipcsim-counterexample", "version": 1,
//     "scenario": "scenarios/rtos/broadcast_no_gate.toml",
//     "scenario_hash": "5c1f0e4d2a9b7e31",      // FNV-1a of the file: a changed file is refused
//     "seed": 17, "max_faults": null,
//     "property": "no_double_delivery", "message": "...",
//     "found_by": "fuzz",
//     "choices": "s/3=1 s/2=0 dup/2=1",          // shrunk (sim/choice.hpp text form)
//     "original_choices": "s/3=1 ..."            // as found, before shrinking
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cli/scenario/diagnostics.hpp"
#include "sim/choice.hpp"

namespace ipcsim::scenario {

struct Counterexample {
  std::string scenario_path;
  std::uint64_t scenario_hash = 0;
  std::uint64_t seed = 0;
  std::optional<std::uint32_t> max_faults;
  std::string property;
  std::string message;
  std::string found_by;  // "fuzz", "check", ...
  sim::ChoiceList choices;
  sim::ChoiceList original_choices;
};

std::string format_counterexample(const Counterexample& c);
bool write_counterexample(const Counterexample& c, const std::string& path, std::string& error);
// Errors (syntax, missing or mistyped keys, bad choice lists) go to `diag` with positions.
std::optional<Counterexample> load_counterexample(const std::string& path, Diagnostics& diag);
std::optional<Counterexample> parse_counterexample(const std::string& text, const std::string& path, Diagnostics& diag);

}  // namespace ipcsim::scenario

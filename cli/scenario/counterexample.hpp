// Counterexample files: a failing execution, self-contained. The file carries
// the scenario's full text, so it replays on any machine, from any directory,
// after the scenario file moved or changed; the path it was found at is only a
// hint for people.
//
//   {
//     "format": "ipcsim-counterexample", "version": 2,
//     "scenario": "scenarios/rtos/no_gate.toml",  // where it was found (a hint)
//     "scenario_hash": "5c1f0e4d2a9b7e31",         // FNV-1a of scenario_text
//     "seed": 17, "max_faults": null,
//     "property": "no_double_delivery", "message": "...",
//     "found_by": "fuzz",
//     "choices": "s/3=1 s/2=0 dup/2=1",            // shrunk (sim/choice.hpp text form)
//     "original_choices": "s/3=1 ...",             // as found, before shrinking
//     "scenario_text": "[scenario]\nname = ..."    // the scenario file's bytes
//   }
//
// Version 1 files (before scenario_text) still load: they name their scenario
// by path and hash only, so replaying one needs the scenario file (--scenario).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cli/scenario/diagnostics.hpp"
#include "sim/choice.hpp"

namespace ipcsim::scenario {

inline constexpr int kCounterexampleVersion = 2;

struct Counterexample {
  int version = kCounterexampleVersion;  // as read; always written as the current one
  std::string scenario_path;             // where it was found: a hint only
  std::uint64_t scenario_hash = 0;       // fnv1a(scenario_text), or of the file for version 1
  std::optional<std::string> scenario_text;  // absent only in version 1 files
  std::uint64_t seed = 0;
  std::optional<std::uint32_t> max_faults;
  std::string property;
  std::string message;
  std::string found_by;  // "fuzz", "check", ...
  sim::ChoiceList choices;
  sim::ChoiceList original_choices;
};

// Writing needs scenario_text (the current version always carries it); the
// hash written is the text's own.
std::string format_counterexample(const Counterexample& c);
bool write_counterexample(const Counterexample& c, const std::string& path, std::string& error);
// Errors (syntax, missing or mistyped keys, bad choice lists, a scenario_text
// that does not match its hash) go to `diag` with positions. Unless the caller
// has the scenario from elsewhere (`scenario_given`: replay --scenario), a
// version 1 file is refused with what to do, for it lacks the scenario.
std::optional<Counterexample> load_counterexample(const std::string& path, Diagnostics& diag,
                                                  bool scenario_given = false);
std::optional<Counterexample> parse_counterexample(const std::string& text, const std::string& path, Diagnostics& diag,
                                                   bool scenario_given = false);

}  // namespace ipcsim::scenario

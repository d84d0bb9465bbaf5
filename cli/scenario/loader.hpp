// Loading scenario files: TOML text -> a validated Scenario, or every error found.
//
// The file format is documented key by key in scenarios/README.md. Loading
// never runs anything: a file with any error yields no Scenario at all.
//
//   Diagnostics diag;
//   std::optional<Scenario> s = load_scenario("scenarios/rtos/broadcast.toml", diag);
//   if (!s) { std::cerr << diag.format(); return 2; }
#pragma once

#include <optional>
#include <string>

#include "cli/scenario/diagnostics.hpp"
#include "cli/scenario/scenario.hpp"

namespace ipcsim::scenario {

std::optional<Scenario> load_scenario(const std::string& path, Diagnostics& diag);
// The same, from text already in memory (`path` only names it in messages).
std::optional<Scenario> parse_scenario(const std::string& text, const std::string& path, Diagnostics& diag);

}  // namespace ipcsim::scenario

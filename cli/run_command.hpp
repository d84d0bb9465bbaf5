// `ipcsim run FILE`: one execution, a readable summary, exit 0 when the outcome
// matches the scenario's expectation, 1 when not, 2 on bad input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cli/diagram_flags.hpp"

namespace ipcsim::cli {

struct RunArgs {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string trace;
  std::string diagram;
  DiagramFlags diagram_flags;
  bool json = false;
};

// Runs the verb; returns its exit code (kExit* in command_support.hpp).
int run_command(const RunArgs& a);

}  // namespace ipcsim::cli

// `ipcsim replay CEX`: re-runs a counterexample exactly (strict replay of its
// choice list with its seed), optionally writing the trace.
#pragma once

#include <string>

#include "cli/diagram_flags.hpp"

namespace ipcsim::cli {

struct ReplayArgs {
  std::string file;
  std::string scenario;  // replay against this file instead of the embedded scenario
  std::string trace;
  std::string diagram;
  DiagramFlags diagram_flags;
  bool json = false;
  bool original = false;
};

// Runs the verb; returns its exit code (kExit* in command_support.hpp).
int replay_command(const ReplayArgs& a);

}  // namespace ipcsim::cli

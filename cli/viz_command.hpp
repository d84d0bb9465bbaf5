// `ipcsim viz TRACE`: pictures of a trace file (a sequence diagram, a Perfetto
// timeline, the lock-order graph, the machine), or of an exploration tree.
#pragma once

#include <string>

#include "cli/diagram_flags.hpp"

namespace ipcsim::cli {

struct VizArgs {
  std::string trace;
  std::string tree;
  std::string diagram;
  std::string perfetto;
  std::string locks;
  std::string topology;
  DiagramFlags flags;
};

// Runs the verb; returns its exit code (kExit* in command_support.hpp).
int viz_command(const VizArgs& a);

}  // namespace ipcsim::cli

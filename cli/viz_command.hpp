// `ipcsim viz TRACE`: pictures of a trace file (a sequence diagram, a Perfetto
// timeline, the lock-order graph, the machine), or of an exploration tree.
#pragma once

#include <CLI/CLI.hpp>

namespace ipcsim::cli {
void add_viz_command(CLI::App& app, int* exit_code);
}

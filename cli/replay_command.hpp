// `ipcsim replay CEX`: re-runs a counterexample exactly (strict replay of its
// choice list with its seed), optionally writing the trace.
#pragma once

#include <CLI/CLI.hpp>

namespace ipcsim::cli {
void add_replay_command(CLI::App& app, int* exit_code);
}

// `ipcsim run FILE`: one execution, a readable summary, exit 0 when the outcome
// matches the scenario's expectation, 1 when not, 2 on bad input.
#pragma once

#include <CLI/CLI.hpp>

namespace ipcsim::cli {
void add_run_command(CLI::App& app, int* exit_code);
}

// `ipcsim fuzz FILE --runs N`: a campaign of runs with consecutive seeds,
// random schedules and the scenario's faults; writes a shrunk counterexample
// for the first violation found.
#pragma once

#include <CLI/CLI.hpp>

namespace ipcsim::cli {
void add_fuzz_command(CLI::App& app, int* exit_code);
}

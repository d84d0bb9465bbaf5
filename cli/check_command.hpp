// `ipcsim check FILE`: explores the scenario's schedules (and faults, within its
// fault budget) exhaustively, with dynamic partial-order reduction, and writes
// a counterexample file for the first (or shortest) violation.
#pragma once

#include <CLI/CLI.hpp>

namespace ipcsim::cli {
void add_check_command(CLI::App& app, int* exit_code);
}

// `ipcsim list`: the mechanisms, their workload keys and their properties.
#pragma once

#include <CLI/CLI.hpp>

namespace ipcsim::cli {
void add_list_command(CLI::App& app, int* exit_code);
}

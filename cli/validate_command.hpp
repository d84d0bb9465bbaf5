// `ipcsim validate FILE...`: checks scenario files without running them.
#pragma once

#include <CLI/CLI.hpp>

namespace ipcsim::cli {
void add_validate_command(CLI::App& app, int* exit_code);
}

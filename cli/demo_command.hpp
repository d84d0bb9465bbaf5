// `ipcsim demo`: a self-contained kernel demonstration (two CPUs playing
// ping-pong over a bus), printing what happened message by message.
#pragma once

#include <CLI/CLI.hpp>

namespace ipcsim::cli {

// Adds the `demo` verb to `app`; the verb stores its exit code in *exit_code.
void add_demo_command(CLI::App& app, int* exit_code);

}  // namespace ipcsim::cli

// `ipcsim demo`: a self-contained kernel demonstration (two CPUs playing
// ping-pong over a bus), printing what happened message by message.
#pragma once

#include <cstdint>
#include <string>

namespace ipcsim::cli {

struct DemoOptions {
  std::uint64_t seed = 1;
  int round_trips = 5;
  double drop = 0;
  double duplicate = 0;
  double reorder = 0;
  std::string trace_path;
};

// Runs the verb; returns its exit code (kExit* in command_support.hpp).
int demo_command(const DemoOptions& a);

}  // namespace ipcsim::cli

// `ipcsim check FILE`: explores the scenario's schedules (and faults, within its
// fault budget) exhaustively, with dynamic partial-order reduction, and writes
// a counterexample file for the first (or shortest) violation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/explore/explorer.hpp"

namespace ipcsim::cli {

struct CheckArgs {
  std::string file;
  std::optional<std::uint32_t> max_depth;       // default: [check] max_depth, else 10'000
  std::optional<std::uint32_t> preemptions;     // default: [check] preemptions, else unbounded
  bool no_dpor = false;                         // --no-dpor: the same as --dpor plain
  std::optional<explore::DporMode> dpor;        // --dpor plain|source|optimal (default: ExploreOptions's)
  bool shortest = false;
  bool json = false;
  std::optional<std::uint64_t> max_executions;  // default: [check] max_executions, else 1'000'000
  std::optional<double> time_limit;             // seconds of wall time
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> max_faults;
  std::string out_dir = ".";
  std::string tree;
};

// "90", "90s", "1.5min", "2h", "500ms": wall time in seconds; nullopt if not one.
std::optional<double> parse_wall_time(const std::string& text);

// Runs the verb; returns its exit code (kExit* in command_support.hpp).
int check_command(const CheckArgs& a);

}  // namespace ipcsim::cli

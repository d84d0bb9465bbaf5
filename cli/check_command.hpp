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
  // Sharding (shard_selection.hpp; explorer.hpp says what a split does).
  std::string shard;                       // "I/K"; empty: from the environment, else 1/1
  std::optional<std::uint32_t> split_depth;  // default: 0 unsharded, kDefaultSplitDepth with K > 1
  std::string out;                         // shard result file (shard_results.hpp), for `ipcsim merge`
  bool progress = false;                   // the progress line even when stderr is no terminal
  unsigned jobs = 1;                       // worker processes, each a shard of the split search (check_workers.hpp)
};

// Above this many choice points a sharded search is split by default: deep
// enough for many more units than shards on the bundled scenarios, shallow
// enough that giving up reduction above it costs little (README, "Sharding").
inline constexpr std::uint32_t kDefaultSplitDepth = 6;

// "90", "90s", "1.5min", "2h", "500ms": wall time in seconds; nullopt if not one.
std::optional<double> parse_wall_time(const std::string& text);

// Runs the verb; returns its exit code (kExit* in command_support.hpp).
int check_command(const CheckArgs& a);

// What a search's report means against the scenario's expectation ("pass" or
// a property): "pass", "violation" or "inconclusive", whether that is what was
// expected (unknown when inconclusive), and the exit code. Shared by check and
// merge, so that a merged report exits as the unsharded search would.
struct CheckVerdict {
  std::string outcome;
  std::string found;  // the counterexample's property, or ""
  bool as_expected = false;
  int exit_code = 0;
};
CheckVerdict check_verdict(const explore::ExploreReport& r, const std::string& expect);

}  // namespace ipcsim::cli

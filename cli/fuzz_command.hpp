// `ipcsim fuzz FILE --runs N`: a campaign of runs with consecutive seeds,
// random schedules and the scenario's faults; writes a shrunk counterexample
// for the first violation found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ipcsim::cli {

struct FuzzArgs {
  std::string file;
  std::uint64_t runs = 100;
  std::optional<std::uint64_t> seed;
  unsigned jobs = 1;
  std::string shard;  // "I/K"; empty: from the environment (shard_selection.hpp), else 1/1
  std::string out;    // shard result file (shard_results.hpp), for `ipcsim merge`
  bool progress = false;
  bool json = false;
  bool keep_going = false;
  bool no_shrink = false;
  std::uint64_t shrink_budget = 2000;
  std::string out_dir = ".";
  std::string policy = "random";
  std::uint32_t depth = 2;
};

// Runs the verb; returns its exit code (kExit* in command_support.hpp).
int fuzz_command(const FuzzArgs& a);

}  // namespace ipcsim::cli

// `ipcsim merge FILES...`: combines the result files of a sharded fuzz or
// check (--out, shard_results.hpp) into the report the unsharded command would
// give: the same counts, findings and final states, the first counterexample
// (check: of the lowest subtree in DFS order, as the unsharded search meets
// it; fuzz: of the lowest run index), its file written to --out-dir, and the
// unsharded command's exit code. Refused (exit 2, naming the file or shard):
// a file that is no shard file, shards of different scenarios, kinds, counts
// or options, a shard given twice, a shard missing.
#pragma once

#include <string>
#include <vector>

namespace ipcsim::cli {

struct MergeArgs {
  std::vector<std::string> files;
  bool json = false;
  std::string out_dir = ".";
};

int merge_command(const MergeArgs& a);

}  // namespace ipcsim::cli

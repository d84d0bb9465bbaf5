// Which shard of a sharded fuzz or check this process is: from --shard I/K,
// or, when the flag is absent, from the variables cluster engines set for
// array jobs:
//  - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX (0-based). Kubernetes does
//    not export the completions count, so the Job sets JOB_COMPLETIONS to its
//    spec.completions (deploy/k8s/indexed-job.yaml does);
//  - Slurm job arrays: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, and
//    SLURM_ARRAY_TASK_MIN (the first index: --array=0-3 and --array=1-4 both
//    give shards 1..4);
//  - GitHub Actions matrices set nothing usable: the workflow passes
//    --shard ${{ matrix.shard }}/K explicitly (deploy/github/).
// Shards are numbered 1..K everywhere ipcsim prints them.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace ipcsim::cli {

struct ShardChoice {
  unsigned index = 1;  // 1-based
  unsigned count = 1;
  std::string source;  // "--shard", "JOB_COMPLETION_INDEX/JOB_COMPLETIONS", ... or "" (unsharded)
};

using GetEnv = std::function<const char*(const char*)>;

// "I/K" with 1 <= I <= K <= 100000.
std::optional<ShardChoice> parse_shard(const std::string& text);

// The flag when given (non-empty), else the environment, else 1/1. nullopt
// with `error` set when the flag or a variable is malformed, or one of a pair
// is missing.
std::optional<ShardChoice> select_shard(const std::string& flag, const GetEnv& getenv, std::string& error);
std::optional<ShardChoice> select_shard(const std::string& flag, std::string& error);  // the process's environment

}  // namespace ipcsim::cli

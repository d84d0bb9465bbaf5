#!/bin/bash
# A sharded ipcsim check as a Slurm job array (deploy/README.md):
#   sbatch deploy/slurm/array.sh                 # 4 shards, indices 0-3
#   sbatch --array=0-15 deploy/slurm/array.sh    # 16 shards
# ipcsim reads SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT and
# SLURM_ARRAY_TASK_MIN, so the array's size is the shard count. When every task
# is done:
#   ipcsim merge results/shard-*.json
# (or submit it with --dependency=afterany:<array job id>).
#SBATCH --job-name=ipcsim-check
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --mem=512M
#SBATCH --time=01:00:00
#SBATCH --output=results/slurm-%A_%a.log
set -u
SCENARIO=${SCENARIO:-scenarios/shm/crash_restart.toml}
IPCSIM=${IPCSIM:-ipcsim}
mkdir -p results
"$IPCSIM" check "$SCENARIO" --progress --out "results/shard-${SLURM_ARRAY_TASK_ID}.json" --out-dir results
code=$?
# 1 (a violation) and 3 (a budget hit) are results for the merge to judge.
case $code in 0 | 1 | 3) exit 0 ;; *) exit "$code" ;; esac

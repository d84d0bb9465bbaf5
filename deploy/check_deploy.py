#!/usr/bin/env python3
"""CI check of deploy/: the Kubernetes manifest and the GitHub workflow parse as
YAML and have the shape ipcsim relies on; the Slurm script parses as bash; the
Dockerfile installs exactly tools/dev.sh's packages. Fails (exit 1) on any
problem, including a missing YAML parser (python3-yaml, which tools/dev.sh
installs): nothing is skipped.

    python3 deploy/check_deploy.py SOURCE_DIR
"""
import re
import subprocess
import sys
from pathlib import Path

import yaml  # python3-yaml: an ImportError fails the test, as it should

root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
problems = []


def expect(ok, what):
    if not ok:
        problems.append(what)


# Kubernetes: an Indexed Job whose JOB_COMPLETIONS is its completions count.
job = yaml.safe_load((root / "deploy/k8s/indexed-job.yaml").read_text())
spec = job.get("spec", {})
expect(job.get("kind") == "Job" and job.get("apiVersion") == "batch/v1", "k8s: not a batch/v1 Job")
expect(spec.get("completionMode") == "Indexed", "k8s: completionMode is not Indexed")
containers = spec.get("template", {}).get("spec", {}).get("containers", [])
expect(len(containers) == 1, "k8s: expected one container")
env = {e["name"]: e.get("value") for e in containers[0].get("env", [])} if containers else {}
expect(env.get("JOB_COMPLETIONS") == str(spec.get("completions")),
       "k8s: JOB_COMPLETIONS (%r) differs from spec.completions (%r)" % (env.get("JOB_COMPLETIONS"), spec.get("completions")))
command = " ".join(containers[0].get("args", [])) if containers else ""
expect("--out /results/shard-$JOB_COMPLETION_INDEX.json" in command, "k8s: the shard does not write its --out file")

# GitHub Actions: a matrix of shards, each passing --shard, and a merge job after them.
flow = yaml.safe_load((root / "deploy/github/fuzz-matrix.yml").read_text())
jobs = flow.get("jobs", {})
matrix = jobs.get("shard", {}).get("strategy", {}).get("matrix", {}).get("shard")
expect(isinstance(matrix, list) and len(matrix) >= 2, "github: jobs.shard.strategy.matrix.shard is not a list of shards")
steps = " ".join(s.get("run", "") for s in jobs.get("shard", {}).get("steps", []))
expect("--shard \"$shard\"" in steps and "--out results/fuzz-" in steps and "--out results/check-" in steps,
       "github: the shard job does not run fuzz and check with --shard and --out")
expect(jobs.get("merge", {}).get("needs") == "shard", "github: the merge job does not wait for the shards")
merge_steps = " ".join(s.get("run", "") for s in jobs.get("merge", {}).get("steps", []))
expect("ipcsim merge results/fuzz-" in merge_steps and "ipcsim merge results/check-" in merge_steps,
       "github: the merge job does not merge both")

# Slurm: bash syntax, an array, shards from the array variables.
slurm = root / "deploy/slurm/array.sh"
expect(subprocess.run(["bash", "-n", str(slurm)]).returncode == 0, "slurm: bash -n fails")
expect(re.search(r"^#SBATCH --array=\d+-\d+", slurm.read_text(), re.M) is not None, "slurm: no #SBATCH --array line")

# Dockerfile: bookworm, and the build stage installs tools/dev.sh's PACKAGES.
dev = (root / "tools/dev.sh").read_text()
package_lines = re.search(r"^PACKAGES=\((.*?)^\)", dev, re.M | re.S).group(1).splitlines()
packages = set(" ".join(line.split("#")[0] for line in package_lines).split())
docker = (root / "deploy/Dockerfile").read_text()
expect(docker.startswith("#") and "FROM debian:bookworm AS build" in docker, "docker: not built on debian:bookworm")
first_install = re.search(r"--no-install-recommends \\\n(.*?)\n    &&", docker, re.S).group(1)
installed = set(first_install.replace("\\", " ").split())
packages.discard("python3-yaml")  # for this check only: the image needs no YAML parser
expect(installed == packages, "docker: build packages differ from tools/dev.sh: missing %s, extra %s"
       % (sorted(packages - installed), sorted(installed - packages)))

if problems:
    print("\n".join("deploy: " + p for p in problems))
    sys.exit(1)
print("deploy: Kubernetes Job, GitHub workflow, Slurm script and Dockerfile check out")

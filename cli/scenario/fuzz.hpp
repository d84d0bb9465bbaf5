// Fuzzing campaigns: many runs of one scenario with consecutive seeds.
//
// Run i of a campaign uses seed first_seed + i, so a campaign is a pure function
// of (scenario, first_seed, runs, policy): `--jobs` only spreads the runs over
// worker processes and `--shard I/K` takes the runs with i % K == I - 1, so K
// shards together cover exactly the unsharded campaign. A finding is a run in
// which a property was violated; unless keep_going, the campaign stops at the
// finding with the lowest run index (the same with any number of jobs), shrinks
// its choice list and returns it for a counterexample file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/scenario/scenario.hpp"
#include "sim/choice.hpp"

namespace ipcsim::scenario {

// Makes the chooser of one run from its seed; empty means the World's seeded
// random chooser.
using ChooserFactory = std::function<std::unique_ptr<sim::Chooser>(std::uint64_t seed)>;

struct FuzzProgress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  std::uint64_t findings = 0;
};

struct FuzzOptions {
  std::uint64_t runs = 100;
  std::uint64_t first_seed = 1;
  unsigned jobs = 1;
  unsigned shard_index = 1;  // 1-based
  unsigned shard_count = 1;
  bool keep_going = false;
  bool shrink = true;
  std::uint64_t shrink_budget = 2000;
  ChooserFactory policy;
  std::function<void(const FuzzProgress&)> progress;
};

struct FuzzFinding {
  std::uint64_t run_index = 0;
  std::uint64_t seed = 0;
  std::string property;
  std::string message;
  sim::ChoiceList original;
  sim::ChoiceList shrunk;
  std::uint64_t shrink_runs = 0;
};

struct FuzzResult {
  std::uint64_t runs_done = 0;    // runs of this shard that count (up to the first finding)
  std::uint64_t runs_planned = 0;
  std::vector<FuzzFinding> findings;  // by run index
  bool as_expected = false;
  std::string verdict;  // one sentence
};

FuzzResult run_fuzz(const Scenario& scenario, const FuzzOptions& options);

// Sets as_expected and verdict from runs_done and the findings (by run index)
// against the scenario's expectation ("pass" or a property): run_fuzz's last
// step, and `ipcsim merge`'s for the shards' combined findings.
void judge_fuzz(FuzzResult& result, const std::string& expect);

// Replays `choices` leniently for `seed` and returns the run's recorded list
// when `property` is the first property violated (the shrinker's oracle).
std::optional<sim::ChoiceList> replay_violates(const Scenario& scenario, std::uint64_t seed,
                                               const sim::ChoiceList& choices, const std::string& property,
                                               std::optional<std::uint32_t> max_faults = std::nullopt);

}  // namespace ipcsim::scenario

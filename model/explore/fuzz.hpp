// Fuzzing a Program: run after run with a fresh seeded chooser (uniform random
// or PCT) until a property is violated or the run budget is spent.
//
//   FuzzReport r = fuzz(program, {.policy = Policy::Pct, .depth = 2, .max_runs = 10'000});
//   if (r.first) ... r.first->execution is the number of runs it took ...
//
// Run i (from 0) uses chooser seed chooser_seed(first_seed, i); the World's own
// seed (workload randomness) stays RunSettings::seed for every run, so the two
// policies face the same workload. A campaign shares one lock-order graph
// across its runs when RunSettings::lock_order is set.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "model/explore/explorer.hpp"
#include "model/explore/program.hpp"
#include "model/explore/runner.hpp"

namespace ipcsim::explore {

enum class Policy : std::uint8_t { Random, Pct };
const char* to_string(Policy p);

struct FuzzOptions {
  Policy policy = Policy::Random;
  std::uint32_t depth = 2;             // PCT bug depth
  std::uint64_t expected_choices = 0;  // PCT's k; 0: measured by estimate_choices first
  std::uint64_t first_seed = 1;
  std::uint64_t max_runs = 10'000;
  RunSettings run;
};

struct FuzzReport {
  std::uint64_t runs = 0;         // runs done (up to and including the first violation)
  std::uint64_t transitions = 0;  // steps over all runs
  std::uint64_t expected_choices = 0;  // the k PCT used
  std::optional<Counterexample> first;  // execution = runs it took to find it
  double wall_seconds = 0;        // for reports only
};

std::uint64_t chooser_seed(std::uint64_t first_seed, std::uint64_t run);
// The chooser of one run (for callers with their own campaign loop).
std::unique_ptr<sim::Chooser> make_chooser(Policy policy, std::uint64_t seed, std::uint32_t depth,
                                           std::uint64_t expected_choices);
// k for PCT: the most Schedule choices in kEstimateRuns uniformly random runs.
inline constexpr std::uint64_t kEstimateRuns = 5;
std::uint64_t estimate_choices(Program& program, const RunSettings& settings, std::uint64_t seed);

FuzzReport fuzz(Program& program, const FuzzOptions& options);

}  // namespace ipcsim::explore

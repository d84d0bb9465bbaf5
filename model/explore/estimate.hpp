// How big is a search, and how far along is it.
//
// Before a search: Knuth's estimator ("Estimating the efficiency of backtrack
// programs", 1975), as recent stateless model checkers use it to predict the
// cost of a DPOR search. A probe is one run that answers every choice point
// (within max_depth) uniformly at random and multiplies the branching factors
// it met; the mean of the products over the probes is an unbiased estimate of
// the number of leaves of the tree the probes walk. That tree is the plain
// one (every candidate, every fault answer, no preemption bound), so under
// DPOR the figure is an upper bound of what the search will run, often a
// loose one; it is labelled as such wherever it is shown. The probes use
// their own fixed seed: the estimate is a pure function of the program and
// the options.
//
// During a search: explored_fraction() reads the DFS stack as a position in
// the tree (the weighted-backtrack idea of Kilby et al., "Estimating search
// tree size", AAAI 2006): at a choice point that will explore b alternatives
// and is on its k-th, the subtrees of the k - 1 before it are behind the
// search, each taken as 1/b of the node's share. Executions done divided by
// that fraction estimates the total. Under DPOR, b grows as races add
// backtrack points, so the estimate grows with them: an estimate, not a bound.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/explore/explorer.hpp"

namespace ipcsim::explore {

struct SizeEstimate {
  std::uint32_t asked = 0;   // probes asked for
  std::uint32_t probes = 0;  // probes run to their end (fewer when the wall budget ran out)
  double executions = 0;  // mean of the probes' products: estimated leaves of the plain tree
  double smallest = 0;    // the smallest and largest product seen: how much the probes disagree
  double largest = 0;
};

inline constexpr std::uint32_t kDefaultProbes = 32;
inline constexpr std::uint64_t kProbeSeed = 0x6b6e757468ULL;  // "knuth"

// The wall time the estimate may take before a search: probes are runs, and a
// run can be long (millions of steps), so it must not hold the search back.
inline constexpr double kEstimateBudgetSeconds = 10;

// Runs `probes` random probes of `program` under `options` (its run settings
// and max_depth; no lock-order graph, no observers). With `budget_seconds`, it
// starts no probe once that much wall time has passed and cuts a probe that
// is running then: the estimate is the mean of the probes that ended (none:
// probes == 0, no estimate). The wall clock may only shorten the estimate;
// the probes that run are the same.
SizeEstimate knuth_estimate(Program& program, const ExploreOptions& options, std::uint32_t probes = kDefaultProbes,
                            std::uint64_t seed = kProbeSeed, std::optional<double> budget_seconds = {});

namespace detail {
struct Node;
// The share of the tree behind the current DFS path, in (0, 1] (the current
// run counted as done).
double explored_fraction(const std::vector<Node>& stack);
}  // namespace detail

}  // namespace ipcsim::explore

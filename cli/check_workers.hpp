// `check --jobs N`: the search as N shards (explorer.hpp, sharding) in worker
// processes on this machine, merged as `ipcsim merge` would: the report of
// the same search with --jobs 1 and the same split depth (without the
// overhead counts skipped_runs and skipped_transitions, which it zeroes).
#pragma once

#include "model/explore/explorer.hpp"

namespace ipcsim::cli {

// Throws explore::ExplorationError when a worker found the program
// nondeterministic or ended without a result.
explore::ExploreReport explore_in_workers(explore::Program& program, const explore::ExploreOptions& options,
                                          unsigned jobs);

}  // namespace ipcsim::cli

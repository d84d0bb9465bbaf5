// Shard result files: what one shard of a sharded `check` or `fuzz` found,
// written with --out and combined by `ipcsim merge` (merge_command.hpp).
//
//   {
//     "format": "ipcsim-shard", "version": 1,
//     "kind": "check" | "fuzz",
//     "scenario": "no_gate", "file": "scenarios/rtos/no_gate.toml",
//     "scenario_hash": "5c1f0e4d2a9b7e31", "expect": "pass",
//     "shard": {"index": 2, "count": 4, "split_depth": 6},   // split_depth: check only
//     "options": {...},          // everything that shapes the search or campaign: must agree across shards
//     "report": {...},           // check: the explorer's counts, final states, verdict inputs
//     "counterexample": {...}    // check: the shard's first (or shortest) one, with its file's text
//     "runs_planned": 25, "runs": 25, "findings": [...]      // fuzz
//   }
//
// Counterexamples travel inside (their .cex.json text), so a merge on another
// machine can write the combined report's counterexample file.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "model/explore/explorer.hpp"

namespace ipcsim::cli {

inline constexpr const char* kShardFormat = "ipcsim-shard";
inline constexpr int kShardVersion = 1;

// The explorer's report as JSON (every count, final states, end, options that
// bound it) and back. The counterexample is not part of it.
nlohmann::ordered_json report_to_json(const explore::ExploreReport& r);
explore::ExploreReport report_from_json(const nlohmann::ordered_json& j);

}  // namespace ipcsim::cli

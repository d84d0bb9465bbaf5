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

// A counterexample as JSON (choices in sim/choice.hpp's text form) and back;
// from_json throws std::runtime_error on a bad choice list.
nlohmann::ordered_json counterexample_to_json(const explore::Counterexample& c);
explore::Counterexample counterexample_from_json(const nlohmann::ordered_json& j, std::uint64_t seed);

// The reports of the K shards of one search (each with its counterexample, if
// any), in shard order, combined into the report of the unsharded search
// (explorer.hpp, sharding): counters summed, final states and properties
// united, the counterexample of the lowest unit (with `shortest`, the
// shortest, then the lowest unit), the end and completeness. skipped_runs and
// skipped_transitions are summed too: they are the shards' overhead.
struct MergedReport {
  explore::ExploreReport report;
  std::optional<std::size_t> counterexample_from;  // the part it came from
};
MergedReport merge_reports(const std::vector<explore::ExploreReport>& parts, bool shortest);

}  // namespace ipcsim::cli

// The engine of `ipcsim compare-scan`: runs the same message-list workloads
// and seeds under every scan strategy and measures each from the trace, with
// the monitors of model/scan watching.
//
//   CompareConfig c;
//   c.processors = {16, 64};
//   c.list_lengths = {1000};
//   std::vector<CompareRow> rows = compare_scan(c);
//
// The workload for (P processors, list length L): P processors, one per CPU,
// share a section of L slots holding a backlog of L/2 messages when they
// start; L/2 more are posted at `rate_per_us` while they run. Each message
// goes to min(recipients, P) processors (8 by default) and stays until the last has
// processed it, so the list stays long and a scan from the head walks past
// what its processor has already seen.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impl/scan/config.hpp"
#include "impl/scan/workload.hpp"

namespace ipcsim::cli {

struct StrategySpec {
  std::string label;  // "cached_fixed:16"
  scan::StrategyConfig config;
};

// "baseline", "cached", "cached_fixed[:N]", "cached_adaptive[:MIN-MAX]"; false
// with `error` set when the text is none of these.
bool parse_strategy(const std::string& text, StrategySpec& out, std::string& error);

struct CompareConfig {
  std::vector<std::uint32_t> processors = {4, 16, 64};
  std::vector<std::uint32_t> list_lengths = {1000};
  double rate_per_us = 2.0;  // postings per microsecond, whole system
  scan::Removal removal = scan::Removal::AfterProcessing;
  std::vector<StrategySpec> strategies;  // empty: the four defaults
  std::uint32_t seeds = 3;
  std::uint32_t recipients = 8;
  sim::Duration access_cost{2};  // per shared-memory access
};

struct CompareRow {
  std::string strategy;
  std::uint32_t processors = 0;
  std::uint32_t list_length = 0;
  std::uint64_t delivered = 0;             // retrievals, over every seed
  std::uint64_t inspections = 0;           // by scans up to each processor's last retrieval
  std::uint64_t trailing_inspections = 0;  // by the empty scans after it, before the processor stops
  double inspections_per_message = 0;
  double latency_mean_ns = 0;  // posting to retrieval, simulated
  double latency_p99_ns = 0;
  std::uint64_t out_of_order = 0;  // retrievals that passed over an older message for the same processor
  std::uint64_t missed = 0;        // runs in which a property was violated (a message skipped, lost, ...)
  std::uint64_t resets = 0;
  double ratio_inspections = 0;  // to the baseline row of the same (P, L); 0 without one
  double ratio_p99 = 0;
  std::string first_violation;  // property: message, of the first run that had one
};

std::vector<StrategySpec> default_strategies();
std::vector<CompareRow> compare_scan(const CompareConfig& config);

}  // namespace ipcsim::cli

// `ipcsim compare-scan`: the same message-list workloads and seeds under every
// scan strategy; a table of inspections per delivered message, latency from
// posting to retrieval (mean, p99), out-of-order retrievals, missed messages,
// resets and each strategy's ratio to the baseline; optionally CSV, an SVG
// plot (inspections per message and p99 latency against processors) and JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ipcsim::cli {

struct CompareScanArgs {
  std::vector<std::uint32_t> processors = {4, 16, 64};
  std::vector<std::uint32_t> list_lengths = {1000};
  double rate = 2.0;
  std::string removal = "after_processing";
  std::vector<std::string> strategies;
  std::uint32_t seeds = 3;
  std::uint32_t recipients = 8;
  std::string csv;
  std::string plot;
  bool json = false;
};

// Runs the verb; returns its exit code: 0 when every run kept every property,
// 1 when some strategy missed or disordered a message beyond what it allows
// (the table says which), 2 on bad input.
int compare_scan_command(const CompareScanArgs& a);

}  // namespace ipcsim::cli

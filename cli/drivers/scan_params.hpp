// The [workload] keys of the scan mechanism, read and documented from one
// table, the broken variants by name, and the parsed configuration of a run.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cli/drivers/param_table.hpp"
#include "cli/scenario/scenario.hpp"
#include "impl/scan/workload.hpp"

namespace ipcsim::drivers::scan_scenario {

// The keys as one flat struct (ParamTable binds members of one struct).
struct ScanKeys {
  std::uint32_t processors = 4;
  std::uint32_t slots = 64;
  std::uint32_t messages = 20;
  std::uint32_t backlog = 0;
  std::uint32_t recipients = 1;
  sim::Duration first_post = std::chrono::microseconds(1);
  sim::Duration post_gap = std::chrono::microseconds(2);
  std::uint32_t burst = 1;
  std::uint32_t urgent_percent = 0;
  sim::Duration scan_period = std::chrono::microseconds(1);
  sim::Duration process_time{0};
  std::uint32_t patience = 3;
  scan::Removal removal = scan::Removal::AfterProcessing;
  scan::Strategy strategy = scan::Strategy::Cached;
  std::uint32_t threshold = 8;
  std::uint32_t threshold_min = 2;
  std::uint32_t threshold_max = 64;
};

ParamTable<ScanKeys> scan_table();
scan::ScanParams to_params(const ScanKeys& k);

// "none" first, then every broken variant.
const std::vector<std::string>& bug_names();
// What each broken variant means, for `ipcsim list` and the loader's errors.
const std::vector<std::pair<std::string, std::string>>& bug_docs();
scan::Bugs bugs_named(const std::string& name);

struct ScanConfig final : scenario::WorkloadConfig {
  ScanKeys keys;
  std::string bug = "none";
  std::vector<std::size_t> cpus;  // processors go round robin on these
  std::size_t region = 0;
};

const std::vector<std::pair<std::string, std::string>>& scan_properties();

}  // namespace ipcsim::drivers::scan_scenario

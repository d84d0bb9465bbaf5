// One run of the scan mechanism: creates the requested monitors of model/scan,
// builds the workload on the machine with its broken variant, and reports
// what it did.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/drivers/scan_params.hpp"
#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers::scan_scenario {

std::unique_ptr<scenario::MechanismRun> make_scan_run(const ScanConfig& cfg,
                                                      const std::vector<std::string>& properties);

}  // namespace ipcsim::drivers::scan_scenario

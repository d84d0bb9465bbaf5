// The "scan" mechanism (seed 003): processors on CPUs scan a message-list in a
// shared region with a pluggable strategy (restart at the head, or a cached
// look-ahead pointer with its reset conditions); its parameters as [workload]
// keys, the broken variants as `bug`, and the monitors of model/scan as
// properties.
//
// The parts: scan_params (the key table, bugs by name), scan_run (one run);
// this file parses [workload] and documents it.
#pragma once

#include <memory>

#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers {

std::unique_ptr<scenario::MechanismDriver> make_scan_driver();

}  // namespace ipcsim::drivers

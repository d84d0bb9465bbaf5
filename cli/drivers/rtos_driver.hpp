// The "rtos" mechanism (seed 001): block pools, messages, exchanges, broadcast
// and proxies, with the six canonical workloads of impl/rtos/workloads.hpp as
// `kind`s, their parameters as [workload] keys, the broken variants as `bug`,
// and the monitors of model/rtos as properties.
//
// The parts: rtos_params (kinds and key tables), rtos_bugs (broken variants by
// name), rtos_properties (monitors by name), rtos_run (one run); this file
// parses [workload] and documents it.
#pragma once

#include <memory>

#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers {

std::unique_ptr<scenario::MechanismDriver> make_rtos_driver();

}  // namespace ipcsim::drivers

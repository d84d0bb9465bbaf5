// The "rtos" mechanism (seed 001): block pools, messages, exchanges, broadcast
// and proxies, with the six canonical workloads of impl/rtos/workloads.hpp as
// `kind`s, their parameters as [workload] keys, the broken variants as `bug`,
// and the monitors of model/rtos as properties.
#pragma once

#include <memory>

#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers {

std::unique_ptr<scenario::MechanismDriver> make_rtos_driver();

}  // namespace ipcsim::drivers

// The "shm" mechanism (seed 000): the shared-memory communications engine
// (registration, zero-copy transfers, isolation, termination and restart)
// with its workloads as `kind`s, their parameters as [workload] keys, the
// broken variants as `bug`, and the monitors of model/shm as properties.
//
// The parts: shm_params (kinds and key tables), shm_bugs (broken variants by
// name), shm_properties (monitors by name), shm_run (one run); this file
// parses [workload] and documents it.
#pragma once

#include <memory>

#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers {

std::unique_ptr<scenario::MechanismDriver> make_shm_driver();

}  // namespace ipcsim::drivers

// The "select" mechanism (seed 002): distributed select() over nonshared
// memory spaces, with the workloads of impl/select/workloads.hpp as `kind`s,
// their parameters as [workload] keys, the broken variants as `bug`, and the
// monitors of model/select as properties. select_run.cpp builds one run.
#pragma once

#include <memory>

#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers {

std::unique_ptr<scenario::MechanismDriver> make_select_driver();

}  // namespace ipcsim::drivers

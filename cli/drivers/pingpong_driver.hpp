// The "pingpong" mechanism: the kernel's demonstration workload as a scenario.
// Two actors bounce messages over a bus; the receiver filters duplicates by
// message id unless the broken variant `dedupe = false` is chosen, which the
// no_double_delivery property then catches when the bus duplicates.
#pragma once

#include <memory>

#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers {

std::unique_ptr<scenario::MechanismDriver> make_pingpong_driver();

}  // namespace ipcsim::drivers

// The "transport" mechanism (seed 004): data sources on one CPU send whole
// messages through a communication engine and a pipe of connections (buses)
// to a storage server on another CPU. Keys, properties and broken variants:
// `ipcsim list`, impl/transport/README.md.
#pragma once

#include <memory>

#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers {

std::unique_ptr<scenario::MechanismDriver> make_transport_driver();

}  // namespace ipcsim::drivers

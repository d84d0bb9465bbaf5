// Registers every mechanism driver with the scenario layer. Called once by the
// ipcsim command (and by tests) before any scenario file is loaded.
#pragma once

namespace ipcsim::drivers {

void register_all();

}  // namespace ipcsim::drivers

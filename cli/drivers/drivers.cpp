#include "cli/drivers/drivers.hpp"

#include "cli/drivers/pingpong_driver.hpp"
#include "cli/drivers/rtos_driver.hpp"
#include "cli/drivers/scan_driver.hpp"
#include "cli/drivers/select_driver.hpp"
#include "cli/drivers/shm_driver.hpp"
#include "cli/drivers/transport_driver.hpp"
#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers {

void register_all() {
  static bool done = false;
  if (done) return;
  done = true;
  scenario::register_driver(make_rtos_driver());
  scenario::register_driver(make_shm_driver());
  scenario::register_driver(make_select_driver());
  scenario::register_driver(make_scan_driver());
  scenario::register_driver(make_transport_driver());
  scenario::register_driver(make_pingpong_driver());
}

}  // namespace ipcsim::drivers

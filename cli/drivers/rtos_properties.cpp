#include "cli/drivers/rtos_properties.hpp"

#include "model/rtos/delivery_monitor.hpp"
#include "model/rtos/pool_origin_monitor.hpp"
#include "model/rtos/priority_pass_monitor.hpp"

namespace ipcsim::drivers::rtos_scenario {

// The RTOS properties (model/rtos), by name.
const std::vector<std::pair<std::string, std::string>>& rtos_properties() {
  static const std::vector<std::pair<std::string, std::string>> properties = {
      {"pool_origin",
       "every body returns to the pool or heap it came from and every control block to its own pool, nothing twice, "
       "nothing leaked at quiescence or after its owner's deletion"},
      {"no_double_delivery",
       "each (message, receiver) at most once at normal and pass exchanges; each slave gets each broadcast round "
       "exactly once; every proxy section filled exactly once before the real message goes on"},
      {"priority_pass", "a task receiving at a priority-pass exchange runs at the message's priority"},
  };
  return properties;
}

std::unique_ptr<model::Monitor> make_rtos_monitor(const std::string& property) {
  if (property == "pool_origin") return std::make_unique<model::rtos::PoolOriginMonitor>();
  if (property == "no_double_delivery") return std::make_unique<model::rtos::DeliveryMonitor>();
  if (property == "priority_pass") return std::make_unique<model::rtos::PriorityPassMonitor>();
  IPCSIM_ASSERT_MSG(false, "unknown RTOS property");
}

}  // namespace ipcsim::drivers::rtos_scenario

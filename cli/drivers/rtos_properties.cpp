#include "cli/drivers/rtos_properties.hpp"

#include "model/rtos/rtos_monitors.hpp"

namespace ipcsim::drivers::rtos_scenario {

// The RTOS properties (model/rtos), by name.
const std::vector<std::pair<std::string, std::string>>& rtos_properties() {
  static const std::vector<std::pair<std::string, std::string>> properties = {
      {"pool_origin",
       "every block returns to the pool or heap it came from (as the pools record it) and every control block to "
       "its own pool, nothing twice, nothing leaked at quiescence or after its owner's deletion"},
      {"no_double_delivery",
       "each message sent to a normal or pass exchange reaches one receiver, once; each slave gets each broadcast "
       "round exactly once"},
      {"sections_filled", "every proxy section is filled exactly once before the real message is sent on"},
      {"priority_pass", "a task receiving at a priority-pass exchange runs at the message's priority"},
      {"exchange_order",
       "at a normal or pass exchange, messages are taken highest priority first, first in first out among equals"},
      {"no_message_loss",
       "every message sent to an exchange is received, released, or still there (queued, on show) when the run "
       "ends, whatever the outcome, as the exchange's memory shows"},
      {"broadcast_reaches_waiters",
       "every task waiting at a broadcast exchange when a message is sent there receives that round"},
      {"one_holder",
       "a message has one holder at a time (a task or one exchange's queue); a late broadcast receiver never gets "
       "a message that left the show"},
      {"no_dangling_proxy",
       "a real message is not released while proxies of it are live, nor written through a proxy after it is gone"},
  };
  return properties;
}

std::unique_ptr<model::Monitor> make_rtos_monitor(const std::string& property) {
  if (property == "pool_origin") return std::make_unique<model::rtos::PoolOriginMonitor>();
  if (property == "no_double_delivery") return std::make_unique<model::rtos::DeliveryMonitor>();
  if (property == "sections_filled") return std::make_unique<model::rtos::SectionsMonitor>();
  if (property == "priority_pass") return std::make_unique<model::rtos::PriorityPassMonitor>();
  if (property == "exchange_order") return std::make_unique<model::rtos::ExchangeOrderMonitor>();
  if (property == "no_message_loss") return std::make_unique<model::rtos::MessageLossMonitor>();
  if (property == "broadcast_reaches_waiters") return std::make_unique<model::rtos::BroadcastWaitersMonitor>();
  if (property == "one_holder") return std::make_unique<model::rtos::OneHolderMonitor>();
  if (property == "no_dangling_proxy") return std::make_unique<model::rtos::DanglingProxyMonitor>();
  IPCSIM_ASSERT_MSG(false, "unknown RTOS property");
}

}  // namespace ipcsim::drivers::rtos_scenario

// The properties of the rtos mechanism: the monitors of model/rtos by name,
// with the one-line description `ipcsim list` prints. Scenarios check all of
// them unless [properties] check says otherwise.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/monitor.hpp"

namespace ipcsim::drivers::rtos_scenario {

// (name, description) of every monitor of model/rtos, in the order they are listed and checked.
const std::vector<std::pair<std::string, std::string>>& rtos_properties();

// A fresh monitor of one of rtos_properties().
std::unique_ptr<model::Monitor> make_rtos_monitor(const std::string& property);

}  // namespace ipcsim::drivers::rtos_scenario

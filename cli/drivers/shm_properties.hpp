// The properties of the shm mechanism (seed 000, issue 12): the monitors of
// model/shm by name, with the one-line description `ipcsim list` prints.
// Scenarios check all of them unless [properties] check says otherwise.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/monitor.hpp"

namespace ipcsim::drivers::shm_scenario {

// (name, description) of every monitor of model/shm, in the order they are listed and checked.
const std::vector<std::pair<std::string, std::string>>& shm_properties();

// A fresh monitor of one of shm_properties().
std::unique_ptr<model::Monitor> make_shm_monitor(const std::string& property);

}  // namespace ipcsim::drivers::shm_scenario

// The broken variants of the rtos mechanism as scenario files name them
// (`bug = "..."`): each name, the workload kinds it has an effect on, and the
// impl/rtos Bugs switches it turns on.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "impl/rtos/config.hpp"

namespace ipcsim::drivers::rtos_scenario {

// "none" first, then every broken variant.
const std::vector<std::string>& bug_names();

// The kinds on which each broken variant has an effect (measured: a fuzz
// campaign of every bug on every kind). A bug on another kind would be a silent
// no-op, so the loader refuses it.
const std::vector<std::pair<std::string, std::vector<std::string>>>& bug_kinds();

// The switches of the variant `name` ("none": all off, the correct RTOS).
rtos::Bugs bugs_named(const std::string& name);

}  // namespace ipcsim::drivers::rtos_scenario

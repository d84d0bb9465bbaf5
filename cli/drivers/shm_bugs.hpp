// The broken variants of the shm mechanism as scenario files name them
// (`bug = "..."`): each name, the workload kinds it has an effect on, and the
// impl/shm Bugs switch it turns on.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "impl/shm/config.hpp"

namespace ipcsim::drivers::shm_scenario {

// "none" first, then every broken variant.
const std::vector<std::string>& bug_names();

// The kinds on which each broken variant has an effect; a bug on another kind
// would be a silent no-op, so the loader refuses it.
const std::vector<std::pair<std::string, std::vector<std::string>>>& bug_kinds();

// True for the variants of the zero-copy transfer path (no effect with transport "pipe").
bool bug_needs_engine_transport(const std::string& name);

// The switches of the variant `name` ("none": all off, the correct design).
shm::Bugs bugs_named(const std::string& name);

}  // namespace ipcsim::drivers::shm_scenario

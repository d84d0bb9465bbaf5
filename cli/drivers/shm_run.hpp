// One run of the shm mechanism: the parsed [workload] (ShmScenarioConfig), and
// the MechanismRun that creates the requested monitors, builds the platform
// and its processes on the machine with the broken variant, and reports.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/drivers/shm_params.hpp"
#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers::shm_scenario {

struct ShmScenarioConfig final : scenario::WorkloadConfig {
  std::string kind;
  std::string bug = "none";
  std::size_t engine_cpu = 0;
  std::vector<std::size_t> process_cpus;  // empty: every CPU but the engine's (or the engine's if alone)
  shm::ShmConfig platform;
  Params params;
};

// `properties`: names of shm_properties() and "workload_complete".
std::unique_ptr<scenario::MechanismRun> make_shm_run(const ShmScenarioConfig& cfg,
                                                     const std::vector<std::string>& properties);

}  // namespace ipcsim::drivers::shm_scenario

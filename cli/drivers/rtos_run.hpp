// One run of the rtos mechanism: the parsed [workload] (RtosConfig), and the
// MechanismRun that creates the requested monitors, builds the workload on the
// machine with its broken variant, and reports its summary.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/drivers/rtos_params.hpp"
#include "cli/scenario/driver.hpp"

namespace ipcsim::drivers::rtos_scenario {

struct RtosConfig final : scenario::WorkloadConfig {
  std::string kind;
  std::size_t cpu = 0;
  std::vector<std::size_t> slave_cpus;  // broadcast kinds: slaves run there, the RTOS in a shared region
  std::string bug = "none";
  Params params;
};

// `properties`: names of rtos_properties() and "workload_complete".
std::unique_ptr<scenario::MechanismRun> make_rtos_run(const RtosConfig& cfg,
                                                      const std::vector<std::string>& properties);

}  // namespace ipcsim::drivers::rtos_scenario

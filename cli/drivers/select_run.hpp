// One run of the select mechanism: the parsed [workload] (SelectScenario) and
// the MechanismRun that creates the requested monitors and builds the
// workload on the machine with its broken variant.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cli/scenario/driver.hpp"
#include "impl/select/workloads.hpp"

namespace ipcsim::drivers::select_scenario {

namespace wl = ipcsim::select::workloads;

struct SelectScenario final : scenario::WorkloadConfig {
  std::string kind;
  std::string bug = "none";
  std::size_t bus = 0;
  std::vector<std::size_t> cpus;  // the system's CPUs, in order (the first one leads the workload)
  std::variant<wl::StormParams, wl::FaninParams, wl::SocketsParams, wl::PipeEndsParams> params;
};

// "none" first, then every broken variant, with the kinds each has an effect on.
const std::vector<std::pair<std::string, std::vector<std::string>>>& select_bugs();
ipcsim::select::Bugs select_bugs_named(const std::string& name);

// (name, description) of every property, workload_complete last.
const std::vector<std::pair<std::string, std::string>>& select_properties();

std::unique_ptr<scenario::MechanismRun> make_select_run(const SelectScenario& cfg,
                                                        const std::vector<std::string>& properties);

}  // namespace ipcsim::drivers::select_scenario

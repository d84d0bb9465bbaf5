// The [workload] keys of the rtos mechanism: the workload kinds, one ParamTable
// per kind (read and documented alike, so `ipcsim list` cannot drift from what
// is read) and one for [workload.costs].
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "cli/drivers/param_table.hpp"
#include "impl/rtos/workloads.hpp"

namespace ipcsim::drivers::rtos_scenario {

namespace wl = rtos::workloads;

using Params = std::variant<wl::PipelineParams, wl::PassChainParams, wl::BroadcastParams, wl::AssemblyParams,
                            wl::DeletionParams, wl::BroadcastersParams>;

// The values of `kind`, in the order of Params.
const std::vector<std::string>& kinds();

ParamTable<wl::PipelineParams> pipeline_table();
ParamTable<wl::PassChainParams> pass_chain_table();
ParamTable<wl::BroadcastParams> broadcast_table();
ParamTable<wl::AssemblyParams> assembly_table();
ParamTable<wl::DeletionParams> deletion_table();
ParamTable<wl::BroadcastersParams> broadcasters_table();
ParamTable<rtos::RtosCosts> costs_table();

// The bytes of memory the chosen workload needs.
std::size_t memory_needed(const Params& p);

}  // namespace ipcsim::drivers::rtos_scenario

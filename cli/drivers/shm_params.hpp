// The [workload] keys of the shm mechanism: the workload kinds, one ParamTable
// per kind, one for [workload.costs] (read and documented alike, so `ipcsim
// list` cannot drift from what is read), and the reading of the keys every
// kind shares (sizes of the regions, transport, placement).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "cli/drivers/param_table.hpp"
#include "impl/shm/workloads.hpp"

namespace ipcsim::drivers::shm_scenario {

namespace wl = shm::workloads;

using Params = std::variant<wl::StormParams, wl::TransfersParams>;

// The values of `kind`, in the order of Params.
const std::vector<std::string>& kinds();

ParamTable<wl::StormParams> storm_table();
// The keys of transfers that a ParamTable holds (the others: sizes, snoop).
ParamTable<wl::TransfersParams> transfers_table();
ParamTable<shm::Costs> costs_table();

// Reads the keys every kind shares into `cfg` (data_bytes, block_bytes,
// min_block, records, transport; [workload.costs]), with their relations.
void read_platform(scenario::ConfigTable& t, shm::ShmConfig& cfg);
// Reads sizes and snoop of kind transfers, checked against the block size.
void read_transfers_extras(scenario::ConfigTable& t, const shm::ShmConfig& cfg, wl::TransfersParams& p);
// The documentation of the keys read by hand above.
void document_platform(std::vector<scenario::KeyDoc>& out);

}  // namespace ipcsim::drivers::shm_scenario

// Every monitor of the shared-memory mechanism (seed 000, issue 12): the
// properties of the shm design by name, for drivers and tests.
#pragma once

#include <memory>
#include <vector>

#include "model/shm/admin_exclusion_monitor.hpp"
#include "model/shm/coalesced_at_end_monitor.hpp"
#include "model/shm/crash_cleanup_monitor.hpp"
#include "model/shm/isolation_monitor.hpp"
#include "model/shm/no_loss_monitor.hpp"
#include "model/shm/no_overlap_monitor.hpp"
#include "model/shm/published_complete_monitor.hpp"
#include "model/shm/transfer_intact_monitor.hpp"
#include "model/shm/two_contenders_monitor.hpp"

namespace ipcsim::model::shm {

// A fresh monitor of every property above, in the design's order:
// admin_exclusion, published_complete, no_overlap, coalesced_at_end,
// two_contenders, isolation, transfer_intact, no_loss, crash_cleanup.
std::vector<std::unique_ptr<Monitor>> all_shm_monitors();

}  // namespace ipcsim::model::shm

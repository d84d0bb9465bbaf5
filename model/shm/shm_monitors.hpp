// Every monitor of the shared-memory mechanism (seed 000, issue 12): the
// properties of the shm design by name, for drivers and tests.
#pragma once

#include "model/shm/admin_exclusion_monitor.hpp"
#include "model/shm/coalesced_at_end_monitor.hpp"
#include "model/shm/crash_cleanup_monitor.hpp"
#include "model/shm/isolation_monitor.hpp"
#include "model/shm/no_loss_monitor.hpp"
#include "model/shm/no_overlap_monitor.hpp"
#include "model/shm/published_complete_monitor.hpp"
#include "model/shm/transfer_intact_monitor.hpp"
#include "model/shm/two_contenders_monitor.hpp"

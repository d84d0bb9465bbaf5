#include "cli/drivers/shm_properties.hpp"

#include "model/shm/shm_monitors.hpp"
#include "sim/check.hpp"

namespace ipcsim::drivers::shm_scenario {

// The shm properties (model/shm), by name.
const std::vector<std::pair<std::string, std::string>>& shm_properties() {
  static const std::vector<std::pair<std::string, std::string>> properties = {
      {"admin_exclusion",
       "one holder of the admin lock at a time, and every write to admin memory (registry, manager map, flag, "
       "location records) made by its holder"},
      {"published_complete",
       "when a registrant signals the engine, and when the engine caches a record, the registration has its "
       "handles, its registry record and an assigned manager (and, for the cache, its flag set)"},
      {"no_overlap",
       "no two live allocations of a manager overlap; each is a power of two, at least the minimum and what was "
       "asked, under twice that (or the minimum), aligned within its manager; no double free"},
      {"coalesced_at_end",
       "at the end every allocator holds free exactly the fully coalesced complement of what the records say is "
       "live, and once every process has ended every manager is one free block again"},
      {"two_contenders", "only a block's owner and the engine ever hold, wait for or try a block's lock"},
      {"isolation",
       "every data-region access by a process lies in its own block, or (reads) in a range the engine granted it"},
      {"transfer_intact",
       "each transfer is received at most once, by its destination, with the sender's length and checksum; a "
       "location record is published only after its payload was written"},
      {"no_loss",
       "every transfer ends received, failed, or pending in admin memory at the end; none is left to a "
       "destination that waits on its event after being notified, or that has ended"},
      {"crash_cleanup",
       "once a process has ended, only the engine frees its memory, never under an outstanding grant, and when "
       "the run can go no further its block is free and no shm lock is held by the dead"},
  };
  return properties;
}

std::unique_ptr<model::Monitor> make_shm_monitor(const std::string& property) {
  if (property == "admin_exclusion") return std::make_unique<model::shm::AdminExclusionMonitor>();
  if (property == "published_complete") return std::make_unique<model::shm::PublishedCompleteMonitor>();
  if (property == "no_overlap") return std::make_unique<model::shm::NoOverlapMonitor>();
  if (property == "coalesced_at_end") return std::make_unique<model::shm::CoalescedAtEndMonitor>();
  if (property == "two_contenders") return std::make_unique<model::shm::TwoContendersMonitor>();
  if (property == "isolation") return std::make_unique<model::shm::IsolationMonitor>();
  if (property == "transfer_intact") return std::make_unique<model::shm::TransferIntactMonitor>();
  if (property == "no_loss") return std::make_unique<model::shm::NoLossMonitor>();
  if (property == "crash_cleanup") return std::make_unique<model::shm::CrashCleanupMonitor>();
  IPCSIM_ASSERT_MSG(false, "unknown shm property");
}

}  // namespace ipcsim::drivers::shm_scenario

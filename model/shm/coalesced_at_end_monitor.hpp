// coalesced_at_end: at the end of a run every manager holds free exactly what
// a fully coalescing buddy allocator must (seed 000 checklist, property 4; the
// buddy trap "adjacent is not the same as buddy"), and once every process has
// ended, every manager is back to its initial single free block (issue 12: "a
// free that does not coalesce", "a leak on termination").
//
// Keeps its own books of every manager (ManagerBooks, from shm.alloc and
// shm.free); at the end of the run the engine reports what each live allocator
// really holds (shm.end.free: its free blocks; shm.end.live: its allocations),
// and those observations must match what the books say: the free blocks are
// the largest aligned blocks that overlap no booked allocation, and the live
// ones are the booked ones. A manager the books know of with no end-of-run
// observation at all (neither free nor live blocks) cannot be judged, and is
// reported.
#pragma once

#include <map>
#include <set>

#include "model/shm/manager_books.hpp"
#include "model/shm/shm_monitor.hpp"

namespace ipcsim::model::shm {

class CoalescedAtEndMonitor final : public ShmMonitor {
 public:
  CoalescedAtEndMonitor() : ShmMonitor("coalesced_at_end") {}
  std::uint64_t managers_checked() const { return checked_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  std::string manager_name(std::uint64_t id) const;
  ManagerBooks books_;
  std::map<std::uint64_t, std::set<FreeRange>> end_free_;  // by manager
  std::map<std::uint64_t, std::set<FreeRange>> end_live_;
  std::set<sim::ActorId> registered_;
  std::uint64_t checked_ = 0;
};

}  // namespace ipcsim::model::shm

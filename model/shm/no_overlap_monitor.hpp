// no_overlap: the buddy managers hand out sound blocks (seed 000 checklist,
// property 3; A4). No two live allocations of one manager overlap; each lies
// inside its manager's range, has a power-of-two size at least the minimum
// block and at least what was asked, less than twice what was asked (or the
// minimum block), and is aligned to its size within its manager's range; a
// free names a live allocation of that manager (no double free); a process's
// manager is assigned over a block the space manager handed out.
//
// Keeps its own books of every manager (ManagerBooks) from shm.create,
// shm.manager.assign, shm.alloc and shm.free; an allocator's reports about
// itself are never read.
#pragma once

#include "model/shm/manager_books.hpp"
#include "model/shm/shm_monitor.hpp"

namespace ipcsim::model::shm {

class NoOverlapMonitor final : public ShmMonitor {
 public:
  NoOverlapMonitor() : ShmMonitor("no_overlap") {}
  std::uint64_t allocations_checked() const { return allocations_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  void check_alloc(const sim::TraceRecord& r);
  void check_free(const sim::TraceRecord& r);
  void check_assign(const sim::TraceRecord& r);
  std::string manager_name(std::uint64_t id) const;
  ManagerBooks books_;
  std::uint64_t allocations_ = 0;
};

}  // namespace ipcsim::model::shm

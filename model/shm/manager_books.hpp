// ManagerBooks: a monitor's own account of every memory manager of shm and what
// each has handed out, kept from the allocation records alone (shm.create,
// shm.manager.assign, shm.alloc, shm.free), never from an allocator's view of
// itself. Manager 0 (the space manager) covers the whole data region; manager
// k > 0 covers the block assigned with it, and is retired when that block goes
// back to the space manager. What a buddy allocator that coalesces fully must
// hold free follows from the books alone (expected_free): the largest aligned
// blocks that overlap no live allocation.
//
//   ManagerBooks books;
//   books.apply(r);                       // every record, in order
//   const auto* m = books.manager(0);     // its range and live allocations
//   books.expected_free(0);               // what it must hold free right now
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "sim/trace.hpp"

namespace ipcsim::model::shm {

struct BookedAllocation {
  std::uint64_t rel = 0;      // in shm.data
  std::uint64_t granted = 0;  // its size
  std::uint64_t asked = 0;
  sim::ActorId by = sim::kNoActor;  // the actor that asked (the record's stepping actor)
  sim::Instant at{};
};

struct BookedManager {
  std::uint64_t id = 0;
  std::uint64_t base = 0;  // its range in shm.data
  std::uint64_t bytes = 0;
  sim::ActorId serves = sim::kNoActor;  // the process whose block it manages (none for the space manager)
  std::map<std::uint64_t, BookedAllocation> live;  // by rel
};

struct FreeRange {
  std::uint64_t rel = 0;
  std::uint64_t bytes = 0;
  bool operator==(const FreeRange&) const = default;
  auto operator<=>(const FreeRange&) const = default;
};

class ManagerBooks {
 public:
  // Applies one record leniently (a free of something not booked is ignored):
  // monitors that judge allocations check a record before applying it.
  void apply(const sim::TraceRecord& r);

  const BookedManager* manager(std::uint64_t id) const;
  const std::map<std::uint64_t, BookedManager>& managers() const { return managers_; }
  std::uint64_t min_block() const { return min_block_; }
  // The live allocation of manager `id` that overlaps [rel, rel + bytes), if any.
  const BookedAllocation* overlapping(std::uint64_t id, std::uint64_t rel, std::uint64_t bytes) const;
  // The manager (k > 0) whose block is [rel, ...), if one is live.
  std::optional<std::uint64_t> manager_of_block(std::uint64_t rel) const;
  // The process whose block holds `rel` (a live manager k > 0 covers it), if any.
  std::optional<sim::ActorId> block_holder(std::uint64_t rel) const;
  // The free blocks a fully coalescing buddy allocator over manager `id` holds
  // given its live allocations, in address order.
  std::vector<FreeRange> expected_free(std::uint64_t id) const;

 private:
  void expected_free(const BookedManager& m, std::uint64_t rel, std::uint64_t bytes,
                     std::vector<FreeRange>& out) const;
  std::uint64_t min_block_ = 1;
  std::map<std::uint64_t, BookedManager> managers_;
};

}  // namespace ipcsim::model::shm

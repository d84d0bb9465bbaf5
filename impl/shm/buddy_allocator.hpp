// A buddy-system allocator over the offsets [0, min_block_bytes << max_order)
// (seed 000: "a buddy system algorithm ... rounded up to the next available
// size ... the buddy of that block may be efficiently recaptured by
// computation of the offset"). It hands out offsets, not pointers, so one
// allocator can manage any range of simulated memory: the caller adds the
// range's base address. The engine uses one per registered block.
//
//   shm::BuddyAllocator a({.min_block_bytes = 64, .max_order = 10});  // 64 KiB
//   shm::BuddyAlloc b = a.allocate(100);        // 128 bytes, aligned to 128
//   if (!b) return b.error;                     // OutOfMemory, TooLarge, ...
//   a.resize(b.offset, 200);                    // in place, or NeedsMove
//   a.free(b.offset);                           // coalesces with its buddy
//
// Orders: a block of order k is min_block_bytes << k bytes long and starts at
// a multiple of its size; its buddy starts at offset XOR size. A request is
// rounded up to the smallest order that holds it; a larger free block is split
// on the way down; on free, a block merges with its buddy while that buddy is
// free and of the same order. Every expected failure (no room, a bad offset, a
// double free) is a returned BuddyError: allocate, free and resize never
// throw or abort, and never allocate heap memory.
//
// Implementation: a per-minimum-block array (state, order, and the links of an
// intrusive doubly-linked free list per order) plus a bitmask of the orders
// whose free list is non-empty, so allocate and free are O(max_order).
// Free lists are LIFO; every result depends only on the sequence of calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ipcsim::shm {

enum class BuddyError : std::uint8_t {
  None,
  ZeroSize,      // allocate(0) or resize(_, 0): a request for nothing is a caller's mistake
  TooLarge,      // larger than the whole range: can never succeed
  OutOfMemory,   // no free block of the order needed right now
  NotAllocated,  // free/resize of an offset that is not the start of a live allocation (double free included)
  NeedsMove,     // resize cannot grow in place: the caller allocates, copies and frees
};

const char* to_string(BuddyError e);

// Deliberately broken variants (DESIGN.md), each caught by a test. All off is
// the correct allocator.
struct BuddyBugs {
  // free() returns the block to its order's free list without merging it with
  // a free buddy (issue 12: "a free that does not coalesce"). Memory is never
  // lost outright, but it fragments: large requests fail after everything was
  // freed. Caught by the model of property_tests/shm_buddy_state_test.cpp.
  bool no_coalesce = false;
};

struct BuddyConfig {
  std::uint64_t min_block_bytes = 64;  // a power of two
  unsigned max_order = 10;             // the range is min_block_bytes << max_order bytes
  BuddyBugs bugs{};
};

// The result of allocate: the block's offset and its (rounded) size.
struct BuddyAlloc {
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  unsigned order = 0;
  BuddyError error = BuddyError::None;
  explicit operator bool() const { return error == BuddyError::None; }
};

// A block of the range, for introspection.
struct BuddyBlock {
  std::uint64_t offset = 0;
  unsigned order = 0;
  bool operator==(const BuddyBlock&) const = default;
};

class BuddyAllocator {
 public:
  // Limit of max_order: the per-block array takes 12 bytes per minimum block,
  // so 2^22 minimum blocks (48 MiB of bookkeeping) is the most one allocator
  // may manage. Indices fit in 32 bits with room for the list terminator.
  static constexpr unsigned kMaxOrderLimit = 22;

  // Throws sim::UsageError when min_block_bytes is not a power of two or
  // max_order exceeds kMaxOrderLimit (a configuration mistake, found once).
  explicit BuddyAllocator(const BuddyConfig& config);

  BuddyAlloc allocate(std::uint64_t bytes);
  BuddyError free(std::uint64_t offset);
  // Changes a live allocation's size. Smaller: the block keeps its offset and
  // gives back its upper halves. Larger: it grows in place when each buddy
  // above it is free (the block must be the lower buddy at every level);
  // otherwise nothing changes and NeedsMove is returned. The new size is
  // allocated_bytes(offset) afterwards.
  BuddyError resize(std::uint64_t offset, std::uint64_t bytes);

  // The order a request of `bytes` is rounded up to (bytes >= 1, <= capacity).
  unsigned order_for(std::uint64_t bytes) const;
  std::uint64_t block_bytes(unsigned order) const { return min_block_bytes_ << order; }

  // Introspection (tests and monitors).
  std::uint64_t capacity_bytes() const { return block_bytes(max_order_); }
  std::uint64_t min_block_bytes() const { return min_block_bytes_; }
  unsigned max_order() const { return max_order_; }
  std::uint64_t free_bytes() const { return free_units_ * min_block_bytes_; }
  std::uint32_t free_blocks(unsigned order) const { return order <= max_order_ ? free_count_[order] : 0; }
  // Everything has coalesced back to the initial single free block.
  bool fully_coalesced() const { return free_count_[max_order_] == 1; }
  // The size of the live allocation starting at offset, or 0 when none does.
  std::uint64_t allocated_bytes(std::uint64_t offset) const;
  // Every free block, in address order (a walk of the whole range: O(blocks)).
  std::vector<BuddyBlock> free_blocks_by_address() const;
  // Every live allocation, in address order.
  std::vector<BuddyBlock> allocations_by_address() const;
  // Walks every structure and returns what is wrong ("" when sound): blocks
  // tile the range, free lists agree with block states, counts add up.
  std::string check_consistency() const;

 private:
  enum class State : std::uint8_t { Interior, Free, Allocated };
  static constexpr std::uint32_t kNil = UINT32_MAX;

  void push_free(std::uint32_t index, unsigned order);
  void unlink_free(std::uint32_t index, unsigned order);
  bool is_live_head(std::uint64_t offset, std::uint32_t& index) const;
  std::uint32_t units(unsigned order) const { return std::uint32_t{1} << order; }

  std::uint64_t min_block_bytes_;
  unsigned min_shift_;  // log2(min_block_bytes_)
  unsigned max_order_;
  BuddyBugs bugs_;
  // Indexed by minimum-block index; meaningful at a block's first index (its
  // head). Every other index of a block is Interior.
  // The four fields of a block sit together: a split or a merge touches one
  // cache line per level instead of four (bench/shm_bench's worst case, an
  // empty 64 MiB range, went from about 380 to 125-170 ns per pair).
  struct Node {
    std::uint32_t next = kNil;  // free-list links, valid while the head is Free
    std::uint32_t prev = kNil;
    State state = State::Interior;
    std::uint8_t order = 0;
  };
  std::vector<Node> node_;
  std::uint32_t head_[kMaxOrderLimit + 1];
  std::uint32_t free_count_[kMaxOrderLimit + 1];
  std::uint32_t nonempty_ = 0;  // bit k: the free list of order k is non-empty
  std::uint64_t free_units_ = 0;
};

}  // namespace ipcsim::shm

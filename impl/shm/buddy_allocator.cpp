#include "impl/shm/buddy_allocator.hpp"

#include <bit>
#include <sstream>

#include "sim/check.hpp"

namespace ipcsim::shm {

const char* to_string(BuddyError e) {
  switch (e) {
    case BuddyError::None: return "none";
    case BuddyError::ZeroSize: return "zero-size request";
    case BuddyError::TooLarge: return "larger than the whole range";
    case BuddyError::OutOfMemory: return "out of memory";
    case BuddyError::NotAllocated: return "not the start of a live allocation";
    case BuddyError::NeedsMove: return "cannot grow in place";
  }
  return "?";
}

BuddyAllocator::BuddyAllocator(const BuddyConfig& config)
    : min_block_bytes_(config.min_block_bytes), min_shift_(0), max_order_(config.max_order), bugs_(config.bugs) {
  if (!std::has_single_bit(min_block_bytes_)) {
    throw sim::UsageError("buddy allocator: min_block_bytes " + std::to_string(min_block_bytes_) +
                          " is not a power of two");
  }
  min_shift_ = static_cast<unsigned>(std::countr_zero(min_block_bytes_));
  // The range must fit in 63 bits so that rounding a request up cannot overflow.
  if (max_order_ > kMaxOrderLimit || min_shift_ + max_order_ > 62) {
    throw sim::UsageError("buddy allocator: max_order " + std::to_string(max_order_) + " is above the limit " +
                          std::to_string(kMaxOrderLimit) + " (or the range exceeds 2^62 bytes)");
  }
  const std::size_t n = std::size_t{1} << max_order_;
  // All allocation of bookkeeping happens here, never per operation.
  node_.assign(n, Node{});
  for (unsigned k = 0; k <= kMaxOrderLimit; ++k) {
    head_[k] = kNil;
    free_count_[k] = 0;
  }
  push_free(0, max_order_);
}

unsigned BuddyAllocator::order_for(std::uint64_t bytes) const {
  IPCSIM_ASSERT(bytes >= 1 && bytes <= capacity_bytes());
  const std::uint64_t blocks = (bytes + min_block_bytes_ - 1) >> min_shift_;
  return static_cast<unsigned>(std::bit_width(blocks - 1));
}

void BuddyAllocator::push_free(std::uint32_t index, unsigned order) {
  node_[index].state = State::Free;
  node_[index].order = static_cast<std::uint8_t>(order);
  node_[index].prev = kNil;
  node_[index].next = head_[order];
  if (head_[order] != kNil) node_[head_[order]].prev = index;
  head_[order] = index;
  ++free_count_[order];
  nonempty_ |= std::uint32_t{1} << order;
  free_units_ += units(order);
}

// The caller gives the block its next state (Interior or Allocated).
void BuddyAllocator::unlink_free(std::uint32_t index, unsigned order) {
  const std::uint32_t p = node_[index].prev;
  const std::uint32_t n = node_[index].next;
  if (p != kNil) {
    node_[p].next = n;
  } else {
    head_[order] = n;
  }
  if (n != kNil) node_[n].prev = p;
  if (--free_count_[order] == 0) nonempty_ &= ~(std::uint32_t{1} << order);
  free_units_ -= units(order);
}

bool BuddyAllocator::is_live_head(std::uint64_t offset, std::uint32_t& index) const {
  if (offset >= capacity_bytes() || (offset & (min_block_bytes_ - 1)) != 0) return false;
  index = static_cast<std::uint32_t>(offset >> min_shift_);
  return node_[index].state == State::Allocated;
}

BuddyAlloc BuddyAllocator::allocate(std::uint64_t bytes) {
  if (bytes == 0) return {.error = BuddyError::ZeroSize};
  if (bytes > capacity_bytes()) return {.error = BuddyError::TooLarge};
  const unsigned k = order_for(bytes);
  const std::uint32_t available = nonempty_ >> k;
  if (available == 0) return {.error = BuddyError::OutOfMemory};
  // The smallest free block that holds the request, split down to its order.
  unsigned j = k + static_cast<unsigned>(std::countr_zero(available));
  const std::uint32_t i = head_[j];
  unlink_free(i, j);
  while (j > k) {
    --j;
    push_free(i + units(j), j);  // the upper half stays free
  }
  node_[i].state = State::Allocated;
  node_[i].order = static_cast<std::uint8_t>(k);
  return {.offset = std::uint64_t{i} << min_shift_, .bytes = block_bytes(k), .order = k};
}

BuddyError BuddyAllocator::free(std::uint64_t offset) {
  std::uint32_t i = 0;
  if (!is_live_head(offset, i)) return BuddyError::NotAllocated;
  unsigned k = node_[i].order;
  node_[i].state = State::Interior;
  if (!bugs_.no_coalesce) {
    // The buddy is always the head of some block (the blocks tile the range
    // and it starts an aligned region), so its state and order are current.
    while (k < max_order_) {
      const std::uint32_t b = i ^ units(k);
      if (node_[b].state != State::Free || node_[b].order != k) break;
      unlink_free(b, k);
      node_[b].state = State::Interior;
      i &= b;  // the lower of the pair heads the merged block
      ++k;
    }
  }
  push_free(i, k);
  return BuddyError::None;
}

BuddyError BuddyAllocator::resize(std::uint64_t offset, std::uint64_t bytes) {
  std::uint32_t i = 0;
  if (!is_live_head(offset, i)) return BuddyError::NotAllocated;
  if (bytes == 0) return BuddyError::ZeroSize;
  if (bytes > capacity_bytes()) return BuddyError::TooLarge;
  const unsigned k = node_[i].order;
  const unsigned target = order_for(bytes);
  if (target < k) {
    // Contract: give back the upper half at each level. None of these halves
    // can merge: its buddy is the lower half, which stays (partly) allocated.
    for (unsigned j = k; j > target; --j) push_free(i + units(j - 1), j - 1);
  } else if (target > k) {
    // Grow in place: the block must start the target-order region and every
    // buddy above it, at each level, must be one whole free block.
    if ((i & (units(target) - 1)) != 0) return BuddyError::NeedsMove;
    for (unsigned j = k; j < target; ++j) {
      const std::uint32_t b = i + units(j);
      if (node_[b].state != State::Free || node_[b].order != j) return BuddyError::NeedsMove;
    }
    for (unsigned j = k; j < target; ++j) {
      const std::uint32_t b = i + units(j);
      unlink_free(b, j);
      node_[b].state = State::Interior;
    }
  }
  node_[i].order = static_cast<std::uint8_t>(target);
  return BuddyError::None;
}

std::uint64_t BuddyAllocator::allocated_bytes(std::uint64_t offset) const {
  std::uint32_t i = 0;
  return is_live_head(offset, i) ? block_bytes(node_[i].order) : 0;
}

std::vector<BuddyBlock> BuddyAllocator::free_blocks_by_address() const {
  std::vector<BuddyBlock> out;
  for (std::uint32_t i = 0; i < units(max_order_); i += units(node_[i].order)) {
    if (node_[i].state == State::Free) out.push_back({std::uint64_t{i} << min_shift_, node_[i].order});
  }
  return out;
}

std::vector<BuddyBlock> BuddyAllocator::allocations_by_address() const {
  std::vector<BuddyBlock> out;
  for (std::uint32_t i = 0; i < units(max_order_); i += units(node_[i].order)) {
    if (node_[i].state == State::Allocated) out.push_back({std::uint64_t{i} << min_shift_, node_[i].order});
  }
  return out;
}

std::string BuddyAllocator::check_consistency() const {
  std::ostringstream err;
  std::uint32_t counted[kMaxOrderLimit + 1] = {};
  std::uint64_t free_units = 0;
  const std::uint32_t n = units(max_order_);
  for (std::uint32_t i = 0; i < n;) {
    const unsigned k = node_[i].order;
    if (node_[i].state == State::Interior) {
      err << "index " << i << " starts no block but follows one that ended; ";
      return err.str();
    }
    if (k > max_order_ || (i & (units(k) - 1)) != 0 || i + units(k) > n) {
      err << "block at index " << i << " of order " << k << " is misaligned or overruns; ";
      return err.str();
    }
    for (std::uint32_t t = i + 1; t < i + units(k); ++t) {
      if (node_[t].state != State::Interior) {
        err << "index " << t << " inside the block at " << i << " is not interior; ";
        return err.str();
      }
    }
    if (node_[i].state == State::Free) {
      ++counted[k];
      free_units += units(k);
      // Full coalescing: a free block's buddy is never a whole free block of the same order.
      const std::uint32_t b = i ^ units(k);
      if (!bugs_.no_coalesce && k < max_order_ && node_[b].state == State::Free && node_[b].order == k && b > i) {
        err << "free buddies at " << i << " and " << b << " (order " << k << ") were not merged; ";
      }
    }
    i += units(k);
  }
  if (free_units != free_units_) err << "free units " << free_units_ << " but the blocks hold " << free_units << "; ";
  for (unsigned k = 0; k <= max_order_; ++k) {
    std::uint32_t listed = 0;
    std::uint32_t prev = kNil;
    for (std::uint32_t i = head_[k]; i != kNil && listed <= n; i = node_[i].next) {
      if (node_[i].state != State::Free || node_[i].order != k) err << "list " << k << " holds index " << i << " not free of that order; ";
      if (node_[i].prev != prev) err << "list " << k << " back link of " << i << " is wrong; ";
      prev = i;
      ++listed;
    }
    if (listed != counted[k] || free_count_[k] != counted[k]) {
      err << "order " << k << ": " << counted[k] << " free blocks, list holds " << listed << ", count says "
          << free_count_[k] << "; ";
    }
    if (((nonempty_ >> k) & 1U) != (counted[k] > 0 ? 1U : 0U)) err << "non-empty mask wrong at order " << k << "; ";
  }
  return err.str();
}

}  // namespace ipcsim::shm

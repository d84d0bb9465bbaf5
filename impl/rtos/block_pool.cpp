#include "impl/rtos/block_pool.hpp"

#include <vector>

namespace ipcsim::rtos {

namespace pl = layout::pcb;

const char* to_string(PoolKind k) {
  switch (k) {
    case PoolKind::Base:
      return "base";
    case PoolKind::Bcb:
      return "bcb";
    case PoolKind::Mcb:
      return "mcb";
    case PoolKind::Tcb:
      return "tcb";
  }
  return "?";
}

BlockPool::BlockPool(Space& space, sim::ObjectId rtos, sim::ObjectId id, std::string name, PoolKind pool_kind,
                     std::uint32_t block_size, std::uint32_t blocks, std::uint32_t index)
    : BodySource(space, Kind::Pool, rtos, id, std::move(name), index),
      pool_kind_(pool_kind),
      block_size_(block_size),
      stride_((block_size + 7) & ~7u),
      stride_magic_(UINT64_MAX / stride_ + 1),
      blocks_(blocks) {
  IPCSIM_ASSERT_MSG(block_size >= 4, "a block holds at least its free-list link");
  IPCSIM_ASSERT_MSG(blocks >= 1, "a pool has at least one block");
  const std::uint64_t bytes = static_cast<std::uint64_t>(stride_) * blocks;
  IPCSIM_ASSERT_MSG(bytes <= UINT32_MAX, "pool larger than the address space");
  handle_ = space.carve(pl::kSize, 8, "the control block of pool '" + name_ + "'");
  first_ = space.carve(static_cast<std::uint32_t>(bytes), 8, "the blocks of pool '" + name_ + "'");
  limit_ = first_ + static_cast<std::uint32_t>(bytes);
  format();
}

void BlockPool::format() {
  Space& s = *space_;
  s.st(handle_ + pl::kMagic, layout::kPcb);
  s.st(handle_ + pl::kKind, static_cast<std::uint32_t>(pool_kind_));
  s.st(handle_ + pl::kBlockSize, block_size_);
  s.st(handle_ + pl::kBlocks, blocks_);
  s.st(handle_ + pl::kFirst, first_);
  s.st(handle_ + pl::kIndex, index_);
  // Block 0 first: the pool hands out blocks in address order when fresh.
  for (std::uint32_t i = 0; i < blocks_; ++i) {
    s.st(block_at(i), i + 1 < blocks_ ? block_at(i + 1) : kNull);
  }
  if (pool_kind_ != PoolKind::Base) {
    // Control blocks also say they are free (word 1), so stale handles show.
    for (std::uint32_t i = 0; i < blocks_; ++i) s.st(block_at(i) + 4, layout::kFree);
  }
  s.st(handle_ + pl::kFreeHead, block_at(0));
  s.st(handle_ + pl::kFreeCount, blocks_);
  corrupted_link_ = kNull;
}

Addr BlockPool::corrupted(Addr head) {
  corrupted_link_ = head;
  space_->st(handle_ + pl::kFreeHead, kNull);
  return kNull;
}

void BlockPool::trace(const char* kind, Addr block) const {
  space_->world().emit(kind, id_, {{"rtos", rtos_}, {"pool", handle_}, {"block", block}});
}

std::uint32_t BlockPool::free_count() const { return space_->ld(handle_ + pl::kFreeCount); }

std::string BlockPool::check_free_list() const {
  const Space& s = *space_;
  if (s.ld(handle_ + pl::kMagic) != layout::kPcb) return "pool '" + name_ + "': PCB overwritten";
  if (corrupted_link_ != kNull) {
    return "pool '" + name_ + "': corrupted free list (link " + std::to_string(corrupted_link_) + ")";
  }
  std::vector<bool> seen(blocks_, false);
  std::uint32_t n = 0;
  for (Addr b = s.ld(handle_ + pl::kFreeHead); b != kNull; b = s.ld(b)) {
    if (!is_block(b)) return "pool '" + name_ + "': free list holds " + std::to_string(b) + ", not one of its blocks";
    const std::uint32_t i = block_index(b);
    if (seen[i]) return "pool '" + name_ + "': block " + std::to_string(b) + " is on the free list twice";
    seen[i] = true;
    ++n;
  }
  const std::uint32_t count = s.ld(handle_ + pl::kFreeCount);
  if (n != count) {
    return "pool '" + name_ + "': free list has " + std::to_string(n) + " blocks, free count says " +
           std::to_string(count);
  }
  return "";
}

}  // namespace ipcsim::rtos

// The buddy allocator on its own: rounding, splitting, buddy arithmetic,
// coalescing, out of memory, resizing, usage errors and the edges of orders.
#include "impl/shm/buddy_allocator.hpp"

#include <gtest/gtest.h>

#include "sim/check.hpp"

namespace ipcsim::shm {
namespace {

// 64-byte minimum blocks, 16 of them: a 1 KiB range (orders 0..4).
BuddyAllocator small(BuddyBugs bugs = {}) { return BuddyAllocator({.min_block_bytes = 64, .max_order = 4, .bugs = bugs}); }

TEST(Buddy, StartsAsOneFreeBlockOfMaximumOrder) {
  BuddyAllocator a = small();
  EXPECT_EQ(a.capacity_bytes(), 1024u);
  EXPECT_EQ(a.free_bytes(), 1024u);
  EXPECT_TRUE(a.fully_coalesced());
  EXPECT_EQ(a.free_blocks_by_address(), (std::vector<BuddyBlock>{{0, 4}}));
  EXPECT_EQ(a.check_consistency(), "");
}

TEST(Buddy, RoundsRequestsUpToAPowerOfTwoOfTheMinimumBlock) {
  BuddyAllocator a = small();
  EXPECT_EQ(a.order_for(1), 0u);
  EXPECT_EQ(a.order_for(64), 0u);
  EXPECT_EQ(a.order_for(65), 1u);
  EXPECT_EQ(a.order_for(128), 1u);
  EXPECT_EQ(a.order_for(129), 2u);
  EXPECT_EQ(a.order_for(1024), 4u);
  const BuddyAlloc b = a.allocate(100);
  ASSERT_TRUE(b);
  EXPECT_EQ(b.bytes, 128u);
  EXPECT_EQ(b.order, 1u);
  EXPECT_EQ(b.offset % 128, 0u);
  EXPECT_EQ(a.allocated_bytes(b.offset), 128u);
}

TEST(Buddy, SplitsTheSmallestSufficientBlockAndKeepsTheUpperHalvesFree) {
  BuddyAllocator a = small();
  const BuddyAlloc b = a.allocate(64);
  ASSERT_TRUE(b);
  EXPECT_EQ(b.offset, 0u);
  // 1024 split into 512+512, 256+256, 128+128, 64+64: one free block of each lower order.
  EXPECT_EQ(a.free_blocks_by_address(), (std::vector<BuddyBlock>{{64, 0}, {128, 1}, {256, 2}, {512, 3}}));
  EXPECT_EQ(a.free_bytes(), 1024u - 64u);
  // The next 64-byte request takes the free buddy, no further split.
  const BuddyAlloc c = a.allocate(10);
  ASSERT_TRUE(c);
  EXPECT_EQ(c.offset, 64u);
  EXPECT_EQ(a.free_blocks(0), 0u);
  EXPECT_EQ(a.check_consistency(), "");
}

TEST(Buddy, FindsTheBuddyByXorAndCoalescesBackToOneBlock) {
  BuddyAllocator a = small();
  std::vector<std::uint64_t> offsets;
  for (int n = 0; n < 16; ++n) {
    const BuddyAlloc b = a.allocate(64);
    ASSERT_TRUE(b);
    offsets.push_back(b.offset);
  }
  EXPECT_EQ(a.free_bytes(), 0u);
  // Free the even blocks: no buddy pair is free, nothing merges.
  for (int n = 0; n < 16; n += 2) ASSERT_EQ(a.free(n * 64), BuddyError::None);
  EXPECT_EQ(a.free_blocks(0), 8u);
  EXPECT_EQ(a.free_blocks(1), 0u);
  // Freeing 192 merges it with its buddy 192^64 = 128 into order 1 at 128;
  // that block's buddy 128^128 = 0 is only half free, so it stops there.
  ASSERT_EQ(a.free(192), BuddyError::None);
  EXPECT_EQ(a.free_blocks(0), 7u);
  EXPECT_EQ(a.free_blocks(1), 1u);
  EXPECT_EQ(a.allocate(128).offset, 128u);  // the merged block is what an order-1 request gets
  ASSERT_EQ(a.free(128), BuddyError::None);
  for (int n = 1; n < 16; n += 2) {
    if (n != 3) {
      ASSERT_EQ(a.free(n * 64), BuddyError::None);
    }
  }
  EXPECT_TRUE(a.fully_coalesced());
  EXPECT_EQ(a.free_blocks_by_address(), (std::vector<BuddyBlock>{{0, 4}}));
  EXPECT_EQ(a.free_bytes(), 1024u);
  EXPECT_EQ(a.check_consistency(), "");
}

TEST(Buddy, DoesNotMergeAdjacentBlocksThatAreNotBuddies) {
  // 128 (order 1, at 128) and 256 (order 1 at 256) are adjacent and equal in
  // size, but 128's buddy is 0 and 256's is 384: the claims' "adjacent is not
  // the same as buddy" trap.
  BuddyAllocator a = small();
  std::vector<BuddyAlloc> b;
  for (int n = 0; n < 8; ++n) b.push_back(a.allocate(128));
  ASSERT_EQ(a.free(128), BuddyError::None);
  ASSERT_EQ(a.free(256), BuddyError::None);
  EXPECT_EQ(a.free_blocks(1), 2u);
  EXPECT_EQ(a.free_blocks(2), 0u);
  EXPECT_EQ(a.check_consistency(), "");
}

TEST(Buddy, OutOfMemoryIsAnErrorThatChangesNothing) {
  BuddyAllocator a = small();
  ASSERT_TRUE(a.allocate(512));
  ASSERT_TRUE(a.allocate(256));
  const auto before = a.free_blocks_by_address();
  const BuddyAlloc b = a.allocate(300);  // needs 512: only 256 is left
  EXPECT_FALSE(b);
  EXPECT_EQ(b.error, BuddyError::OutOfMemory);
  EXPECT_EQ(a.free_blocks_by_address(), before);
  EXPECT_EQ(a.free_bytes(), 256u);
  EXPECT_TRUE(a.allocate(256));
  EXPECT_EQ(a.allocate(1).error, BuddyError::OutOfMemory);
  EXPECT_EQ(a.check_consistency(), "");
}

TEST(Buddy, RefusesZeroAndRequestsLargerThanTheRange) {
  BuddyAllocator a = small();
  EXPECT_EQ(a.allocate(0).error, BuddyError::ZeroSize);
  EXPECT_EQ(a.allocate(1025).error, BuddyError::TooLarge);
  EXPECT_EQ(a.allocate(UINT64_MAX).error, BuddyError::TooLarge);
  EXPECT_TRUE(a.fully_coalesced());
}

TEST(Buddy, DoubleFreeAndFreesOfOffsetsNeverAllocatedAreReported) {
  BuddyAllocator a = small();
  const BuddyAlloc b = a.allocate(256);
  ASSERT_TRUE(b);
  EXPECT_EQ(a.free(b.offset + 64), BuddyError::NotAllocated);  // inside the block
  EXPECT_EQ(a.free(b.offset + 1), BuddyError::NotAllocated);   // not a block boundary
  EXPECT_EQ(a.free(512), BuddyError::NotAllocated);            // a free block
  EXPECT_EQ(a.free(1024), BuddyError::NotAllocated);           // past the range
  EXPECT_EQ(a.free(UINT64_MAX), BuddyError::NotAllocated);
  EXPECT_EQ(a.free(b.offset), BuddyError::None);
  EXPECT_EQ(a.free(b.offset), BuddyError::NotAllocated);  // double free
  EXPECT_TRUE(a.fully_coalesced());
  EXPECT_EQ(a.check_consistency(), "");
}

TEST(Buddy, ShrinkGivesBackTheUpperHalvesInPlace) {
  BuddyAllocator a = small();
  const BuddyAlloc b = a.allocate(1024);
  ASSERT_TRUE(b);
  ASSERT_EQ(a.resize(b.offset, 100), BuddyError::None);
  EXPECT_EQ(a.allocated_bytes(0), 128u);
  EXPECT_EQ(a.free_blocks_by_address(), (std::vector<BuddyBlock>{{128, 1}, {256, 2}, {512, 3}}));
  EXPECT_EQ(a.free_bytes(), 1024u - 128u);
  ASSERT_EQ(a.free(0), BuddyError::None);
  EXPECT_TRUE(a.fully_coalesced());
}

TEST(Buddy, GrowsInPlaceWhenTheBuddiesAboveAreFree) {
  BuddyAllocator a = small();
  const BuddyAlloc b = a.allocate(64);
  ASSERT_TRUE(b);
  ASSERT_EQ(b.offset, 0u);
  ASSERT_EQ(a.resize(0, 500), BuddyError::None);  // absorbs 64, 128 and 256
  EXPECT_EQ(a.allocated_bytes(0), 512u);
  EXPECT_EQ(a.free_blocks_by_address(), (std::vector<BuddyBlock>{{512, 3}}));
  EXPECT_EQ(a.resize(0, 512), BuddyError::None);  // same order: nothing to do
  EXPECT_EQ(a.check_consistency(), "");
}

TEST(Buddy, GrowReportsNeedsMoveAndChangesNothingWhenABuddyIsTaken) {
  BuddyAllocator a = small();
  const BuddyAlloc low = a.allocate(64);
  const BuddyAlloc high = a.allocate(64);
  ASSERT_EQ(low.offset, 0u);
  ASSERT_EQ(high.offset, 64u);
  const auto before = a.free_blocks_by_address();
  EXPECT_EQ(a.resize(0, 128), BuddyError::NeedsMove);  // its buddy is live
  // The upper buddy cannot grow in place either: its order-1 region starts at 0.
  ASSERT_EQ(a.free(0), BuddyError::None);
  EXPECT_EQ(a.resize(64, 128), BuddyError::NeedsMove);
  EXPECT_EQ(a.allocated_bytes(64), 64u);
  EXPECT_EQ(a.resize(64, 2048), BuddyError::TooLarge);
  EXPECT_EQ(a.resize(64, 0), BuddyError::ZeroSize);
  EXPECT_EQ(a.resize(128, 64), BuddyError::NotAllocated);
  EXPECT_NE(a.free_blocks_by_address(), before);  // only the free above changed it
  EXPECT_EQ(a.check_consistency(), "");
}

TEST(Buddy, MinimumAndMaximumOrderEdges) {
  // max_order 0: one block, one allocation.
  BuddyAllocator one({.min_block_bytes = 4096, .max_order = 0});
  const BuddyAlloc b = one.allocate(1);
  ASSERT_TRUE(b);
  EXPECT_EQ(b.bytes, 4096u);
  EXPECT_EQ(one.allocate(1).error, BuddyError::OutOfMemory);
  EXPECT_EQ(one.free(0), BuddyError::None);
  EXPECT_TRUE(one.fully_coalesced());
  // The seed's sizes: 2 KiB and 4 KiB blocks from a 1-byte minimum.
  BuddyAllocator bytes({.min_block_bytes = 1, .max_order = 13});
  EXPECT_EQ(bytes.allocate(1500).bytes, 2048u);
  EXPECT_EQ(bytes.allocate(2049).bytes, 4096u);
  // The largest range allowed.
  BuddyAllocator big({.min_block_bytes = 64, .max_order = BuddyAllocator::kMaxOrderLimit});
  const BuddyAlloc all = big.allocate(big.capacity_bytes());
  ASSERT_TRUE(all);
  EXPECT_EQ(big.free_bytes(), 0u);
  EXPECT_EQ(big.free(all.offset), BuddyError::None);
  const BuddyAlloc tiny = big.allocate(1);
  ASSERT_TRUE(tiny);
  EXPECT_EQ(big.free_blocks(0), 1u);
  EXPECT_EQ(big.free_blocks(BuddyAllocator::kMaxOrderLimit - 1), 1u);
  EXPECT_EQ(big.free(tiny.offset), BuddyError::None);
  EXPECT_TRUE(big.fully_coalesced());
}

TEST(Buddy, RefusesAConfigurationItCannotHold) {
  EXPECT_THROW(BuddyAllocator({.min_block_bytes = 48, .max_order = 4}), sim::UsageError);
  EXPECT_THROW(BuddyAllocator({.min_block_bytes = 0, .max_order = 4}), sim::UsageError);
  EXPECT_THROW(BuddyAllocator({.min_block_bytes = 64, .max_order = BuddyAllocator::kMaxOrderLimit + 1}), sim::UsageError);
  EXPECT_THROW(BuddyAllocator({.min_block_bytes = std::uint64_t{1} << 50, .max_order = 20}), sim::UsageError);
}

TEST(Buddy, TheNoCoalesceVariantLeavesTheRangeFragmented) {
  BuddyAllocator a = small({.no_coalesce = true});
  const BuddyAlloc x = a.allocate(64);
  const BuddyAlloc y = a.allocate(64);
  ASSERT_EQ(a.free(x.offset), BuddyError::None);
  ASSERT_EQ(a.free(y.offset), BuddyError::None);
  // Every byte is free, yet the whole range cannot be had: the buddies never merged.
  EXPECT_EQ(a.free_bytes(), 1024u);
  EXPECT_FALSE(a.fully_coalesced());
  EXPECT_EQ(a.allocate(1024).error, BuddyError::OutOfMemory);
  // The correct allocator, same calls:
  BuddyAllocator good = small();
  ASSERT_EQ(good.free(good.allocate(64).offset), BuddyError::None);
  EXPECT_TRUE(good.allocate(1024));
}

}  // namespace
}  // namespace ipcsim::shm

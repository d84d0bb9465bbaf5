#include "sim/body.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ipcsim::sim {
namespace {

std::vector<std::byte> bytes(std::size_t n, unsigned char first) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>(first + i);
  return v;
}

TEST(Body, NewBytesAreZeroLikeAVectors) {
  for (std::size_t n : {1, 15, 16, 17, 64, 100, 4096, 4097, 10000}) {
    const Body b(n);
    ASSERT_EQ(b.size(), n);
    EXPECT_EQ(b.to_vector(), std::vector<std::byte>(n)) << n << " bytes";
  }
  EXPECT_TRUE(Body().empty());
  EXPECT_TRUE(Body(0).empty());
}

TEST(Body, ARecycledBlockComesBackZeroed) {
  // A body dropped with bytes in it leaves its block on this thread's list;
  // the next body of that size gets the same block, and must not see them.
  for (int round = 0; round < 3; ++round) {
    {
      Body dirty(bytes(64, 0xa0));
      EXPECT_EQ(dirty[0], std::byte{0xa0});
    }
    const Body clean(64);
    EXPECT_EQ(clean.to_vector(), std::vector<std::byte>(64));
  }
}

TEST(Body, CopiesMovesAndConversionsKeepTheBytes) {
  const std::vector<std::byte> v = bytes(100, 1);
  Body a = v;  // from a vector, implicitly, as Bus::send takes it
  EXPECT_EQ(a.to_vector(), v);
  Body b = a;
  EXPECT_EQ(b, a);
  b[0] = std::byte{0xff};
  EXPECT_NE(b, a) << "a copy has bytes of its own";
  Body c = std::move(a);
  EXPECT_TRUE(a.empty());  // a moved-from body is empty, as a moved-from vector is
  EXPECT_EQ(std::vector<std::byte>(c), v);
  c = b;
  EXPECT_EQ(c, b);
  c = Body(bytes(5000, 7));  // a heap block (beyond the size classes) replaces a pooled one
  EXPECT_EQ(c.to_vector(), bytes(5000, 7));
  const std::span<const std::byte> s = c;
  EXPECT_EQ(s.size(), 5000U);
  EXPECT_EQ(s[1], std::byte{8});
  std::size_t n = 0;
  for (std::byte x : Body{std::byte{1}, std::byte{2}}) n += static_cast<std::size_t>(x);
  EXPECT_EQ(n, 3U);
  c.clear();
  EXPECT_TRUE(c.empty());
}

TEST(Body, BodiesCrossThreadsAndOutliveTheirLists) {
  // Made on one thread, dropped on another (each thread has its own lists),
  // and dropped after that thread's lists were given back at its end.
  Body kept;
  std::thread t([&] {
    Body made(bytes(32, 3));
    kept = std::move(made);
    Body dropped(48);
  });
  t.join();
  EXPECT_EQ(kept.to_vector(), bytes(32, 3));
}

}  // namespace
}  // namespace ipcsim::sim

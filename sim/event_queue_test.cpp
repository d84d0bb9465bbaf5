#include "sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "sim/rng.hpp"

namespace ipcsim::sim {
namespace {

void noop(World&, void*, std::uint64_t) {}

TEST(EventQueue, OrdersByTimeThenSequence) {
  EventQueue q;
  q.push(at_ns(30), noop, nullptr, 1);
  q.push(at_ns(10), noop, nullptr, 2);
  q.push(at_ns(30), noop, nullptr, 3);
  q.push(at_ns(10), noop, nullptr, 4);
  q.push(at_ns(20), noop, nullptr, 5);
  std::vector<std::uint64_t> order;
  while (!q.empty()) order.push_back(q.pop().arg);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 4, 5, 1, 3}));
}

TEST(EventQueue, DaemonBitDoesNotChangeOrder) {
  EventQueue q;
  q.push(at_ns(5), noop, nullptr, 1, /*daemon=*/true);
  q.push(at_ns(5), noop, nullptr, 2, /*daemon=*/false);
  QueuedEvent a = q.pop();
  EXPECT_TRUE(a.daemon());
  EXPECT_EQ(a.arg, 1u);
  QueuedEvent b = q.pop();
  EXPECT_FALSE(b.daemon());
  EXPECT_EQ(b.sequence(), 1u);
}

// Compares the heap against a sorted reference on many random operations.
TEST(EventQueue, MatchesSortedReference) {
  EventQueue q;
  Rng rng(3);
  std::vector<std::pair<std::int64_t, std::uint64_t>> ref;  // (time, arg) in push order
  std::uint64_t arg = 0;
  std::vector<std::uint64_t> popped, expected;
  for (int round = 0; round < 2000; ++round) {
    const int pushes = static_cast<int>(rng.below(4));
    for (int i = 0; i < pushes; ++i) {
      const auto t = static_cast<std::int64_t>(rng.below(50));
      q.push(at_ns(t), noop, nullptr, arg);
      ref.emplace_back(t, arg++);
    }
    if (!ref.empty() && rng.below(2) == 0) {
      // Reference: smallest time, then earliest pushed.
      std::size_t best = 0;
      for (std::size_t i = 1; i < ref.size(); ++i) {
        if (ref[i].first < ref[best].first) best = i;
      }
      expected.push_back(ref[best].second);
      ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(best));
      popped.push_back(q.pop().arg);
    }
  }
  EXPECT_EQ(popped, expected);
  EXPECT_EQ(q.size(), ref.size());
}

}  // namespace
}  // namespace ipcsim::sim

#include "cli/scenario/shrink.hpp"

#include <gtest/gtest.h>

namespace ipcsim::scenario {
namespace {

using sim::ChoiceKind;
using sim::ChoiceList;

// A toy "program": it asks a fault question and a schedule question in turn,
// 40 times; it fails once two drops have fired, and it stops there (a real run
// records only the choices asked up to the failure).
std::optional<ChoiceList> toy(const ChoiceList& candidate) {
  ChoiceList recorded;
  int drops = 0;
  for (std::size_t i = 0; i < 80; ++i) {
    const ChoiceKind kind = i % 2 == 0 ? ChoiceKind::FaultDrop : ChoiceKind::Schedule;
    const std::uint32_t n = kind == ChoiceKind::Schedule ? 3 : 2;
    std::uint32_t v = 0;
    if (i < candidate.size() && candidate[i].kind == kind && candidate[i].value < n) v = candidate[i].value;
    recorded.push_back({kind, n, v});
    if (kind == ChoiceKind::FaultDrop && v == 1 && ++drops == 2) return recorded;
  }
  return std::nullopt;
}

TEST(ShrinkTest, FindsAMinimalFailingList) {
  // A noisy failing list: many faults and schedule choices, failing late.
  ChoiceList noisy;
  for (std::size_t i = 0; i < 80; ++i) {
    if (i % 2 == 0) {
      noisy.push_back({ChoiceKind::FaultDrop, 2, static_cast<std::uint32_t>(i >= 60 ? 1 : (i / 2) % 3 == 0)});
    } else {
      noisy.push_back({ChoiceKind::Schedule, 3, static_cast<std::uint32_t>(i % 3)});
    }
  }
  auto start = toy(noisy);
  ASSERT_TRUE(start);
  const ShrinkResult r = shrink_choices(*start, toy);
  ASSERT_TRUE(toy(r.choices)) << "the result still fails";
  EXPECT_EQ(*toy(r.choices), r.choices) << "and is exactly a recorded list";
  // Minimal: two drops as early as possible, nothing else.
  EXPECT_EQ(shrink_cost(r.choices).faults, 2u);
  EXPECT_EQ(shrink_cost(r.choices).nonzero_schedule, 0u);
  EXPECT_EQ(r.choices.size(), 3u);
  EXPECT_LT(shrink_cost(r.choices), shrink_cost(*start));
  EXPECT_FALSE(r.budget_spent);
}

TEST(ShrinkTest, RespectsTheRunBudget) {
  ChoiceList noisy;
  for (std::size_t i = 0; i < 80; ++i) noisy.push_back({i % 2 == 0 ? ChoiceKind::FaultDrop : ChoiceKind::Schedule, i % 2 == 0 ? 2u : 3u, 1});
  auto start = toy(noisy);
  ASSERT_TRUE(start);
  const ShrinkResult r = shrink_choices(*start, toy, 5);
  EXPECT_LE(r.runs, 5u);
  EXPECT_TRUE(r.budget_spent);
  EXPECT_TRUE(toy(r.choices));
}

}  // namespace
}  // namespace ipcsim::scenario

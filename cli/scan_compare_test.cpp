// compare-scan's engine on the performance case: 64 processors and a
// list of 1,000 slots, where the cached look-ahead pointer must need at least
// ten times fewer inspections per delivered message than the baseline, with
// no message missed; and the parsing of strategy names.
#include "cli/scan_compare.hpp"

#include <gtest/gtest.h>

namespace ipcsim::cli {
namespace {

TEST(ScanCompareTest, TheCachedPointerInspectsTenTimesFewerSlotsAt64ProcessorsAnd1000Slots) {
  CompareConfig c;
  c.processors = {64};
  c.list_lengths = {1000};
  c.seeds = 1;
  StrategySpec base, cached;
  std::string error;
  ASSERT_TRUE(parse_strategy("baseline", base, error));
  ASSERT_TRUE(parse_strategy("cached", cached, error));
  c.strategies = {base, cached};
  const std::vector<CompareRow> rows = compare_scan(c);
  ASSERT_EQ(rows.size(), 2u);
  for (const CompareRow& r : rows) {
    EXPECT_EQ(r.missed, 0u) << r.strategy << ": " << r.first_violation;
    EXPECT_EQ(r.delivered, 1000u * 8) << r.strategy;  // every message reached each of its 8 recipients
  }
  EXPECT_LE(rows[1].ratio_inspections, 0.1)
      << rows[1].inspections_per_message << " vs " << rows[0].inspections_per_message;
  EXPECT_LT(rows[1].ratio_p99, 1.0);
}

TEST(ScanCompareTest, StrategyNamesTakeTheirParameters) {
  StrategySpec s;
  std::string error;
  ASSERT_TRUE(parse_strategy("cached_fixed:4", s, error));
  EXPECT_EQ(s.config.strategy, scan::Strategy::CachedFixed);
  EXPECT_EQ(s.config.threshold, 4u);
  ASSERT_TRUE(parse_strategy("cached_adaptive:3-9", s, error));
  EXPECT_EQ(s.config.threshold_min, 3u);
  EXPECT_EQ(s.config.threshold_max, 9u);
  EXPECT_FALSE(parse_strategy("cached_adaptive:9-3", s, error));
  EXPECT_EQ(error, "cached_adaptive:MIN-MAX expects 1 <= MIN <= MAX, got \"9-3\"");
  EXPECT_FALSE(parse_strategy("lookahead", s, error));
  EXPECT_FALSE(parse_strategy("baseline:2", s, error));
}

}  // namespace
}  // namespace ipcsim::cli

#include "cli/scenario/replay_verdict.hpp"

#include <gtest/gtest.h>

namespace ipcsim::scenario {
namespace {

TEST(ReplayVerdict, ReproducedAsABrokenVariantExpects) {
  const ReplayVerdict v = judge_replay("no_double_delivery", "no_double_delivery", "no_double_delivery");
  EXPECT_TRUE(v.as_expected);
  EXPECT_TRUE(v.reproduces);
  EXPECT_EQ(v.text, "reproduces the violation of no_double_delivery, as the scenario expects");
}

TEST(ReplayVerdict, ReproducedWhereThePassWasExpectedIsABug) {
  const ReplayVerdict v = judge_replay("pass", "pool_origin", "pool_origin");
  EXPECT_FALSE(v.as_expected);
  EXPECT_TRUE(v.reproduces);
  EXPECT_EQ(v.text, "reproduces the violation of pool_origin: NOT as expected, the scenario expects a pass");
}

TEST(ReplayVerdict, APassWhereThePassWasExpectedMeansTheBugIsGone) {
  const ReplayVerdict v = judge_replay("pass", "", "pool_origin");
  EXPECT_TRUE(v.as_expected);
  EXPECT_FALSE(v.reproduces);
  EXPECT_EQ(v.text, "passes, as the scenario expects: the recorded violation of pool_origin no longer happens");
}

TEST(ReplayVerdict, APassWhereAViolationWasExpected) {
  const ReplayVerdict v = judge_replay("pool_origin", "", "pool_origin");
  EXPECT_FALSE(v.as_expected);
  EXPECT_EQ(v.text,
            "does NOT reproduce the violation of pool_origin: the run passes, NOT as expected, the scenario expects a "
            "violation of pool_origin");
}

// Even when the scenario expects what the run violated: the counterexample
// claimed something else, and the replay says so.
TEST(ReplayVerdict, AnotherViolationThanTheRecordedOneIsNeverAsExpected) {
  for (const std::string expect : {"pass", "no_double_delivery", "deadlock_free"}) {
    const ReplayVerdict v = judge_replay(expect, "no_double_delivery", "deadlock_free");
    EXPECT_FALSE(v.as_expected) << expect;
    EXPECT_FALSE(v.reproduces) << expect;
    EXPECT_EQ(v.text.rfind("does NOT reproduce the violation of deadlock_free: the run violates no_double_delivery "
                           "instead, NOT as expected",
                           0),
              0u)
        << v.text;
  }
}

}  // namespace
}  // namespace ipcsim::scenario

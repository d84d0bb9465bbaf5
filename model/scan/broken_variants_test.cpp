// The implementation under the monitors: the correct protocol passes every
// property on every strategy, and each broken variant is caught by the
// property it breaks (on a fixed seed, or on the first of a few seeds for a
// variant only some schedules expose).
#include <gtest/gtest.h>

#include "model/scan/harness.hpp"

namespace ipcsim::model::scan {
namespace {

using ipcsim::scan::Bugs;
using ipcsim::scan::ScanParams;
using ipcsim::scan::Strategy;
using testing::Outcome;
using testing::run_scan;
using namespace std::chrono_literals;

// Heavy removal and slot reuse: a small section, one recipient per message.
ScanParams churn(Strategy s) {
  ScanParams p{.processors = 4, .slots = 6, .messages = 40, .recipients = 1, .post_gap = 200ns, .scan_period = 500ns};
  p.strategy.strategy = s;
  p.strategy.threshold = 3;
  p.strategy.threshold_min = 2;
  p.strategy.threshold_max = 8;
  return p;
}

// The first seed in [1, seeds] whose run violates something.
Outcome first_violation(const ScanParams& p, std::uint64_t seeds, std::uint32_t cpus = 2) {
  Outcome o;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    o = run_scan(p, seed, cpus);
    if (!o.violated.empty()) return o;
  }
  return o;
}

TEST(ScanPropertiesTest, TheCorrectProtocolPassesOnEveryStrategy) {
  for (Strategy s : {Strategy::Baseline, Strategy::Cached, Strategy::CachedFixed, Strategy::CachedAdaptive}) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      ScanParams p = churn(s);
      p.urgent_percent = s == Strategy::Cached ? 0 : 20;
      p.recipients = 1 + static_cast<std::uint32_t>(seed % 3);
      const Outcome o = run_scan(p, seed);
      EXPECT_EQ(o.violated, "") << ipcsim::scan::to_string(s) << " seed " << seed << ": " << o.message;
      EXPECT_EQ(o.result.outcome, sim::RunOutcome::Quiescent);
      EXPECT_EQ(o.retrievals, 40u * p.recipients);
    }
  }
}

TEST(ScanPropertiesTest, NoResetConditionSkipsMessagesAfterSlotsAreReused) {
  ScanParams p = churn(Strategy::Cached);
  p.bugs = Bugs{.no_reset = true};
  const Outcome o = first_violation(p, 5);
  EXPECT_NE(o.violated, "");
  EXPECT_TRUE(o.violated == "exactly_once" || o.violated == "in_order" || o.violated == "live_slots_only")
      << o.violated << ": " << o.message;
}

TEST(ScanPropertiesTest, ARemovalThatLeavesADanglingNextLinkBreaksTheChain) {
  ScanParams p = churn(Strategy::Baseline);
  p.bugs = Bugs{.dangling_next = true};
  const Outcome o = run_scan(p, 1);
  EXPECT_EQ(o.violated, "well_formed_chain") << o.message;
}

TEST(ScanPropertiesTest, AddressOnlyValidityLetsAReusedSlotPass) {
  ScanParams p = churn(Strategy::Cached);
  p.bugs = Bugs{.address_only_validity = true};
  const Outcome o = first_violation(p, 20);
  EXPECT_TRUE(o.violated == "exactly_once" || o.violated == "in_order") << o.violated << ": " << o.message;
}

TEST(ScanPropertiesTest, ReadingTheSuccessorAfterTheRemovalSkipsMessages) {
  ScanParams p = churn(Strategy::Cached);
  p.bugs = Bugs{.successor_after_remove = true};
  p.burst = 3;
  p.recipients = 2;
  const Outcome o = first_violation(p, 200, 4);
  EXPECT_TRUE(o.violated == "exactly_once" || o.violated == "in_order") << o.violated << ": " << o.message;
}

TEST(ScanPropertiesTest, ACachedNullTakenForTheEndStarvesTheScanner) {
  ScanParams p = churn(Strategy::Cached);
  p.bugs = Bugs{.cached_null_is_end = true};
  const Outcome o = first_violation(p, 5);
  EXPECT_EQ(o.violated, "exactly_once") << o.message;
}

TEST(ScanPropertiesTest, ACounterRestartedAtEveryHitStarvesUrgentMessages) {
  ScanParams p = churn(Strategy::CachedFixed);
  p.slots = 40;
  p.messages = 60;
  p.post_gap = 50ns;
  p.urgent_percent = 30;
  p.strategy.threshold = 2;
  p.bugs = Bugs{.counter_restarts_on_hit = true};
  const Outcome o = first_violation(p, 10);
  EXPECT_EQ(o.violated, "exactly_once") << o.message;
}

TEST(ScanPropertiesTest, AnUnlockedScanInspectsFreedSlots) {
  ScanParams p = churn(Strategy::Baseline);
  p.bugs = Bugs{.unlocked_scan = true};
  const Outcome o = first_violation(p, 20, 4);
  EXPECT_NE(o.violated, "") << o.message;
}

}  // namespace
}  // namespace ipcsim::model::scan

// The scan strategies on a native list (the same code the simulated
// processors run): the seed's S1 (resume at the hit's successor), S3-S5
// (reset on an invalid pointer, generation included, and on a threshold),
// its property 8 (a threshold of 0 makes the cached scan the baseline) and
// the traps taken literally.
#include <gtest/gtest.h>

#include <vector>

#include "impl/scan/native_list.hpp"

namespace ipcsim::scan {
namespace {

struct List {
  NativeBytes b{16};
  NullTracer t;
  std::uint32_t add(std::uint32_t to, bool urgent = false) {
    const std::uint32_t r[] = {to};
    return list_add(b, t, Posting{.urgent = urgent, .recipients = r}).slot;
  }
  ScanResult scan(Cache& c, const StrategyConfig& cfg, std::uint32_t me, const Bugs& bugs = {}) {
    return scan_once(b, t, c, cfg, bugs, me);
  }
  // The recipient removes what it retrieved (removal at retrieval).
  void remove(Cache& c, const ScanResult& r, const Bugs& bugs = {}) {
    ASSERT_NE(r.hit, kNull);
    before_remove(b, c, r.hit, r.hit_gen);
    list_remove(b, t, r.hit, bugs);
  }
  std::vector<std::uint32_t> chain() {
    std::vector<std::uint32_t> out;
    for (std::uint32_t s = b.get32(kHdrHead); s != kNull && out.size() < 20; s = next_of(b, s)) out.push_back(s);
    return out;
  }
};

const StrategyConfig kBaseline{.strategy = Strategy::Baseline};
const StrategyConfig kCached{.strategy = Strategy::Cached};

TEST(ScanListTest, AddsAtTheTailUrgentAtTheHeadAndRemovesAnywhere) {
  List l;
  const std::uint32_t a = l.add(1), b = l.add(2), c = l.add(3, /*urgent=*/true);
  EXPECT_EQ(l.chain(), (std::vector<std::uint32_t>{c, a, b}));
  EXPECT_EQ(l.b.get32(kHdrTail), b);
  list_remove(l.b, l.t, a, {});
  EXPECT_EQ(l.chain(), (std::vector<std::uint32_t>{c, b}));
  EXPECT_EQ(prev_of(l.b, b), c);
  list_remove(l.b, l.t, b, {});
  EXPECT_EQ(l.b.get32(kHdrTail), c);
  // The freed slot is the next one taken, with a new generation.
  const std::uint32_t gen = gen_of(l.b, b);
  EXPECT_EQ(l.add(4), b);
  EXPECT_EQ(gen_of(l.b, b), gen);
  EXPECT_EQ(l.b.get32(kHdrLive), 2u);
}

TEST(ScanListTest, DanglingNextLeavesThePredecessorPointingAtTheFreedSlot) {
  List l;
  const std::uint32_t a = l.add(1), b = l.add(2);
  l.add(3);
  list_remove(l.b, l.t, b, Bugs{.dangling_next = true});
  EXPECT_EQ(next_of(l.b, a), b);
  EXPECT_FALSE(live(l.b, b));
}

TEST(ScanTest, CachedScanResumesAtTheHitsSuccessor) {  // S1
  List l;
  l.add(1);
  const std::uint32_t mine = l.add(0);
  const std::uint32_t after = l.add(2);
  l.add(0);
  Cache c;
  ScanResult r = l.scan(c, kCached, 0);
  EXPECT_EQ(r.hit, mine);
  EXPECT_EQ(r.inspections, 2u);
  EXPECT_EQ(c.slot, after);
  r = l.scan(c, kCached, 0);
  EXPECT_FALSE(r.start.from_head);
  EXPECT_EQ(r.start.first, after);
  EXPECT_EQ(r.inspections, 2u);
  // The baseline walks from the head again.
  Cache none;
  List m;
  m.add(1), m.add(0), m.add(2), m.add(0);
  m.scan(none, kBaseline, 0);
  EXPECT_EQ(m.scan(none, kBaseline, 0).inspections, 4u);
}

TEST(ScanTest, ARemovedOrReusedCursorIsDetectedByItsGeneration) {  // S4, trap ABA
  for (bool address_only : {false, true}) {
    List l;
    const Bugs bugs{.address_only_validity = address_only};
    l.add(0);
    const std::uint32_t x = l.add(1);
    Cache c;
    ScanResult r = l.scan(c, kCached, 0, bugs);
    l.remove(c, r);
    ASSERT_EQ(c.slot, x);
    // x's message is retrieved and removed; x is reused for a newer message
    // behind another one for processor 0.
    const std::uint32_t older = l.add(0);
    Cache c1;
    l.remove(c1, l.scan(c1, kCached, 1));
    const std::uint32_t y = l.add(0);
    ASSERT_EQ(y, x);
    r = l.scan(c, kCached, 0, bugs);
    if (address_only) {
      EXPECT_EQ(r.start.reset, Reset::None);
      EXPECT_EQ(r.hit, y) << "the literal reading jumps over the older message";
    } else {
      EXPECT_EQ(r.start.reset, Reset::Invalid);
      EXPECT_TRUE(r.start.from_head);
      EXPECT_EQ(r.hit, older);
    }
  }
}

TEST(ScanTest, AThresholdBoundsHowLongAMessageBehindTheCursorWaits) {  // S5, property 1
  const StrategyConfig fixed{.strategy = Strategy::CachedFixed, .threshold = 3};
  List l;
  for (int i = 0; i < 6; ++i) l.add(0);
  Cache c;
  l.remove(c, l.scan(c, fixed, 0));
  const std::uint32_t urgent = l.add(0, /*urgent=*/true);  // behind the cursor
  int scans = 0;
  for (;;) {
    ++scans;
    ScanResult r = l.scan(c, fixed, 0);
    ASSERT_NE(r.hit, kNull);
    l.remove(c, r);
    if (r.hit == urgent) {
      EXPECT_EQ(r.start.reset, Reset::Threshold);
      break;
    }
  }
  EXPECT_LE(scans, 3 + 1);
}

TEST(ScanTest, ACounterRestartedAtEveryHitNeverResetsABusyScanner) {  // trap "two counters"
  const StrategyConfig fixed{.strategy = Strategy::CachedFixed, .threshold = 2};
  List l;
  for (int i = 0; i < 8; ++i) l.add(0);
  Cache c;
  const Bugs bugs{.counter_restarts_on_hit = true};
  l.remove(c, l.scan(c, fixed, 0, bugs));
  const std::uint32_t urgent = l.add(0, true);
  for (int i = 0; i < 7; ++i) {
    ScanResult r = l.scan(c, fixed, 0, bugs);
    EXPECT_NE(r.hit, urgent);
    EXPECT_EQ(r.start.reset, Reset::None);
    l.remove(c, r);
  }
}

TEST(ScanTest, TheAdaptiveThresholdHalvesOnASkipAndDoublesOtherwise) {
  const StrategyConfig ad{.strategy = Strategy::CachedAdaptive, .threshold_min = 2, .threshold_max = 8};
  List l;
  l.b = NativeBytes(64);
  for (int i = 0; i < 40; ++i) l.add(0);  // kept in the list: another recipient would remove them
  Cache c;
  std::vector<std::uint32_t> thresholds;
  for (int i = 0; i < 20; ++i) {
    const ScanResult r = l.scan(c, ad, 0);
    ASSERT_NE(r.hit, kNull);
    if (r.start.reset == Reset::Threshold) {
      EXPECT_FALSE(r.skip_observed);
      thresholds.push_back(c.threshold);
    }
  }
  EXPECT_EQ(thresholds, (std::vector<std::uint32_t>{4, 8, 8})) << "no skip seen: doubled, then capped";
  l.add(0, /*urgent=*/true);  // behind the cursor
  for (int i = 0; i < 10; ++i) {
    const ScanResult r = l.scan(c, ad, 0);
    if (r.start.reset == Reset::Threshold) {
      EXPECT_TRUE(r.skip_observed);
      EXPECT_EQ(c.threshold, 4u);
      return;
    }
  }
  ADD_FAILURE() << "no threshold reset within 10 scans";
}

TEST(ScanTest, AZeroThresholdMakesTheCachedScanTheBaseline) {  // property 8
  const StrategyConfig zero{.strategy = Strategy::CachedFixed, .threshold = 0};
  List a, b;
  for (std::uint32_t i = 0; i < 10; ++i) {
    a.add(i % 3);
    b.add(i % 3);
  }
  Cache ca, cb;
  for (int i = 0; i < 12; ++i) {
    const ScanResult ra = a.scan(ca, zero, i % 3);
    const ScanResult rb = b.scan(cb, kBaseline, i % 3);
    EXPECT_EQ(ra.inspections, rb.inspections);
    EXPECT_EQ(ra.hit, rb.hit);
    if (ra.hit != kNull) a.remove(ca, ra);
    if (rb.hit != kNull) b.remove(cb, rb);
  }
}

TEST(ScanTest, ATailHitIsKeptAsResumeAfterNotAsANullSuccessor) {  // trap "saving a value"
  for (bool literal : {false, true}) {
    List l;
    const Bugs bugs{.cached_null_is_end = literal};
    l.add(1);
    l.add(0);
    Cache c;
    ScanResult r = l.scan(c, kCached, 0, bugs);
    ASSERT_NE(r.hit, kNull);
    // Processor 0 keeps the message (another recipient would remove it).
    const std::uint32_t later = l.add(0);
    r = l.scan(c, kCached, 0, bugs);
    if (literal) {
      EXPECT_EQ(r.hit, kNull) << "a cached null is taken for the end of the list";
    } else {
      EXPECT_EQ(r.hit, later);
      EXPECT_EQ(r.inspections, 1u);
    }
  }
}

TEST(ScanTest, WithoutChurnTheCachedScanNeverInspectsMore) {  // property 7
  List a, b;
  for (std::uint32_t i = 0; i < 14; ++i) {
    a.add(i % 4);
    b.add(i % 4);
  }
  Cache ca[4], cb[4];
  std::uint64_t cached = 0, baseline = 0;
  for (int i = 0; i < 4; ++i) {
    for (std::uint32_t me = 0; me < 4; ++me) {
      const ScanResult ra = a.scan(ca[me], kCached, me);
      const ScanResult rb = b.scan(cb[me], kBaseline, me);
      EXPECT_LE(ra.inspections, rb.inspections);
      EXPECT_EQ(ra.hit, rb.hit);
      cached += ra.inspections;
      baseline += rb.inspections;
    }
  }
  EXPECT_LT(cached, baseline);
}

}  // namespace
}  // namespace ipcsim::scan

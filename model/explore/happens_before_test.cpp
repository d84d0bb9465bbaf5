#include "model/explore/happens_before.hpp"

#include <gtest/gtest.h>

namespace ipcsim::explore {
namespace {

using sim::Access;
using sim::AccessMode;
constexpr AccessMode R = AccessMode::Read;
constexpr AccessMode W = AccessMode::Write;

Footprint fp(std::initializer_list<Access> a) { return Footprint(a); }

TEST(HappensBefore, ConflictingStepsOfTwoActorsRace) {
  HappensBefore hb;
  std::vector<std::size_t> races;
  hb.add(1, fp({{10, W}}), races);  // 0: A writes x
  EXPECT_TRUE(races.empty());
  hb.add(2, fp({{10, R}}), races);  // 1: B reads x
  EXPECT_EQ(races, std::vector<std::size_t>{0});
  EXPECT_TRUE(hb.precedes(0, 1));
  hb.add(2, fp({{11, R}}), races);  // 2: B reads y: nothing to race with
  EXPECT_TRUE(races.empty());
  EXPECT_TRUE(hb.precedes(1, 2)) << "program order";
  EXPECT_TRUE(hb.precedes(0, 2)) << "transitively";
}

TEST(HappensBefore, ReadsDoNotConflictAndRangesMustOverlap) {
  HappensBefore hb;
  std::vector<std::size_t> races;
  hb.add(1, fp({{10, R}}), races);
  hb.add(2, fp({{10, R}}), races);
  EXPECT_TRUE(races.empty());
  EXPECT_FALSE(hb.precedes(0, 1));
  hb.add(1, fp({{20, W, 0, 4}}), races);  // bytes [0, 4)
  hb.add(2, fp({{20, W, 4, 8}}), races);  // bytes [4, 8): disjoint
  EXPECT_TRUE(races.empty());
  hb.add(3, fp({{20, R, 3, 5}}), races);  // overlaps both
  EXPECT_EQ(races, (std::vector<std::size_t>{2, 3}));
}

TEST(HappensBefore, ARaceHasNoStepInBetween) {
  // A: w(x); B: r(x) w(y); C: r(y) w(x). C's write conflicts with A's write,
  // but A -> B -> C already: only B <. C (on y), not A <. C.
  HappensBefore hb;
  std::vector<std::size_t> races;
  hb.add(1, fp({{10, W}}), races);
  hb.add(2, fp({{10, R}, {11, W}}), races);
  EXPECT_EQ(races, std::vector<std::size_t>{0});
  hb.add(3, fp({{11, R}, {10, W}}), races);
  EXPECT_EQ(races, std::vector<std::size_t>{1});
  EXPECT_TRUE(hb.precedes(0, 2));
}

TEST(HappensBefore, AWriteCoveringOlderAccessesKeepsOrderExact) {
  HappensBefore hb;
  std::vector<std::size_t> races;
  hb.add(1, fp({{20, W, 0, 2}}), races);  // 0
  hb.add(2, fp({{20, W}}), races);        // 1: whole object, covers 0
  EXPECT_EQ(races, std::vector<std::size_t>{0});
  hb.add(3, fp({{20, R, 0, 1}}), races);  // 2: races with 1 only (0 -> 1 -> 2)
  EXPECT_EQ(races, std::vector<std::size_t>{1});
  EXPECT_TRUE(hb.precedes(0, 2));
}

TEST(HappensBefore, InitialsOfTheReversal) {
  // 0 A: w(x)   1 B: w(z)   2 C: r(z)   3 B: r(x)
  // Race 0 <. 3. notdep(0) = [1, 2] (neither depends on A's write), then B:
  // v = B(1) C(2) B(3). B's first step in v has no predecessor in v: initial.
  // C's first step (2) depends on B's step 1: not an initial.
  HappensBefore hb;
  std::vector<std::size_t> races;
  hb.add(1, fp({{10, W}}), races);
  hb.add(2, fp({{12, W}}), races);
  hb.add(3, fp({{12, R}}), races);
  hb.add(2, fp({{10, R}}), races);
  EXPECT_EQ(races, std::vector<std::size_t>{0});
  std::vector<sim::ActorId> initials;
  hb.initials(0, 3, initials);
  EXPECT_EQ(initials, std::vector<sim::ActorId>{2});
  // Steps that happen after 0 are not in v: D reads x after A.
  hb.add(4, fp({{10, R}}), races);  // 4: D r(x), races with 0 (and not 3: reads)
  EXPECT_EQ(races, std::vector<std::size_t>{0});
  hb.initials(0, 4, initials);
  EXPECT_EQ(initials, (std::vector<sim::ActorId>{2, 4})) << "B (step 1) and D itself";
}

TEST(HappensBefore, DirectPredecessorsIncludeProgramOrder) {
  HappensBefore hb;
  std::vector<std::size_t> races;
  hb.add(1, fp({{10, W}}), races);
  hb.add(1, fp({{11, W}}), races);
  hb.add(2, fp({{10, R}, {11, R}}), races);
  EXPECT_EQ(hb.direct_predecessors(1), std::vector<std::size_t>{0});
  EXPECT_EQ(hb.direct_predecessors(2), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(hb.previous_of(1), 0u);
  EXPECT_EQ(hb.previous_of(2), SIZE_MAX);
  // 0 -> 1 -> 2: only step 1 races with step 2.
  EXPECT_EQ(races, std::vector<std::size_t>{1});
}

}  // namespace
}  // namespace ipcsim::explore

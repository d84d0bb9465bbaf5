// Wakeup trees (wakeup_tree.hpp): weak initials and insertion, on footprints
// written by hand.
#include "model/explore/wakeup_tree.hpp"

#include <gtest/gtest.h>

namespace ipcsim::explore::detail {
namespace {

constexpr sim::Access write(std::uint64_t object) { return {object, sim::AccessMode::Write}; }
constexpr sim::Access read(std::uint64_t object) { return {object, sim::AccessMode::Read}; }

WakeupStep step(sim::ActorId actor, Footprint f) { return WakeupStep{actor, std::move(f)}; }

TEST(WakeupTree, WeakInitialsAreInitialsAndStepsIndependentOfTheWholeSequence) {
  // v = a:w(x) b:r(x) c:w(y): a and c are initials, b waits for a.
  const WakeupSequence v = {step(1, {write(10)}), step(2, {read(10)}), step(3, {write(20)})};
  std::size_t at = 0;
  EXPECT_TRUE(weak_initial(step(1, {write(10)}), v, at));
  EXPECT_EQ(at, 0u);
  EXPECT_FALSE(weak_initial(step(2, {read(10)}), v, at));
  EXPECT_EQ(at, 1u);
  EXPECT_TRUE(weak_initial(step(3, {write(20)}), v, at));
  EXPECT_EQ(at, 2u);
  // Not in v: weak initial only when independent of every step of v.
  EXPECT_TRUE(weak_initial(step(4, {write(30)}), v, at));
  EXPECT_EQ(at, v.size());
  EXPECT_FALSE(weak_initial(step(4, {read(20)}), v, at));
}

TEST(WakeupTree, InsertKeepsOneBranchPerClassAndAddsTheRest) {
  WakeupForest f;
  // a:w(x) b:w(x): a new branch a -> b.
  EXPECT_TRUE(insert(f, {step(1, {write(10)}), step(2, {write(10)})}));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].step.actor, 1u);
  ASSERT_EQ(f[0].children.size(), 1u);
  EXPECT_EQ(f[0].children[0].step.actor, 2u);
  // c:w(y) a:w(x) b:w(x): a is an initial of it (c is independent), then b;
  // b is a leaf, so the sequence a b stands for it (a b c is equivalent):
  // nothing is added.
  EXPECT_FALSE(insert(f, {step(3, {write(20)}), step(1, {write(10)}), step(2, {write(10)})}));
  EXPECT_EQ(f.size(), 1u);
  // b:w(x) a:w(x): b goes first, the other order of the race: a new branch.
  EXPECT_TRUE(insert(f, {step(2, {write(10)}), step(1, {write(10)})}));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].step.actor, 2u);
  // a:w(x) c:w(x) b:w(x): a first, then c, which b depends on: under a, a
  // new branch c -> b beside the leaf b.
  EXPECT_TRUE(insert(f, {step(1, {write(10)}), step(3, {write(10)}), step(2, {write(10)})}));
  ASSERT_EQ(f[0].children.size(), 2u);
  EXPECT_EQ(f[0].children[1].step.actor, 3u);
  ASSERT_EQ(f[0].children[1].children.size(), 1u);
  EXPECT_EQ(f[0].children[1].children[0].step.actor, 2u);
  // A prefix of a sequence in the tree is explored with it.
  EXPECT_FALSE(insert(f, {step(1, {write(10)})}));
}

}  // namespace
}  // namespace ipcsim::explore::detail

#include "model/explore/happens_before.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ipcsim::explore {
namespace {

using sim::Access;
using sim::AccessMode;
constexpr AccessMode R = AccessMode::Read;
constexpr AccessMode W = AccessMode::Write;

Footprint fp(std::initializer_list<Access> a) { return Footprint(a); }
std::vector<std::size_t> preds(const HappensBefore& hb, std::size_t i) {
  const std::span<const std::size_t> p = hb.direct_predecessors(i);
  return {p.begin(), p.end()};
}

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
  EXPECT_EQ(preds(hb, 1), std::vector<std::size_t>{0});
  EXPECT_EQ(preds(hb, 2), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(hb.previous_of(1), 0u);
  EXPECT_EQ(hb.previous_of(2), SIZE_MAX);
  // 0 -> 1 -> 2: only step 1 races with step 2.
  EXPECT_EQ(races, std::vector<std::size_t>{1});
}

// A step drawn from a small space (4 actors, 3 objects, byte ranges within 8
// bytes, all three modes), so that writes cover, reads repeat and entries of
// the per-object index come and go.
struct StepDraw {
  sim::ActorId actor;
  Footprint footprint;
};
StepDraw draw_step(std::uint64_t& x) {
  auto next = [&](std::uint64_t n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (x >> 33) % n;
  };
  StepDraw s{static_cast<sim::ActorId>(1 + next(4)), {}};
  const std::uint64_t accesses = 1 + next(3);
  for (std::uint64_t k = 0; k < accesses; ++k) {
    const auto mode = static_cast<AccessMode>(next(3));
    const std::uint64_t object = 10 + next(3);
    const bool whole = next(6) == 0;
    // Object 10: ranges within 8 bytes; 11 and 12: ranges over a kilobyte,
    // some of them long, so that they share, span or exceed the index's buckets.
    std::uint64_t lo = next(8);
    std::uint64_t hi = lo + 1 + next(8 - lo);
    if (object != 10) {
      lo = next(24) * 40;
      hi = lo + 1 + (next(4) == 0 ? next(700) : next(90));
    }
    s.footprint.push_back(Access{object, mode, whole ? 0 : lo, whole ? 0 : hi});
  }
  return s;
}

// Everything a search asks of the order, for steps [0, size).
std::string describe(const HappensBefore& hb) {
  std::string out;
  for (std::size_t k = 0; k < hb.size(); ++k) {
    out += std::to_string(k) + ": actor " + std::to_string(hb.actor(k)) + " previous " +
           std::to_string(static_cast<std::int64_t>(hb.previous_of(k))) + " preds";
    for (std::size_t p : hb.direct_predecessors(k)) out += " " + std::to_string(p);
    out += " after";
    for (std::size_t i = 0; i < k; ++i) {
      if (hb.precedes(i, k)) out += " " + std::to_string(i);
    }
    std::vector<sim::ActorId> initials;
    for (std::size_t i = 0; i < k; ++i) {
      hb.initials(i, k, initials);
      out += " |";
      for (sim::ActorId a : initials) out += " " + std::to_string(a);
    }
    out += " first after:";
    for (std::size_t i = 0; i < k; ++i) out += " " + std::to_string(hb.first_of_actor_after(i, k));
    out += "\n";
  }
  return out;
}

// The index as its specification reads: every access kept in one list per
// key, each compared with all of them; an access removes what it stands for.
// Returns each step's conflicting predecessors, ascending.
std::vector<std::vector<std::size_t>> flat_index_preds(const std::vector<StepDraw>& steps) {
  struct Entry {
    std::size_t step;
    sim::ActorId actor;
    Access access;
  };
  auto covers = [](const Access& outer, const Access& inner) {
    if (outer.whole()) return true;
    if (inner.whole()) return false;
    return outer.lo <= inner.lo && inner.hi <= outer.hi;
  };
  std::map<std::uint64_t, std::vector<Entry>> by_key;
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t j = 0; j < steps.size(); ++j) {
    std::set<std::size_t> preds;
    for (const Access& a : steps[j].footprint) {
      for (const Entry& e : by_key[a.object]) {
        if (sim::conflicts(a, e.access)) preds.insert(e.step);
      }
    }
    for (const Access& a : steps[j].footprint) {
      std::erase_if(by_key[a.object], [&](const Entry& e) {
        if (a.mode == W) return covers(a, e.access);
        return a.mode == R && e.access.mode == R && e.actor == steps[j].actor && covers(a, e.access);
      });
      by_key[a.object].push_back(Entry{j, steps[j].actor, a});
    }
    out.emplace_back(preds.begin(), preds.end());
  }
  return out;
}

TEST(HappensBefore, TheBucketedIndexFindsWhatAFlatIndexFinds) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    std::uint64_t x = seed;
    std::vector<StepDraw> steps;
    for (int k = 0; k < 40; ++k) steps.push_back(draw_step(x));
    const std::vector<std::vector<std::size_t>> expected = flat_index_preds(steps);
    HappensBefore hb;
    std::vector<std::size_t> races;
    for (std::size_t j = 0; j < steps.size(); ++j) {
      hb.add(steps[j].actor, steps[j].footprint, races);
      // Direct predecessors: the conflicting ones and the actor's previous step.
      std::vector<std::size_t> want = expected[j];
      if (hb.previous_of(j) != SIZE_MAX) want.push_back(hb.previous_of(j));
      std::sort(want.begin(), want.end());
      want.erase(std::unique(want.begin(), want.end()), want.end());
      ASSERT_EQ(preds(hb, j), want) << "seed " << seed << ", step " << j;
    }
  }
}

// first_of_actor_after() is a binary search for what ControlledRun::reverse()
// used to find by walking back over j's actor's steps, one by one.
TEST(HappensBefore, FirstOfActorAfterIsTheWalkBack) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    std::uint64_t x = seed;
    HappensBefore hb;
    std::vector<std::size_t> races;
    for (int k = 0; k < 60; ++k) {
      const StepDraw s = draw_step(x);
      hb.add(s.actor, s.footprint, races);
    }
    for (std::size_t j = 1; j < hb.size(); ++j) {
      for (std::size_t i = 0; i < j; ++i) {
        std::size_t walked = j;
        while (hb.previous_of(walked) != SIZE_MAX && hb.previous_of(walked) > i &&
               hb.precedes(i, hb.previous_of(walked))) {
          walked = hb.previous_of(walked);
        }
        ASSERT_EQ(hb.first_of_actor_after(i, j), walked) << "seed " << seed << ", i " << i << ", j " << j;
      }
    }
  }
}

TEST(HappensBefore, TruncatingGivesWhatAddingThePrefixAloneGives) {
  // A stateless search keeps the happens-before of the prefix it replays
  // (controlled_run.hpp): truncate(n) and then adding other steps must give
  // the same order, races included, as adding the first n and those steps to
  // a fresh one.
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    std::uint64_t x = seed;
    std::vector<StepDraw> first;
    for (int k = 0; k < 24; ++k) first.push_back(draw_step(x));
    HappensBefore kept;
    std::vector<std::size_t> races;
    for (const StepDraw& s : first) kept.add(s.actor, s.footprint, races);
    for (std::size_t n : {std::size_t{17}, std::size_t{9}, std::size_t{0}}) {
      kept.truncate(n);
      std::vector<StepDraw> then;
      for (int k = 0; k < 12; ++k) then.push_back(draw_step(x));
      HappensBefore fresh;
      std::vector<std::size_t> fresh_races;
      for (std::size_t k = 0; k < n; ++k) fresh.add(first[k].actor, first[k].footprint, fresh_races);
      for (const StepDraw& s : then) {
        kept.add(s.actor, s.footprint, races);
        fresh.add(s.actor, s.footprint, fresh_races);
        ASSERT_EQ(races, fresh_races) << "seed " << seed << ", truncated to " << n;
      }
      ASSERT_EQ(describe(kept), describe(fresh)) << "seed " << seed << ", truncated to " << n;
      // What the next round truncates: the first n steps, then `then`.
      first.resize(n);
      first.insert(first.end(), then.begin(), then.end());
    }
  }
}

}  // namespace
}  // namespace ipcsim::explore

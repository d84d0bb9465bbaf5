#include "model/explore/pct_chooser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "model/explore/fuzz.hpp"
#include "model/explore/test_programs.hpp"
#include "testing/sweep.hpp"

namespace ipcsim::explore {
namespace {

// Records which actor took each step.
class StepLog final : public sim::Observer {
 public:
  void on_step(const sim::StepInfo& s) override { actors.push_back(s.actor); }
  std::vector<sim::ActorId> actors;
  int switches() const {
    int n = 0;
    for (std::size_t i = 1; i < actors.size(); ++i) n += actors[i] != actors[i - 1] ? 1 : 0;
    return n;
  }
};

struct Fixed final : sim::CandidateSource {
  sim::Candidate candidate(std::uint32_t i) const override { return {i + 1, i, 0}; }
};

TEST(PctChooser, DrawsDMinusOneDistinctChangePointsWithinK) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    PctChooser pct(seed, {.depth = 4, .expected_choices = 10});
    auto points = pct.change_points();
    ASSERT_EQ(points.size(), 3u);
    std::sort(points.begin(), points.end());
    EXPECT_EQ(std::unique(points.begin(), points.end()), points.end());
    for (auto p : points) {
      EXPECT_GE(p, 1u);
      EXPECT_LE(p, 10u);
    }
  }
  EXPECT_TRUE(PctChooser(1, {.depth = 1, .expected_choices = 10}).change_points().empty());
  EXPECT_EQ(PctChooser(1, {.depth = 5, .expected_choices = 2}).change_points().size(), 2u) << "at most k";
}

TEST(PctChooser, DepthOneRunsTheHighestPriorityActorToTheEnd) {
  // With no change point the priorities never change: whichever actor is
  // higher runs all its steps, then the other. One switch per run.
  testing::Depth2Bug p(4);
  int a_first = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    PctChooser pct(seed, {.depth = 1, .expected_choices = 12});
    StepLog log;
    run_once(p, pct, {}, {&log});
    EXPECT_EQ(log.switches(), 1) << "seed " << seed;
    a_first += log.actors.front() == 1 ? 1 : 0;
  }
  // Random initial priorities: both orders happen.
  EXPECT_GT(a_first, 5);
  EXPECT_LT(a_first, 35);
}

TEST(PctChooser, DepthTwoSwitchesAwayAtTheChangePoint) {
  testing::Depth2Bug p(4);
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    PctChooser pct(seed, {.depth = 2, .expected_choices = 12});
    StepLog log;
    run_once(p, pct, {}, {&log});
    // One change point: the first actor is lowered once (if the change point
    // falls while both are live), so at most 2 switches.
    EXPECT_LE(log.switches(), 2) << "seed " << seed;
  }
}

TEST(PctChooser, IsDeterministicPerSeed) {
  testing::Depth2Bug p(4);
  PctChooser a(9, {.depth = 3, .expected_choices = 12});
  PctChooser b(9, {.depth = 3, .expected_choices = 12});
  EXPECT_EQ(run_once(p, a, {}).choices, run_once(p, b, {}).choices);
}

TEST(PctChooser, AnswersOtherChoicesAsTheRandomChooserWould) {
  PctChooser pct(3, {.depth = 2, .expected_choices = 10});
  int fired = 0;
  const sim::ChoicePoint drop{sim::ChoiceKind::FaultDrop, 2, 100'000, 0, nullptr};
  for (int i = 0; i < 10'000; ++i) fired += static_cast<int>(pct.choose(drop));
  EXPECT_GT(fired, 850);
  EXPECT_LT(fired, 1150);
  const sim::ChoicePoint never{sim::ChoiceKind::FaultDrop, 2, 0, 0, nullptr};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(pct.choose(never), 0u);
  std::vector<int> seen(4, 0);
  const sim::ChoicePoint order{sim::ChoiceKind::MessageOrder, 4, 0, 0, nullptr};
  for (int i = 0; i < 4000; ++i) ++seen[pct.choose(order)];
  for (int s : seen) EXPECT_GT(s, 800);
}

TEST(PctChooser, PicksTheSameActorUntilTheChangePoint) {
  Fixed three;
  PctChooser pct(5, {.depth = 2, .expected_choices = 6});
  const std::uint64_t change = pct.change_points().at(0);
  const sim::ChoicePoint point{sim::ChoiceKind::Schedule, 3, 0, 0, &three};
  const std::uint32_t first = pct.choose(point);
  for (std::uint64_t k = 2; k <= change; ++k) EXPECT_EQ(pct.choose(point), first) << "choice " << k;
  if (change >= 1) {
    EXPECT_NE(pct.choose(point), first) << "lowered after its change point";
  }
}

std::uint64_t median(std::vector<std::uint64_t> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

TEST(PctVersusRandom, FindsTheDepthTwoBugInFewerRuns) {
  // Depth2Bug(4): A stores 1 then loads; B does 4 load/store increments. The
  // bug needs A's store before B's first load and all of B before A's load.
  // Uniform random: about (1/2) * (1/2)^8 per run. PCT with d = 2: A starts
  // higher (1/2) and the one change point falls on A's store (about 1/k).
  testing::Depth2Bug p(4);
  constexpr std::uint64_t kSeeds = sweep(51);
  constexpr std::uint64_t kCap = 20'000;
  std::vector<std::uint64_t> random_runs;
  std::vector<std::uint64_t> pct_runs;
  std::uint64_t k = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const FuzzReport r = fuzz(p, {.policy = Policy::Random, .first_seed = seed, .max_runs = kCap});
    const FuzzReport q = fuzz(p, {.policy = Policy::Pct, .depth = 2, .first_seed = seed, .max_runs = kCap});
    ASSERT_TRUE(r.first) << "random, seed " << seed;
    ASSERT_TRUE(q.first) << "pct, seed " << seed;
    EXPECT_EQ(r.first->property, "depth2");
    EXPECT_EQ(q.first->property, "depth2");
    random_runs.push_back(r.first->execution);
    pct_runs.push_back(q.first->execution);
    k = q.expected_choices;
  }
  const std::uint64_t random_median = median(random_runs);
  const std::uint64_t pct_median = median(pct_runs);
  std::cout << "depth-2 bug, median runs to the first violation over " << kSeeds << " seeds: random " << random_median
            << ", pct(d=2, k=" << k << ") " << pct_median << "\n";
  RecordProperty("random_median", static_cast<int>(random_median));
  RecordProperty("pct_median", static_cast<int>(pct_median));
  EXPECT_LT(pct_median * 4, random_median);
}

}  // namespace
}  // namespace ipcsim::explore

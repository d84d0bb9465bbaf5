// Sharding a search (explorer.hpp, "Splitting the search into shards"): K
// shards of a search with split depth d sum to the same search with K = 1 and
// the same d, count for count; their final states and violated properties
// unite to its sets, which are also those of the search without a split.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "model/explore/estimate.hpp"
#include "model/explore/explorer.hpp"
#include "model/explore/random_program.hpp"
#include "model/explore/test_programs.hpp"

namespace ipcsim::explore {
namespace {

ExploreOptions all(DporMode dpor, std::uint32_t split = 0, std::uint32_t index = 0, std::uint32_t count = 1) {
  ExploreOptions o;
  o.dpor = dpor;
  o.stop_on_violation = false;
  o.verify_counterexample = false;
  o.split_depth = split;
  o.shard_index = index;
  o.shard_count = count;
  return o;
}

struct Sum {
  std::uint64_t executions = 0, transitions = 0, redundant = 0, pruned = 0, races = 0, irreversible = 0,
                cross_instant = 0, events = 0, units = 0, violating = 0;
  std::set<std::uint64_t> final_states;
  std::set<std::string> properties;
  std::optional<Counterexample> first;  // of the lowest unit
  bool complete = true;
};

Sum shards(Program& p, DporMode dpor, std::uint32_t split, std::uint32_t count) {
  Sum s;
  for (std::uint32_t i = 0; i < count; ++i) {
    const ExploreReport r = exhaustive(p, all(dpor, split, i, count));
    s.executions += r.executions;
    s.transitions += r.transitions;
    s.redundant += r.redundant;
    s.pruned += r.pruned_branches;
    s.races += r.races;
    s.irreversible += r.irreversible_races;
    s.cross_instant += r.cross_instant_races;
    s.events += r.events;
    s.units += r.units_explored;
    s.violating += r.violating;
    s.final_states.insert(r.final_states.begin(), r.final_states.end());
    s.properties.insert(r.violated_properties.begin(), r.violated_properties.end());
    s.complete = s.complete && r.complete;
    if (r.counterexample && (!s.first || r.counterexample->unit < s.first->unit)) s.first = r.counterexample;
    EXPECT_EQ(r.units_explored, (r.units_total + count - 1 - i) / count) << p.name() << " shard " << i;
  }
  return s;
}

void expect_union_equals(Program& p, DporMode dpor, std::uint32_t split, std::uint32_t count) {
  const ExploreReport one = exhaustive(p, all(dpor, split, 0, 1));
  const ExploreReport unsplit = exhaustive(p, all(dpor));
  const Sum s = shards(p, dpor, split, count);
  const std::string where = p.name() + " split " + std::to_string(split) + " into " + std::to_string(count);
  EXPECT_EQ(s.executions, one.executions) << where;
  EXPECT_EQ(s.transitions, one.transitions) << where;
  EXPECT_EQ(s.redundant, one.redundant) << where;
  EXPECT_EQ(s.pruned, one.pruned_branches) << where;
  EXPECT_EQ(s.races, one.races) << where;
  EXPECT_EQ(s.irreversible, one.irreversible_races) << where;
  EXPECT_EQ(s.cross_instant, one.cross_instant_races) << where;
  EXPECT_EQ(s.events, one.events) << where;
  EXPECT_EQ(s.violating, one.violating) << where;
  EXPECT_EQ(s.units, one.units_total) << where;
  EXPECT_EQ(s.complete, one.complete) << where;
  EXPECT_EQ(std::vector<std::uint64_t>(s.final_states.begin(), s.final_states.end()), one.final_states) << where;
  EXPECT_EQ(std::vector<std::string>(s.properties.begin(), s.properties.end()), one.violated_properties) << where;
  // The split only gives up reduction above d: same states as without it.
  EXPECT_EQ(one.final_states, unsplit.final_states) << where;
  EXPECT_EQ(one.violated_properties, unsplit.violated_properties) << where;
  EXPECT_GE(one.executions, unsplit.executions) << where;
  ASSERT_EQ(s.first.has_value(), one.counterexample.has_value()) << where;
  if (s.first) {
    EXPECT_EQ(s.first->choices, one.counterexample->choices) << where;
    EXPECT_EQ(s.first->unit, one.counterexample->unit) << where;
  }
}

TEST(Shard, LostUpdateSplitsIntoShardsThatSumToTheWhole) {
  testing::LostUpdate p(3, 1);
  for (std::uint32_t split : {1u, 4u}) {
    for (std::uint32_t count : {2u, 5u}) {
      for (DporMode mode : {DporMode::Plain, DporMode::Source, DporMode::Optimal}) {
        expect_union_equals(p, mode, split, count);
      }
    }
  }
}

TEST(Shard, AbbaDeadlockAndMutexPair) {
  testing::AbbaDeadlock abba;
  testing::SharedMutexPair pair;
  for (std::uint32_t split : {1u, 3u}) {
    expect_union_equals(abba, DporMode::Source, split, 2);
    expect_union_equals(pair, DporMode::Source, split, 3);
  }
}

// Random programs, with bus faults and priority changes: the shapes where
// DPOR's fall-backs and cross-instant races come in.
TEST(Shard, RandomProgramsSumToTheWhole) {
  int compared = 0, against_plain = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    testing::RandomProgram p(seed, {.bus_faults = seed % 2 == 0, .priority_changes = seed % 3 == 0});
    ExploreOptions probe = all(DporMode::Source);
    probe.max_executions = 400;
    if (!exhaustive(p, probe).complete) continue;
    expect_union_equals(p, DporMode::Source, 3, 3);
    expect_union_equals(p, DporMode::Optimal, 3, 3);
    // Against plain search too, when it finishes: the split keeps every state.
    ExploreOptions plain = all(DporMode::Plain);
    plain.max_executions = 3000;
    const ExploreReport whole = exhaustive(p, plain);
    if (whole.complete) {
      EXPECT_EQ(exhaustive(p, all(DporMode::Source, 3)).final_states, whole.final_states) << p.name();
      ++against_plain;
    }
    ++compared;
  }
  EXPECT_GE(compared, 8);
  EXPECT_GE(against_plain, 4);
}

// A unit that no shard owns is explored by none: with more shards than units,
// the surplus shards run nothing and say so.
TEST(Shard, MoreShardsThanUnits) {
  testing::SharedMutexPair p;
  const ExploreReport r = exhaustive(p, all(DporMode::Source, 1, 7, 8));
  EXPECT_LT(r.units_total, 8u);
  EXPECT_EQ(r.units_explored, 0u);
  EXPECT_EQ(r.executions, 0u);
  EXPECT_GT(r.skipped_runs, 0u);
  expect_union_equals(p, DporMode::Source, 1, 8);
}

TEST(Estimate, KnuthProbesEstimateThePlainTree) {
  // Paths of a non-uniform tree give different products; their mean is
  // unbiased, so with enough probes it lands near the plain tree's size.
  testing::LostUpdate lost(3, 1);
  const ExploreReport plain = exhaustive(lost, all(DporMode::Plain));
  const SizeEstimate e = knuth_estimate(lost, all(DporMode::Plain), 400);
  EXPECT_EQ(e.probes, 400u);
  EXPECT_GT(e.executions, 0.8 * static_cast<double>(plain.executions));
  EXPECT_LT(e.executions, 1.2 * static_cast<double>(plain.executions));
  EXPECT_LT(e.smallest, e.executions);
  EXPECT_GT(e.largest, e.executions);
  // Deterministic: the same probes give the same figure.
  EXPECT_EQ(knuth_estimate(lost, all(DporMode::Plain), 50).executions, knuth_estimate(lost, all(DporMode::Plain), 50).executions);
  RecordProperty("plain", std::to_string(plain.executions));
  RecordProperty("estimate", std::to_string(e.executions));
}

// Plain search: the DFS position only moves forward, to 1 at the last run.
// Under DPOR races add alternatives behind the search, so the fraction may
// step back; it still ends at 1.
TEST(Estimate, ExploredFractionGrowsToOne) {
  testing::LostUpdate p(3, 1);
  for (DporMode dpor : {DporMode::Plain, DporMode::Source}) {
    ExploreOptions o = all(dpor);
    o.progress_every = 1;
    std::vector<double> fractions;
    o.progress = [&](const SearchProgress& sp) { fractions.push_back(sp.explored_fraction); };
    const ExploreReport r = exhaustive(p, o);
    ASSERT_EQ(fractions.size(), r.executions);
    if (dpor == DporMode::Plain) {
      EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
    }
    EXPECT_GT(*std::min_element(fractions.begin(), fractions.end()), 0.0);
    EXPECT_LE(*std::max_element(fractions.begin(), fractions.end()), 1.0);
    EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
  }
}

}  // namespace
}  // namespace ipcsim::explore

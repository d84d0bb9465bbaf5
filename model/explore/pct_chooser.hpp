// PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
// Nagarakatte, "A Randomized Scheduler with Probabilistic Guarantees of Finding
// Bugs", ASPLOS 2010), as a sim::Chooser beside the uniform RandomChooser.
//
// With bug depth d and an estimate k of the number of scheduling steps:
//  - every actor gets a random priority above d when first seen as a candidate
//    (inserted at a uniformly random rank among the actors seen so far, which
//    amounts to a random permutation, as in the paper's step 1);
//  - d-1 distinct change points k_1..k_{d-1} are drawn uniformly in [1, k];
//  - at each Schedule choice the highest-priority candidate goes; when that
//    choice is the k_i-th, the chosen actor's priority drops to i (below every
//    initial priority), so from the next choice on others overtake it.
// A bug of depth d (d ordering constraints) is then found in one run with
// probability at least 1/(n k^(d-1)) for n actors.
//
// Steps here are Schedule choice points: steps with a single candidate offer
// nothing to decide, so k counts choices, not all steps. Estimate it from one
// run (fuzz.hpp does so when asked). Other choices are answered as the
// RandomChooser would: fault points fire with their probability, message
// order and delay amounts are uniform.
//
//   PctChooser pct(/*seed=*/7, {.depth = 2, .expected_choices = 40});
//   world.set_chooser(pct);
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/choice.hpp"
#include "sim/rng.hpp"

namespace ipcsim::explore {

class PctChooser final : public sim::Chooser {
 public:
  struct Config {
    std::uint32_t depth = 2;              // bug depth d >= 1 (d = 1: no change point)
    std::uint64_t expected_choices = 100;  // k: Schedule choices in a typical run
  };
  PctChooser(std::uint64_t seed, Config config);

  std::uint32_t choose(const sim::ChoicePoint& point) override;

  // The change points (1-based Schedule choice numbers) in the order drawn:
  // the i-th (from 1) lowers its actor to priority i, as in the paper.
  const std::vector<std::uint64_t>& change_points() const { return change_points_; }

 private:
  // Rank of `a`: larger is higher. Initial band ranks sit above every lowered one.
  std::uint64_t rank(sim::ActorId a);

  sim::Rng rng_;
  Config config_;
  std::vector<std::uint64_t> change_points_;
  std::vector<sim::ActorId> initial_;  // actors with their initial priority, highest first
  std::vector<std::pair<sim::ActorId, std::uint32_t>> lowered_;  // actor -> i (priority i < d)
  std::uint64_t schedule_choices_ = 0;
};

}  // namespace ipcsim::explore

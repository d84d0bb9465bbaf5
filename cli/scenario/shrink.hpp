// Shrinking a failing choice list before it is reported.
//
// A candidate list is tried by replaying it leniently (recorded values where
// they still fit, 0 = "first candidate, no fault" elsewhere and after its end);
// it is kept when the run still violates the same property and its own recorded
// list is smaller by the cost below. What is kept is always a list recorded by
// a real run, so a strict replay reproduces it exactly. Passes, repeated until
// nothing improves or the run budget is spent:
//   1. switch off faults one at a time (value 1 -> 0), last first;
//   2. cut the tail (shortest failing prefix, by bisection);
//   3. delete chunks (halving sizes, then every size from 8 to 1);
//   4. set schedule and order choices to 0 one at a time (fewer preemptions).
// Cost, compared in this order: faults fired, non-zero schedule/order choices,
// length, sum of values.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sim/choice.hpp"

namespace ipcsim::scenario {

struct ShrinkCost {
  std::uint64_t faults = 0;
  std::uint64_t nonzero_schedule = 0;
  std::uint64_t length = 0;
  std::uint64_t sum = 0;
  friend auto operator<=>(const ShrinkCost&, const ShrinkCost&) = default;
};
ShrinkCost shrink_cost(const sim::ChoiceList& list);

// Replays `candidate` leniently; returns the recorded list of that run when it
// violates the target property, nullopt otherwise.
using ShrinkOracle = std::function<std::optional<sim::ChoiceList>(const sim::ChoiceList& candidate)>;

struct ShrinkResult {
  sim::ChoiceList choices;
  std::uint64_t runs = 0;  // oracle calls
  bool budget_spent = false;
};

ShrinkResult shrink_choices(const sim::ChoiceList& failing, const ShrinkOracle& oracle, std::uint64_t max_runs = 2000);

}  // namespace ipcsim::scenario

#include "model/explore/pct_chooser.hpp"

#include <algorithm>

#include "sim/check.hpp"

namespace ipcsim::explore {

PctChooser::PctChooser(std::uint64_t seed, Config config) : rng_(seed), config_(config) {
  IPCSIM_ASSERT(config_.depth >= 1);
  const std::uint64_t k = std::max<std::uint64_t>(1, config_.expected_choices);
  const std::uint64_t wanted = std::min<std::uint64_t>(config_.depth - 1, k);
  // Distinct points; the loop ends because wanted <= k.
  while (change_points_.size() < wanted) {
    const std::uint64_t p = rng_.below(k) + 1;
    if (std::find(change_points_.begin(), change_points_.end(), p) == change_points_.end()) change_points_.push_back(p);
  }
}

std::uint64_t PctChooser::rank(sim::ActorId a) {
  for (const auto& [actor, priority] : lowered_) {
    if (actor == a) return priority;  // 1 .. d-1
  }
  auto it = std::find(initial_.begin(), initial_.end(), a);
  if (it == initial_.end()) {
    // First seen: a uniformly random rank among the actors with initial priorities.
    const auto pos = static_cast<std::ptrdiff_t>(rng_.below(initial_.size() + 1));
    it = initial_.insert(initial_.begin() + pos, a);
  }
  // Highest first in initial_: the front gets the largest rank, all above d.
  return config_.depth + (initial_.size() - static_cast<std::uint64_t>(it - initial_.begin()));
}

std::uint32_t PctChooser::choose(const sim::ChoicePoint& point) {
  IPCSIM_ASSERT(point.n >= 2);
  if (sim::is_fault(point.kind)) return rng_.chance_ppm(point.ppm) ? 1 : 0;
  if (point.kind != sim::ChoiceKind::Schedule) return static_cast<std::uint32_t>(rng_.below(point.n));
  IPCSIM_ASSERT(point.candidates != nullptr);
  ++schedule_choices_;
  // Give every new candidate its priority first, in index order, so the draws
  // do not depend on which candidate is compared first.
  for (std::uint32_t i = 0; i < point.n; ++i) (void)rank(point.candidates->candidate(i).actor);
  std::uint32_t best = 0;
  std::uint64_t best_rank = 0;
  for (std::uint32_t i = 0; i < point.n; ++i) {
    const std::uint64_t r = rank(point.candidates->candidate(i).actor);
    if (r > best_rank) {
      best_rank = r;
      best = i;
    }
  }
  for (std::size_t i = 0; i < change_points_.size(); ++i) {
    if (change_points_[i] != schedule_choices_) continue;
    const sim::ActorId chosen = point.candidates->candidate(best).actor;
    std::erase(initial_, chosen);
    std::erase_if(lowered_, [&](const auto& e) { return e.first == chosen; });
    lowered_.emplace_back(chosen, static_cast<std::uint32_t>(i + 1));
  }
  return best;
}

}  // namespace ipcsim::explore

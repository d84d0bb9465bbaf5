#include "cli/scenario/shrink.hpp"

#include <algorithm>
#include <vector>

namespace ipcsim::scenario {

ShrinkCost shrink_cost(const sim::ChoiceList& list) {
  ShrinkCost c;
  c.length = list.size();
  for (const auto& r : list) {
    c.sum += r.value;
    if (sim::is_fault(r.kind)) {
      c.faults += r.value;
    } else if (r.value != 0) {
      ++c.nonzero_schedule;
    }
  }
  return c;
}

namespace {

class Shrinker {
 public:
  Shrinker(sim::ChoiceList start, const ShrinkOracle& oracle, std::uint64_t max_runs)
      : best_(std::move(start)), cost_(shrink_cost(best_)), oracle_(oracle), max_runs_(max_runs) {}

  // Tries a candidate; keeps it when it still fails and is cheaper.
  bool attempt(const sim::ChoiceList& candidate) {
    if (runs_ >= max_runs_) return false;
    ++runs_;
    std::optional<sim::ChoiceList> recorded = oracle_(candidate);
    if (!recorded) return false;
    const ShrinkCost c = shrink_cost(*recorded);
    if (!(c < cost_)) return false;
    best_ = std::move(*recorded);
    cost_ = c;
    return true;
  }

  bool switch_off_faults() {
    bool improved = false;
    for (std::size_t i = best_.size(); i-- > 0;) {
      if (i >= best_.size() || !sim::is_fault(best_[i].kind) || best_[i].value == 0) continue;
      sim::ChoiceList c = best_;
      c[i].value = 0;
      improved = attempt(c) || improved;
    }
    return improved;
  }

  bool cut_tail() {
    // Bisect for the shortest prefix that still fails (failure is not monotone
    // in the prefix length, so this is a heuristic; every step is verified).
    std::size_t lo = 0, hi = best_.size();
    bool improved = false;
    while (lo + 1 < hi && runs_ < max_runs_) {
      const std::size_t mid = lo + (hi - lo) / 2;
      sim::ChoiceList c(best_.begin(), best_.begin() + static_cast<std::ptrdiff_t>(mid));
      if (attempt(c)) {
        improved = true;
        hi = std::min(mid, best_.size());
      } else {
        lo = mid;
      }
    }
    return improved;
  }

  // Chunk sizes: halving from half the list down to 9, then every size from 8
  // to 1, because programs ask questions in small repeating groups (a fault
  // point and a schedule choice per message, say) and only a chunk of a whole
  // group can go without shifting the kinds of everything after it.
  static std::vector<std::size_t> chunk_sizes(std::size_t n) {
    std::vector<std::size_t> sizes;
    for (std::size_t k = n / 2; k > 8; k /= 2) sizes.push_back(k);
    for (std::size_t k = std::min<std::size_t>(8, n); k >= 1; --k) sizes.push_back(k);
    return sizes;
  }

  bool delete_chunks() {
    bool improved = false;
    for (std::size_t k : chunk_sizes(best_.size())) {
      for (std::size_t i = 0; i + k <= best_.size() && runs_ < max_runs_;) {
        sim::ChoiceList c = best_;
        c.erase(c.begin() + static_cast<std::ptrdiff_t>(i), c.begin() + static_cast<std::ptrdiff_t>(i + k));
        if (attempt(c)) {
          improved = true;  // stay at i: the list under it changed
        } else {
          i += k;
        }
      }
    }
    return improved;
  }

  bool zero_values() {
    bool improved = false;
    for (std::size_t i = best_.size(); i-- > 0;) {
      if (i >= best_.size() || best_[i].value == 0 || sim::is_fault(best_[i].kind)) continue;
      sim::ChoiceList c = best_;
      c[i].value = 0;
      improved = attempt(c) || improved;
    }
    return improved;
  }

  ShrinkResult run() {
    for (;;) {
      bool improved = switch_off_faults();
      improved = cut_tail() || improved;
      improved = delete_chunks() || improved;
      improved = zero_values() || improved;
      if (!improved || runs_ >= max_runs_) break;
    }
    return ShrinkResult{best_, runs_, runs_ >= max_runs_};
  }

 private:
  sim::ChoiceList best_;
  ShrinkCost cost_;
  const ShrinkOracle& oracle_;
  std::uint64_t max_runs_;
  std::uint64_t runs_ = 0;
};

}  // namespace

ShrinkResult shrink_choices(const sim::ChoiceList& failing, const ShrinkOracle& oracle, std::uint64_t max_runs) {
  return Shrinker(failing, oracle, max_runs).run();
}

}  // namespace ipcsim::scenario

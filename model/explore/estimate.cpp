#include "model/explore/estimate.hpp"

#include <algorithm>
#include <optional>

#include "model/explore/search_state.hpp"
#include "model/explore/wall_deadline.hpp"
#include "sim/rng.hpp"

namespace ipcsim::explore {
namespace {

// Answers uniformly at random and multiplies the branching factors met within
// max_depth (past it the search would not branch either).
class ProbeChooser final : public sim::Chooser {
 public:
  ProbeChooser(std::uint64_t seed, std::uint32_t max_depth) : state_(seed), max_depth_(max_depth) {}
  std::uint32_t choose(const sim::ChoicePoint& point) override {
    if (depth_++ >= max_depth_) return 0;
    product_ *= point.n;
    // Multiply-shift instead of % keeps the pick unbiased enough for n << 2^32.
    const std::uint64_t r = sim::splitmix64(state_) >> 32;
    return static_cast<std::uint32_t>((r * point.n) >> 32);
  }
  double product() const { return product_; }

 private:
  std::uint64_t state_;
  std::uint32_t max_depth_;
  std::uint32_t depth_ = 0;
  double product_ = 1;
};

}  // namespace

SizeEstimate knuth_estimate(Program& program, const ExploreOptions& options, std::uint32_t probes, std::uint64_t seed,
                            std::optional<double> budget_seconds) {
  SizeEstimate e;
  e.asked = probes;
  RunSettings settings = options.run;
  settings.lock_order = nullptr;  // probes must not feed the search's graph
  settings.observers.clear();
  std::optional<detail::WallDeadline::Clock::time_point> budget_at;
  if (budget_seconds) budget_at = detail::WallDeadline::after(detail::WallDeadline::Clock::now(), *budget_seconds);
  double sum = 0;
  for (std::uint32_t i = 0; i < probes; ++i) {
    if (budget_at && detail::WallDeadline::Clock::now() >= *budget_at) break;
    std::uint64_t probe_seed = seed + i * 0x9e3779b97f4a7c15ULL;
    ProbeChooser chooser(sim::splitmix64(probe_seed), options.max_depth);
    std::optional<detail::WallDeadline> deadline;
    std::vector<sim::Observer*> observers;
    if (budget_at) observers.push_back(&deadline.emplace(*budget_at));
    run_once(program, chooser, settings, observers, 0, [&](RunContext& cx) {
      if (deadline) deadline->set_context(cx);
    });
    if (deadline && deadline->passed()) break;
    const double p = chooser.product();
    sum += p;
    e.smallest = i == 0 ? p : std::min(e.smallest, p);
    e.largest = std::max(e.largest, p);
    ++e.probes;
  }
  e.executions = e.probes == 0 ? 0 : sum / e.probes;
  return e;
}

namespace detail {

double explored_fraction(const std::vector<Node>& stack) {
  double behind = 0;
  double share = 1;  // the current node's share of the whole tree
  for (const Node& node : stack) {
    double k = 0, b = 1;
    if (node.schedule()) {
      // Explored before the current one, the current one, and those still to
      // come: in the backtrack set, not done, not asleep.
      k = static_cast<double>(node.done.size());
      std::size_t ahead = 0;
      for (sim::ActorId a : node.backtrack) {
        if (a != node.chosen() && !has_actor(node.done, a) && !has_actor(node.sleep, a)) ++ahead;
      }
      b = k + 1 + static_cast<double>(ahead);
    } else {
      k = node.value;
      b = node.n;
    }
    behind += share * k / b;
    share /= b;
  }
  return std::min(1.0, behind + share);
}

}  // namespace detail
}  // namespace ipcsim::explore

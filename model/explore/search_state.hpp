// The explorer's search state (internal to model/explore): the DFS stack of
// choice points with their DPOR sets, shared by the search loop (explorer.cpp)
// and the run it controls (controlled_run.hpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "model/explore/explorer.hpp"
#include "model/explore/step_tracker.hpp"
#include "model/explore/wakeup_tree.hpp"

namespace ipcsim::explore::detail {

// An actor whose next step was already explored from an equivalent state, with
// that step's footprint. `unknown`: the step never completed (a usage error
// aborted the run inside it), so it counts as dependent on everything.
// Sleep sets are copied at every choice point a run passes: the footprint is
// shared, not copied with them.
struct SleepEntry {
  sim::ActorId actor = sim::kNoActor;
  std::shared_ptr<const Footprint> shared_footprint;
  bool unknown = false;

  SleepEntry(sim::ActorId a, const Footprint& f, bool u)
      : actor(a), shared_footprint(std::make_shared<const Footprint>(f)), unknown(u) {}
  const Footprint& footprint() const { return *shared_footprint; }
};

inline bool has_actor(const std::vector<SleepEntry>& set, sim::ActorId a) {
  return std::any_of(set.begin(), set.end(), [a](const SleepEntry& e) { return e.actor == a; });
}
inline bool has_actor(const std::vector<sim::ActorId>& set, sim::ActorId a) {
  return std::find(set.begin(), set.end(), a) != set.end();
}

// Keeps the entries that the step leaves asleep: other actors, independent of it.
inline void wake_dependents(std::vector<SleepEntry>& sleep, const Step& step) {
  std::erase_if(sleep, [&](const SleepEntry& e) {
    return e.actor == step.actor || e.unknown || dependent(e.footprint(), step.footprint);
  });
}

// One choice point on the DFS stack, with the decision currently explored.
struct Node {
  sim::ChoiceKind kind = sim::ChoiceKind::Schedule;
  std::uint32_t n = 0;
  std::uint32_t value = 0;
  std::int64_t tree_id = -1;
  // Schedule choice points only.
  std::vector<sim::ActorId> candidates;  // by index, as the kernel numbered them
  std::vector<sim::ActorId> backtrack;   // to explore here (DPOR source set; all candidates without DPOR)
  // Optimal-DPOR (wakeup_tree.hpp): the sequences still to explore from here,
  // each root an actor of `backtrack` not yet explored.
  WakeupForest wakeup;
  // Optimal-DPOR, any kind of node: what the run follows after this node's
  // current value (a schedule node: the subtree of the root it took; other
  // kinds: the forest the run arrived with, the same for every value).
  WakeupForest after;
  std::vector<SleepEntry> done;          // explored before the current value
  std::vector<SleepEntry> sleep;         // the sleep set when the run arrived here
  Footprint step_footprint;              // the current value's step, in this run
  bool step_seen = false;
  sim::ActorId previous_actor = sim::kNoActor;  // took the step before this choice
  bool previous_yielded = false;
  std::uint32_t preemptions = 0;  // before this choice
  std::size_t steps_before = 0;   // DPOR: the run's steps before this choice point (its books' prefix)

  bool schedule() const { return kind == sim::ChoiceKind::Schedule; }
  sim::ActorId chosen() const { return candidates[value]; }
  // 1 when picking `a` here is a preemption (explorer.hpp defines it).
  std::uint32_t cost(sim::ActorId a) const {
    return previous_actor != sim::kNoActor && a != previous_actor && !previous_yielded &&
                   has_actor(candidates, previous_actor)
               ? 1
               : 0;
  }
};

struct SearchState {
  const ExploreOptions& options;
  ExploreReport& report;
  std::vector<Node> stack;
  std::size_t branch = 0;  // the node whose value is new in the coming run
  std::set<std::uint64_t> final_states;
  std::set<std::string> properties;

  bool dpor() const { return options.dpor != DporMode::Plain; }
  bool optimal() const { return options.dpor == DporMode::Optimal; }

  // Choice points above the split depth put every candidate in their
  // backtrack set (sleep sets still prune): explorer.hpp, sharding.
  bool unreduced(std::size_t idx) const { return idx < options.split_depth; }

  bool within_bound(const Node& node, sim::ActorId a) const {
    return !options.max_preemptions || node.preemptions + node.cost(a) <= *options.max_preemptions;
  }
};

}  // namespace ipcsim::explore::detail

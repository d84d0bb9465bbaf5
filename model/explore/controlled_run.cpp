#include "model/explore/controlled_run.hpp"

#include <algorithm>
#include <utility>

#include "sim/check.hpp"

namespace ipcsim::explore::detail {

void read_candidates(const sim::ChoicePoint& point, std::vector<sim::ActorId>& out) {
  IPCSIM_ASSERT(point.candidates != nullptr);
  out.resize(point.n);
  for (std::uint32_t i = 0; i < point.n; ++i) out[i] = point.candidates->candidate(i).actor;
}

std::uint32_t ControlledRun::choose(const sim::ChoicePoint& point) {
  if (cut_short() || !error_.empty()) return fallback(point);
  const std::size_t idx = next_node_;
  if (skip_ && idx >= s_.options.split_depth) {
    // Another shard's subtree: this run only had to find the prefix.
    skipped_ = true;
    if (cx_ != nullptr) cx_->request_stop("explorer: another shard's subtree");
    return fallback(point);
  }
  if (idx >= s_.options.max_depth) {
    depth_bounded_ = true;
    sleep_.clear();  // no pruning past the bound: the run just goes on
    return fallback(point);
  }
  ++next_node_;
  if (idx < s_.stack.size()) return replay(idx, point);
  return decide(point);
}

void ControlledRun::on_step(const sim::StepInfo& info) {
  ++s_.report.transitions;
  if (cut_short() || !error_.empty()) return;
  tracker_.on_step(info, step_);
  const std::int64_t node_index = std::exchange(pending_node_, -1);
  if (node_index >= 0) {
    Node& node = s_.stack[static_cast<std::size_t>(node_index)];
    if (node.chosen() != step_.actor) {
      return fail("the step after a schedule choice was taken by actor " + who(step_.actor) +
                  ", not by the chosen " + who(node.chosen()));
    }
    node.step_footprint = step_.footprint;
    node.step_seen = true;
    if (dpor_) {
      sleep_ = std::move(node_sleep_);
      wake_dependents(sleep_, step_);
    }
  } else if (dpor_ && !depth_bounded_) {
    // The only candidate: if it sleeps, the rest of this run is equivalent
    // to one explored already.
    if (has_actor(sleep_, step_.actor)) return become_redundant();
    wake_dependents(sleep_, step_);
  }
  if (dpor_) analyse(node_index, sim::to_ns(info.time));
  last_actor_ = step_.actor;
  last_yielded_ = step_.yielded;
}

std::uint32_t ControlledRun::fallback(const sim::ChoicePoint& point) {
  if (point.kind != sim::ChoiceKind::Schedule) return 0;
  for (std::uint32_t i = 0; i < point.n; ++i) {
    if (point.candidates->candidate(i).actor == last_actor_) return i;
  }
  return 0;
}

// By name when the program bound its World ("'slave0' (#2 on cpu1)").
std::string ControlledRun::who(sim::ActorId actor) const {
  const sim::World* w = cx_ != nullptr ? cx_->world() : nullptr;
  return w != nullptr ? w->describe_actor(actor) : "#" + std::to_string(actor);
}

void ControlledRun::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  if (cx_ != nullptr) cx_->request_stop("explorer: " + error_);
}

void ControlledRun::become_redundant() {
  redundant_ = true;
  if (cx_ != nullptr) cx_->request_stop("explorer: redundant (sleep set)");
}

void ControlledRun::become_preemption_cut() {
  preemption_cut_ = true;
  if (cx_ != nullptr) cx_->request_stop("explorer: every candidate is over the preemption bound");
}

std::uint32_t ControlledRun::replay(std::size_t idx, const sim::ChoicePoint& point) {
  Node& node = s_.stack[idx];
  if (idx == s_.branch) first_new_step_ = hb_.size();
  if (node.kind != point.kind || node.n != point.n) {
    fail("the program did not replay its prefix: choice #" + std::to_string(point.ordinal) + " was " +
         std::string(sim::choice_kind_name(node.kind)) + "/" + std::to_string(node.n) + ", now " +
         std::string(sim::choice_kind_name(point.kind)) + "/" + std::to_string(point.n) +
         " (is it deterministic, with a fresh World every run?)");
    return 0;
  }
  if (!node.schedule()) return node.value;
  read_candidates(point, scratch_);
  if (scratch_ != node.candidates || node.preemptions != preemptions_) {
    fail("the program did not replay its prefix: other candidates at choice #" + std::to_string(point.ordinal));
    return 0;
  }
  if (dpor_) {
    node_sleep_ = sleep_;
    for (const SleepEntry& e : node.done) node_sleep_.push_back(e);
  }
  pending_node_ = static_cast<std::int64_t>(idx);
  preemptions_ += node.cost(node.chosen());
  return node.value;
}

std::uint32_t ControlledRun::decide(const sim::ChoicePoint& point) {
  Node node;
  node.kind = point.kind;
  node.n = point.n;
  if (node.schedule()) {
    read_candidates(point, node.candidates);
    node.previous_actor = last_actor_;
    node.previous_yielded = last_yielded_;
    node.preemptions = preemptions_;
    if (dpor_) node.sleep = sleep_;
    // Default: the actor that went last, if it may go on (no preemption);
    // else the first candidate awake and within the preemption bound.
    auto allowed = [&](sim::ActorId a) { return !has_actor(node.sleep, a) && s_.within_bound(node, a); };
    std::optional<std::uint32_t> pick;
    for (std::uint32_t i = 0; i < node.n && !pick; ++i) {
      if (node.candidates[i] == last_actor_ && allowed(last_actor_)) pick = i;
    }
    for (std::uint32_t i = 0; i < node.n && !pick; ++i) {
      if (allowed(node.candidates[i])) pick = i;
    }
    if (!pick) {
      --next_node_;  // not pushed: nothing to explore here
      // Every candidate asleep: equivalent to a run explored already. Some
      // awake but over the bound: the bound, not DPOR, ends this run, and the
      // runs it stands for are not explored at all.
      const bool any_awake = std::any_of(node.candidates.begin(), node.candidates.end(),
                                         [&](sim::ActorId a) { return !has_actor(node.sleep, a); });
      if (any_awake) {
        become_preemption_cut();
      } else {
        become_redundant();
      }
      return fallback(point);
    }
    node.value = *pick;
    if (dpor_) {
      // Above the split depth every candidate is to be explored (sleep sets
      // still prune): no race below can add a backtrack point up there.
      node.backtrack = s_.unreduced(s_.stack.size()) ? node.candidates : std::vector<sim::ActorId>{node.chosen()};
      node_sleep_ = node.sleep;
    } else {
      node.backtrack = node.candidates;
    }
    pending_node_ = static_cast<std::int64_t>(s_.stack.size());
    preemptions_ += node.cost(node.chosen());
  }
  if (s_.options.tree != nullptr) {
    const std::int64_t parent = s_.stack.empty() ? 0 : s_.stack.back().tree_id;
    node.tree_id = s_.options.tree->add(parent, node.kind, node.n, node.value,
                                        node.schedule() ? node.chosen() : sim::kNoActor, false);
  }
  s_.stack.push_back(std::move(node));
  return s_.stack.back().value;
}

// Races of the step just added, reversed at the choice point before their
// first step (Source-DPOR). Races whose later step replays an older run were
// handled in that run.
void ControlledRun::analyse(std::int64_t node_index, std::int64_t time_ns) {
  hb_.add(step_.actor, step_.footprint, races_);
  step_node_.push_back(node_index);
  step_time_.push_back(time_ns);
  const std::size_t j = hb_.size() - 1;
  if (node_index >= 0) node_steps_.push_back(j);
  if (step_.dispatch) {
    // A CPU is held like a lock from a dispatch until its holder lets go, and
    // whatever the holder did meanwhile may order the two dispatches through
    // steps that had no choice point (the holder ran alone), hiding their
    // race. So, as DPOR for mutexes races each acquire with the previous
    // one, a dispatch races with the previous dispatch of its CPU by another
    // actor, however they are ordered (extra races only add exploration).
    if (dispatches_.size() <= step_.cpu) dispatches_.resize(step_.cpu + 1);
    std::vector<std::size_t>& on_cpu = dispatches_[step_.cpu];
    for (std::size_t k = on_cpu.size(); k-- > 0;) {
      if (hb_.actor(on_cpu[k]) == step_.actor) continue;
      if (std::find(races_.begin(), races_.end(), on_cpu[k]) == races_.end()) races_.push_back(on_cpu[k]);
      break;
    }
    on_cpu.push_back(j);
  }
  if (j < first_new_step_) return;
  ExploreReport& report = s_.report;
  for (std::size_t i : races_) {
    ++report.races;
    const Reversal r = reverse(i, j);
    if (r == Reversal::Covered || r == Reversal::Added) continue;
    if (r == Reversal::OverBound) {
      ++report.reversals_over_bound;
      continue;
    }
    // Not reversible where it happened: step i ran alone (its actor held
    // its CPU, or priorities left no one else), or no initial was a
    // candidate. Within one instant, the alternative that matters may lie
    // earlier in the instant, where i's own causes were decided: try the
    // reversal at i's direct predecessors of the same instant, and theirs
    // (Flanagan and Godefroid fall back to "all enabled" at the same point;
    // here that point has nothing else enabled). At any instant, j's actor
    // may have been waiting for its CPU since before i: try it where it last
    // was a candidate. What is left is counted: within an instant as
    // irreversible, across instants as time's doing (j's side was not ready).
    const bool same_instant = step_time_[i] == step_time_[j];
    bool over_bound = false;
    if (same_instant) {
      const FallBack f = fall_back(i, j);
      if (f.exhausted) ++report.fallbacks_exhausted;
      if (f.any) continue;
      over_bound = f.over_bound;
    }
    bool exhausted = false;
    const Reversal w = where_it_waited(i, j, exhausted);
    if (exhausted) ++report.fallbacks_exhausted;
    if (w == Reversal::Covered || w == Reversal::Added) continue;
    if (over_bound || w == Reversal::OverBound) {
      ++report.reversals_over_bound;
    } else if (same_instant) {
      ++report.irreversible_races;
    } else {
      ++report.cross_instant_races;
    }
  }
}

// Source-DPOR's step for the race (i, j): make sure some initial of
// notdep(i, E).j is explored at the choice point before i.
ControlledRun::Reversal ControlledRun::reverse(std::size_t i, std::size_t j) {
  // If j's actor has steps after i that happen after i, j cannot go before
  // i without them: the pair to reverse is (i, the first of those).
  while (hb_.previous_of(j) != SIZE_MAX && hb_.previous_of(j) > i && hb_.precedes(i, hb_.previous_of(j))) {
    j = hb_.previous_of(j);
  }
  const std::int64_t ni = step_node_[i];
  if (ni < 0) return Reversal::Impossible;
  Node& node = s_.stack[static_cast<std::size_t>(ni)];
  hb_.initials(i, j, initials_);
  const bool covered = std::any_of(initials_.begin(), initials_.end(), [&](sim::ActorId p) {
    return has_actor(node.backtrack, p) || has_actor(node.sleep, p);
  });
  if (covered) return Reversal::Covered;
  bool over_bound = false;
  for (sim::ActorId c : node.candidates) {
    if (!has_actor(initials_, c)) continue;
    if (!s_.within_bound(node, c)) {
      over_bound = true;
      continue;
    }
    node.backtrack.push_back(c);
    return Reversal::Added;
  }
  return over_bound ? Reversal::OverBound : Reversal::Impossible;
}

// Breadth-first over i's direct predecessors (of actors other than j's),
// until a reversal is covered or added on every path, within a budget.
ControlledRun::FallBack ControlledRun::fall_back(std::size_t i, std::size_t j) {
  const sim::ActorId aj = hb_.actor(j);
  fallback_queue_.clear();
  fallback_seen_.clear();
  auto push_preds = [&](std::size_t k) {
    for (std::size_t p : hb_.direct_predecessors(k)) {
      if (hb_.actor(p) == aj) continue;  // j's own past: nothing to reverse there
      if (step_time_[p] != step_time_[i]) continue;
      if (std::find(fallback_seen_.begin(), fallback_seen_.end(), p) != fallback_seen_.end()) continue;
      fallback_seen_.push_back(p);
      fallback_queue_.push_back(p);
    }
  };
  push_preds(i);
  FallBack f;
  std::size_t q = 0;
  for (; q < fallback_queue_.size() && q < kFallbackSteps; ++q) {
    const std::size_t k = fallback_queue_[q];
    const Reversal r = reverse(k, j);
    if (r == Reversal::Covered || r == Reversal::Added) {
      f.any = true;
      continue;
    }
    if (r == Reversal::OverBound) f.over_bound = true;
    push_preds(k);
  }
  f.exhausted = q < fallback_queue_.size();
  return f;
}

ControlledRun::Reversal ControlledRun::where_it_waited(std::size_t i, std::size_t j, bool& exhausted) {
  const sim::ActorId aj = hb_.actor(j);
  const std::size_t previous = hb_.previous_of(j);
  // The schedule nodes at or before step i, latest first, back to aj's previous step.
  auto it = std::upper_bound(node_steps_.begin(), node_steps_.end(), i);
  std::size_t scanned = 0;
  while (it != node_steps_.begin()) {
    const std::size_t k = *--it;
    if (previous != SIZE_MAX && k <= previous) break;
    if (++scanned > kFallbackSteps) {
      exhausted = true;
      break;
    }
    Node& node = s_.stack[static_cast<std::size_t>(step_node_[k])];
    if (!has_actor(node.candidates, aj)) continue;
    if (has_actor(node.backtrack, aj) || has_actor(node.sleep, aj)) return Reversal::Covered;
    if (!s_.within_bound(node, aj)) return Reversal::OverBound;
    node.backtrack.push_back(aj);
    return Reversal::Added;
  }
  return Reversal::Impossible;
}

}  // namespace ipcsim::explore::detail

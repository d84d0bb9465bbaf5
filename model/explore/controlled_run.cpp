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

void ControlledRun::start_run() {
  // The books up to the coming run's branch point stay: the run replays the
  // previous one up to there. The previous run may have stopped recording
  // sooner (cut short): what it recorded is a prefix of the coming run too.
  std::size_t keep = 0;
  if (dpor_ && !s_.stack.empty()) keep = std::min(hb_.size(), s_.stack[s_.branch].steps_before);
  hb_.truncate(keep);
  footprints_.resize(keep == 0 ? 0 : footprint_end_[keep - 1]);
  footprint_end_.resize(keep);
  if (optimal_) {
    step_dispatch_.resize(keep);
    step_woken_.resize(keep);
  }
  step_node_.resize(keep);
  step_time_.resize(keep);
  while (!node_steps_.empty() && node_steps_.back() >= keep) node_steps_.pop_back();
  for (std::vector<Dispatch>& on_cpu : dispatches_) {
    while (!on_cpu.empty() && on_cpu.back().step >= keep) on_cpu.pop_back();
  }
  // Everything else is this run's own.
  follow_.clear();
  woken_by_.clear();
  slept_until_.clear();
  sleeping_until_ = -1;
  woken_at_.clear();
  cx_ = nullptr;
  next_node_ = 0;
  pending_node_ = -1;
  sleep_.clear();
  node_sleep_.clear();
  last_actor_ = sim::kNoActor;
  last_yielded_ = false;
  preemptions_ = 0;
  redundant_ = false;
  preemption_cut_ = false;
  depth_bounded_ = false;
  skip_ = false;
  skipped_ = false;
  error_.clear();
  first_new_step_ = s_.stack.empty() ? 0 : SIZE_MAX;
  steps_seen_ = 0;
  tracker_ = StepTracker{};
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
    if (optimal_ && !follow_.empty()) {
      // A step no one chose: when it is the next step of a followed
      // sequence, the run goes on down that sequence; else it is a step the
      // sequences leave out (independent of them, it commutes) and they
      // still wait for their next step.
      for (WakeupNode& root : follow_) {
        if (root.step.actor != step_.actor) continue;
        WakeupForest rest = std::move(root.children);
        follow_ = std::move(rest);
        break;
      }
    }
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
  if (idx == s_.branch) {
    first_new_step_ = steps_seen_;
    // Optimal-DPOR: from the node whose value is new, the run follows what
    // that value leads to (a schedule node's `after` is used once).
    if (optimal_) follow_ = node.schedule() ? std::move(node.after) : node.after;
  }
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
  node.steps_before = steps_seen_;
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
    // Optimal-DPOR: a followed sequence decides first.
    if (optimal_ && !follow_.empty()) pick = follow_at(node, allowed);
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
      if (s_.unreduced(s_.stack.size())) {
        node.backtrack = node.candidates;
      } else {
        node.backtrack = {node.chosen()};
        for (const WakeupNode& root : node.wakeup) {
          if (!has_actor(node.backtrack, root.step.actor)) node.backtrack.push_back(root.step.actor);
        }
      }
      node_sleep_ = node.sleep;
    } else {
      node.backtrack = node.candidates;
    }
    pending_node_ = static_cast<std::int64_t>(s_.stack.size());
    preemptions_ += node.cost(node.chosen());
  } else if (optimal_) {
    node.after = follow_;  // every value of a fault, delay or message order follows the same sequences
  }
  if (s_.options.tree != nullptr) {
    const std::int64_t parent = s_.stack.empty() ? 0 : s_.stack.back().tree_id;
    node.tree_id = s_.options.tree->add(parent, node.kind, node.n, node.value,
                                        node.schedule() ? node.chosen() : sim::kNoActor, false);
  }
  s_.stack.push_back(std::move(node));
  return s_.stack.back().value;
}

bool ControlledRun::matches_kept(std::size_t k, std::int64_t node_index) const {
  if (hb_.actor(k) != step_.actor || step_node_[k] != node_index) return false;
  const std::span<const sim::Access> kept = footprint_of(k);
  return std::equal(kept.begin(), kept.end(), step_.footprint.begin(), step_.footprint.end());
}

// Races of the step just added, reversed at the choice point before their
// first step (Source-DPOR). Races whose later step replays an older run were
// handled in that run.
void ControlledRun::analyse(std::int64_t node_index, std::int64_t time_ns) {
  const std::size_t j = steps_seen_++;
  // A step of the prefix kept from the previous run (start_run()): its books
  // are there already. Only what is kept by actor, not by step, is brought
  // up to date below.
  const bool kept = j < hb_.size();
  if (kept) {
    if (!matches_kept(j, node_index)) {
      return fail("the program did not replay its prefix: step #" + std::to_string(j) + " was taken by " +
                  who(step_.actor) + ", with other accesses than before (is it deterministic?)");
    }
  } else {
    hb_.add(step_.actor, step_.footprint, races_);
    footprints_.insert(footprints_.end(), step_.footprint.begin(), step_.footprint.end());
    footprint_end_.push_back(footprints_.size());
    step_node_.push_back(node_index);
    step_time_.push_back(time_ns);
    if (node_index >= 0) node_steps_.push_back(j);
  }
  if (optimal_) {
    if (woken_at_.size() <= step_.actor) woken_at_.resize(step_.actor + 1, -1);
    // Woken, or at the end of a sleep its previous step began: the earliest
    // it could have stepped (see asleep_or_done_initial()).
    if (slept_until_.size() <= step_.actor) slept_until_.resize(step_.actor + 1, -1);
    const std::int64_t woken = std::max(std::exchange(woken_at_[step_.actor], -1),
                                        std::exchange(slept_until_[step_.actor], std::exchange(sleeping_until_, -1)));
    if (!kept) {
      step_dispatch_.push_back(step_.dispatch);
      step_woken_.push_back(woken);
    }
  }
  if (step_.dispatch && !kept) {
    // A CPU is held like a lock from a dispatch until its holder lets go, and
    // whatever the holder did meanwhile may order the two dispatches through
    // steps that had no choice point (the holder ran alone), hiding their
    // race. So, as DPOR for mutexes races each acquire with the previous
    // one, a dispatch races with the previous dispatch of its CPU by another
    // actor, however they are ordered (extra races only add exploration).
    if (dispatches_.size() <= step_.cpu) dispatches_.resize(step_.cpu + 1);
    std::vector<Dispatch>& on_cpu = dispatches_[step_.cpu];
    std::size_t other = SIZE_MAX;  // the CPU's latest dispatch of another actor
    if (!on_cpu.empty()) {
      other = hb_.actor(on_cpu.back().step) != step_.actor ? on_cpu.back().step : on_cpu.back().other_before;
    }
    if (other != SIZE_MAX && std::find(races_.begin(), races_.end(), other) == races_.end()) races_.push_back(other);
    on_cpu.push_back(Dispatch{j, other});
  }
  // The step that woke this actor, if one did (Optimal-DPOR): this step is
  // enabled by it, so the two are ordered by causality, not by the schedule.
  std::size_t enabler = SIZE_MAX;
  if (optimal_) {
    if (woken_by_.size() <= step_.actor) woken_by_.resize(step_.actor + 1, SIZE_MAX);
    enabler = std::exchange(woken_by_[step_.actor], SIZE_MAX);
    for (sim::ActorId a : step_.woke) {
      if (woken_by_.size() <= a) woken_by_.resize(a + 1, SIZE_MAX);
      woken_by_[a] = j;
    }
  }
  if (j < first_new_step_) return;
  IPCSIM_ASSERT(!kept);  // kept steps come before the branch point
  ExploreReport& report = s_.report;
  for (std::size_t i : races_) {
    if (i == enabler) continue;
    ++report.races;
    const Reversal r = reverse(i, j);
    if (r == Reversal::Covered || r == Reversal::Added) {
      // Reversed, or covered, through some initial of v. But when j's actor
      // was no candidate before i and had been one since its previous step
      // (it lost its CPU, say to i's actor raising its priority), a run from
      // there need not put j before i: another initial (an actor independent
      // of all) says nothing about this race, and "the sequence could only
      // block" (asleep_or_done_initial) says only that this choice point is
      // the wrong one. Ask where that actor waited too (priority_changes
      // seed 498, dpor_soundness_test.cpp). If it waited nowhere (it was
      // blocked, and v wakes it), the reversal above stands alone.
      if (!waited_elsewhere(i, j)) continue;
      bool exhausted = false;
      const Reversal w = where_it_waited(i, j, exhausted);
      if (exhausted) ++report.fallbacks_exhausted;
      if (w == Reversal::OverBound) ++report.reversals_over_bound;
      continue;
    }
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
ControlledRun::Reversal ControlledRun::reverse(std::size_t i, std::size_t j, bool fall_back) {
  // If j's actor has steps after i that happen after i, j cannot go before
  // i without them: the pair to reverse is (i, the first of those).
  j = hb_.first_of_actor_after(i, j);
  const std::int64_t ni = step_node_[i];
  if (ni < 0) return Reversal::Impossible;
  Node& node = s_.stack[static_cast<std::size_t>(ni)];
  hb_.initials(i, j, initials_);
  // Optimal-DPOR's own test (below) replaces this one for races reversed where
  // they happened; the fall-backs keep Source-DPOR's, then Optimal-DPOR's
  // too (see explorer.hpp).
  // Above a shard split every candidate is already in the backtrack set
  // (decide()), so nothing is inserted there: Source-DPOR's test says covered,
  // and no wakeup sequence found in one shard's subtree steers another's.
  const bool textbook = optimal_ && !fall_back && !s_.unreduced(static_cast<std::size_t>(ni));
  const bool covered = !textbook && std::any_of(initials_.begin(), initials_.end(), [&](sim::ActorId p) {
    return has_actor(node.backtrack, p) || has_actor(node.sleep, p);
  });
  if (covered) return Reversal::Covered;
  // The initial to start with: the first candidate there among them.
  bool over_bound = false;
  std::optional<sim::ActorId> first;
  for (sim::ActorId c : node.candidates) {
    if (!has_actor(initials_, c)) continue;
    if (!s_.within_bound(node, c)) {
      over_bound = true;
      continue;
    }
    first = c;
    break;
  }
  if (textbook) {
    // Judged on v in the order the run would follow it: `first` goes first,
    // at the choice point's instant.
    // j needs the CPU i's actor holds: the CPU, not the schedule, orders
    // them, and the race of the dispatches there is reversed on its own.
    if (!reversal_steps(i, j, v_steps_)) return Reversal::Covered;
    if (first) put_first(v_steps_, *first);
    if (asleep_or_done_initial(node, step_time_[i], v_steps_)) return Reversal::Covered;
  }
  if (!first) return over_bound ? Reversal::OverBound : Reversal::Impossible;
  if (!optimal_) {
    node.backtrack.push_back(*first);
    return Reversal::Added;
  }
  if (!textbook) {
    // j may come after i here through the steps after i (a fall-back from a
    // step before the race: j's actor woken by a step that i enabled, say a
    // reader that i spawned waking its CPU's agent): j cannot be followed
    // from this choice point, and a run following v would take the steps
    // before it, then find j's actor no candidate. v is judged, and kept,
    // without j: what a run can follow from here (select/pipe_ends_epipe,
    // where v's j woke the chosen entry only on paper and the run blocked).
    if (!reversal_steps(i, j, v_steps_) && v_steps_.size() > 1 &&
        std::any_of(v_steps_.begin(), v_steps_.end() - 1, [&](std::size_t k) { return hb_.actor(k) == *first; })) {
      v_steps_.pop_back();
    }
    put_first(v_steps_, *first);
    // A fall-back's sequence passed Source-DPOR's test; it is still left out
    // when an entry there would sleep through it: the run could only block,
    // or (the actor chosen there, independent of all of v: a weak initial)
    // v's class is explored under that entry already.
    if (!s_.unreduced(static_cast<std::size_t>(ni)) &&
        asleep_or_done_initial(node, step_time_[i], v_steps_, /*fall_back=*/true)) {
      return Reversal::Covered;
    }
  }
  WakeupSequence v;
  v.reserve(v_steps_.size());
  for (std::size_t k : v_steps_) v.push_back(wakeup_step(k));
  return insert_reversal(node, std::move(v), /*walk=*/textbook);
}

bool ControlledRun::reversal_steps(std::size_t i, std::size_t j, std::vector<std::size_t>& v) {
  v.clear();
  chain_cpus_.clear();
  const sim::CpuId cpu_i = tracker_.cpu_of(hb_.actor(i));
  chain_cpus_.push_back(cpu_i);
  // After i: what happens after it, and what needs the CPU i's actor held
  // at the choice point. A CPU is held like a lock, but footprints leave its
  // release out: when step i took no CPU (its actor held it already), another
  // actor's dispatch there with only i's actor on it since i needs a step of
  // that actor, i or a later one, to let the CPU go. Happens-before alone
  // would put such a dispatch, and what follows from it, into v, which the
  // run could then not follow: i's actor, asleep there, keeps the CPU and
  // the run ends blocked (select/small).
  // after_mark_[k] == after_epoch_: k was found after i in this call.
  if (after_mark_.size() <= j) after_mark_.resize(std::max<std::size_t>(j + 1, 2 * after_mark_.size()), 0);
  if (++after_epoch_ == 0) {
    std::fill(after_mark_.begin(), after_mark_.end(), 0);
    after_epoch_ = 1;
  }
  auto after_i = [&](std::size_t k) {
    // j races with i: it comes after i only through the others.
    if (k != j && hb_.precedes(i, k)) return true;
    // After a step found after i. Happens-before is the closure of the
    // direct predecessors, so when some such step precedes k, one of k's
    // direct predecessors is one (by induction on k): a look at k's
    // predecessors, not at every step found so far, which made long runs
    // quadratic.
    for (std::size_t p : hb_.direct_predecessors(k)) {
      if (p > i && after_mark_[p] == after_epoch_) return true;
    }
    if (!step_dispatch_[k] || step_dispatch_[i] || hb_.actor(k) == hb_.actor(i) ||
        tracker_.cpu_of(hb_.actor(k)) != cpu_i) {
      return false;
    }
    for (std::size_t p = i + 1; p < k; ++p) {
      if (tracker_.cpu_of(hb_.actor(p)) == cpu_i && hb_.actor(p) != hb_.actor(i)) return false;
    }
    return true;
  };
  for (std::size_t k = i + 1; k < j; ++k) {
    if (!after_i(k)) {
      v.push_back(k);
      continue;
    }
    after_mark_[k] = after_epoch_;
    const sim::CpuId cpu = tracker_.cpu_of(hb_.actor(k));
    if (std::find(chain_cpus_.begin(), chain_cpus_.end(), cpu) == chain_cpus_.end()) chain_cpus_.push_back(cpu);
  }
  v.push_back(j);
  return !after_i(j);
}

void ControlledRun::put_first(std::vector<std::size_t>& v, sim::ActorId first) const {
  // `first` is an initial of v: no earlier step of v depends on its first
  // step, so moving that step to the front keeps v's class.
  auto it = std::find_if(v.begin(), v.end(), [&](std::size_t k) { return hb_.actor(k) == first; });
  IPCSIM_ASSERT(it != v.end());
  std::rotate(v.begin(), it, it + 1);
}

std::span<const sim::Access> ControlledRun::footprint_of(std::size_t k) const {
  const std::size_t begin = k == 0 ? 0 : footprint_end_[k - 1];
  return {footprints_.data() + begin, footprint_end_[k] - begin};
}

WakeupStep ControlledRun::wakeup_step(std::size_t k) const {
  const std::span<const sim::Access> f = footprint_of(k);
  return WakeupStep{hb_.actor(k), Footprint(f.begin(), f.end())};
}

bool ControlledRun::asleep_or_done_initial(const Node& node, std::int64_t now_ns, const std::vector<std::size_t>& v,
                                           bool fall_back) const {
  // The test is made with the footprint the sleeping entry carries, the one
  // wake_dependents() will compare v's steps with: an entry that no step of v
  // before its actor's own would wake stays asleep into that step (a blocked
  // run) or through the whole of v (v's class is explored under it).
  //
  // Time adds one case. An entry that is a candidate at the choice point is
  // ready now: it steps before time leaves the instant. If v must leave the
  // instant before anything wakes the entry, the run following v blocks
  // there. v's first step of a later instant must leave it when it surely
  // cannot come sooner without step i: it took no CPU (its actor held its
  // CPU through the end of its own compute, which no step of v moves); or
  // its actor was woken at a later instant (by an event: a waking step of a
  // later instant would be in v before it, and one after i, left out of v,
  // would order it after i), or its own previous step began a sleep that
  // ends then; or its actor, no candidate at the choice point, waited for a
  // CPU that neither i nor a step after i left out of v ran on. Anything
  // less certain is left to the run.
  //
  // And CPUs: while the entry is ready, a step of v by an actor of the
  // entry's CPU that was no candidate at the choice point cannot come before
  // the entry's own step. The entry holds that CPU, or stays ahead of that
  // actor in the CPU's ready queue, until a step changes the queue (a wake,
  // a spawn, a priority: it writes the CPU's dispatch key) or preempts (it
  // writes the holder key), and such a step of v wakes the entry first.
  auto stays_asleep = [&](sim::ActorId actor, const Footprint& footprint, bool unknown, bool chosen) {
    bool ready_now = has_actor(node.candidates, actor);
    for (std::size_t k : v) {
      const sim::ActorId a = hb_.actor(k);
      if (a == actor) return true;
      // An actor of the entry's CPU that was no candidate there (above).
      if (ready_now && !has_actor(node.candidates, a) && tracker_.cpu_of(a) == tracker_.cpu_of(actor)) return true;
      if (ready_now && step_time_[k] > now_ns) {
        const sim::CpuId cpu = tracker_.cpu_of(a);
        const bool later_for_sure =
            !step_dispatch_[k] || step_woken_[k] > now_ns ||
            (!has_actor(node.candidates, a) &&
             std::find(chain_cpus_.begin(), chain_cpus_.end(), cpu) == chain_cpus_.end());
        if (later_for_sure) return true;
        ready_now = false;  // not sure when v leaves the instant: no more time arguments
      }
      if (unknown || dependent(footprint_of(k), footprint)) return false;
    }
    return !chosen || fall_back;
  };
  auto asleep = [&](const SleepEntry& e) { return stays_asleep(e.actor, e.footprint(), e.unknown, false); };
  // The actor chosen there (step i's) sleeps there once its branch is done:
  // v's last step conflicts with step i and wakes it, unless v must first
  // leave the instant (above). Then the reversal only leads to a blocked run:
  // time, not the schedule, ordered the race. A fall-back's v (from a step
  // before i) need not conflict with the step chosen there: when none of
  // its steps does, that step is a weak initial of v, explored already.
  return std::any_of(node.sleep.begin(), node.sleep.end(), asleep) ||
         std::any_of(node.done.begin(), node.done.end(), asleep) ||
         (node.step_seen && stays_asleep(node.chosen(), node.step_footprint, false, true));
}

ControlledRun::Reversal ControlledRun::insert_reversal(Node& node, WakeupSequence v, bool walk) {
  if (walk) {
    if (!insert(node.wakeup, std::move(v))) return Reversal::Covered;
  } else {
    // A fall-back: added as Source-DPOR would, as a branch of its own.
    WakeupForest chain;
    insert(chain, std::move(v));
    node.wakeup.push_back(std::move(chain.front()));
  }
  for (const WakeupNode& root : node.wakeup) {
    if (!has_actor(node.backtrack, root.step.actor)) node.backtrack.push_back(root.step.actor);
  }
  return Reversal::Added;
}

std::optional<std::uint32_t> ControlledRun::follow_at(Node& node,
                                                      const std::function<bool(sim::ActorId)>& allowed) {
  std::optional<std::uint32_t> pick;
  WakeupForest rest;
  for (WakeupNode& root : follow_) {
    const auto it = std::find(node.candidates.begin(), node.candidates.end(), root.step.actor);
    if (it == node.candidates.end() || !allowed(root.step.actor)) continue;  // cannot run here: dropped
    if (!pick) {
      pick = static_cast<std::uint32_t>(it - node.candidates.begin());
      rest = std::move(root.children);
    } else {
      node.wakeup.push_back(std::move(root));
    }
  }
  follow_ = std::move(rest);
  return pick;
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
    const Reversal r = reverse(k, j, /*fall_back=*/true);
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

bool ControlledRun::waited_elsewhere(std::size_t i, std::size_t j) const {
  const std::int64_t ni = step_node_[i];
  if (ni < 0) return false;
  return !has_actor(s_.stack[static_cast<std::size_t>(ni)].candidates, hb_.actor(j));
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
    if (optimal_) {
      return insert_reversal(node, WakeupSequence{wakeup_step(j)}, /*walk=*/false);
    }
    node.backtrack.push_back(aj);
    return Reversal::Added;
  }
  return Reversal::Impossible;
}

}  // namespace ipcsim::explore::detail


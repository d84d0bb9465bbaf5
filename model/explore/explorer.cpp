#include "model/explore/explorer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <set>

#include "model/explore/controlled_run.hpp"
#include "model/explore/estimate.hpp"
#include "model/explore/search_state.hpp"
#include "model/explore/wall_deadline.hpp"
#include "sim/check.hpp"
#include "sim/replay_chooser.hpp"

namespace ipcsim::explore {
namespace {

using detail::ControlledRun;
using detail::has_actor;
using detail::Node;
using detail::SearchState;
using detail::SleepEntry;
using detail::WakeupNode;

const char* end_name(const Outcome& o, const ControlledRun& control) {
  if (control.redundant()) return "redundant";
  if (control.preemption_cut()) return "preemption-bound";
  if (control.depth_bounded()) return "depth-bound";
  return sim::to_string(o.execution.run.outcome);
}

std::string count(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "2us", "1500ns", "3s": the largest unit that divides the time exactly.
std::string instant_text(sim::Instant t) {
  const std::int64_t ns = sim::to_ns(t);
  if (ns != 0 && ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns != 0 && ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns != 0 && ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// Optimal-DPOR: the first root of the node's wakeup tree that may run there
// (a candidate, not explored, not asleep, within the preemption bound); the
// run will follow its subtree (Node::after). Roots that cannot run are
// dropped: their actors stay in `backtrack`, so the exhausted node counts them
// as skipped by the bound.
std::optional<std::uint32_t> next_from_wakeup_tree(const SearchState& s, Node& top) {
  while (!top.wakeup.empty()) {
    WakeupNode root = std::move(top.wakeup.front());
    top.wakeup.erase(top.wakeup.begin());
    const sim::ActorId a = root.step.actor;
    if (has_actor(top.done, a) || has_actor(top.sleep, a) || !s.within_bound(top, a)) continue;
    for (std::uint32_t i = 0; i < top.n; ++i) {
      if (top.candidates[i] != a) continue;
      top.after = std::move(root.children);
      return i;
    }
  }
  return std::nullopt;
}

// Moves to the next alternative of the deepest choice point that has one.
// Returns false when the whole tree is explored.
bool backtrack(SearchState& s) {
  const ExploreOptions& opt = s.options;
  while (!s.stack.empty()) {
    Node& top = s.stack.back();
    // Every shard pops the choice points above the split depth: the first
    // shard alone counts what they leave out, so the shards' counts add up.
    const bool counts = !s.unreduced(s.stack.size() - 1) || opt.shard_index == 0;
    const std::int64_t parent_tree = s.stack.size() >= 2 ? s.stack[s.stack.size() - 2].tree_id : 0;
    if (top.schedule()) {
      top.done.push_back(SleepEntry{top.chosen(), top.step_footprint, !top.step_seen});
      std::optional<std::uint32_t> next;
      // Above a shard split the node takes every candidate in turn, in every
      // mode (its backtrack set holds them all): see sharding in explorer.hpp.
      const bool follows_wakeup_tree = s.optimal() && !s.unreduced(s.stack.size() - 1);
      if (follows_wakeup_tree) next = next_from_wakeup_tree(s, top);
      for (std::uint32_t i = 0; i < top.n && !next && !follows_wakeup_tree; ++i) {
        const sim::ActorId a = top.candidates[i];
        if (has_actor(top.done, a)) continue;
        if (s.dpor() && (!has_actor(top.backtrack, a) || has_actor(top.sleep, a))) continue;
        if (!s.within_bound(top, a)) continue;
        next = i;
      }
      if (next) {
        top.value = *next;
        top.step_seen = false;
        top.step_footprint.clear();
        if (opt.tree != nullptr) top.tree_id = opt.tree->add(parent_tree, top.kind, top.n, top.value, top.chosen(), false);
        s.branch = s.stack.size() - 1;
        return true;
      }
      for (std::uint32_t i = 0; i < top.n; ++i) {
        const sim::ActorId a = top.candidates[i];
        if (has_actor(top.done, a)) continue;
        const bool dpor_skips = s.dpor() && (!has_actor(top.backtrack, a) || has_actor(top.sleep, a));
        if (counts) ++(dpor_skips ? s.report.pruned_branches : s.report.preemption_pruned);
        if (opt.tree != nullptr) opt.tree->add(parent_tree, top.kind, top.n, i, a, true);
      }
    } else if (top.value + 1 < top.n) {
      ++top.value;
      if (opt.tree != nullptr) top.tree_id = opt.tree->add(parent_tree, top.kind, top.n, top.value, sim::kNoActor, false);
      s.branch = s.stack.size() - 1;
      return true;
    }
    s.stack.pop_back();
  }
  return false;
}

// One run through a prefix that another shard explores: it only tells this
// shard which prefixes come next. Nothing it saw counts (its steps go to
// skipped_transitions), and it feeds no lock-order graph.
void skip_unit(Program& program, SearchState& s, ControlledRun& control) {
  ExploreReport& report = s.report;
  const ExploreReport before = report;
  RunSettings settings = s.options.run;
  settings.lock_order = nullptr;
  settings.observers.clear();
  control.start_run();
  control.skip_subtree();
  run_once(program, control, settings, {&control}, 0, [&](RunContext& cx) { control.set_context(cx); });
  if (!control.error().empty()) throw ExplorationError("exploring '" + report.program + "': " + control.error());
  const std::uint64_t steps = report.transitions - before.transitions;
  // The races of the prefix are counted by the shard that owns the unit.
  report.races = before.races;
  report.irreversible_races = before.irreversible_races;
  report.cross_instant_races = before.cross_instant_races;
  report.fallbacks_exhausted = before.fallbacks_exhausted;
  report.reversals_over_bound = before.reversals_over_bound;
  report.transitions = before.transitions;
  ++report.skipped_runs;
  report.skipped_transitions += steps;
}

void verify(Program& program, const ExploreOptions& opt, Counterexample& cex) {
  cex.replay_checked = true;
  RunSettings settings = opt.run;
  settings.seed = cex.seed;
  settings.observers.clear();  // the caller's trace writers saw the original run already
  std::optional<LockOrderGraph> fresh;
  if (settings.lock_order != nullptr) settings.lock_order = &fresh.emplace();
  sim::ReplayChooser strict(cex.choices, sim::ReplayChooser::Mode::Strict);
  try {
    const Outcome o = run_once(program, strict, settings);
    cex.replay_reproduces = o.violation && o.violation->property == cex.property && o.choices == cex.choices;
    if (!cex.replay_reproduces) {
      cex.replay_note = o.violation ? "the replay violated '" + o.violation->property + "' instead"
                                    : "the replay violated nothing";
      if (cex.property == "lock_order") {
        cex.replay_note += " (a lock-order cycle may join edges seen in different runs)";
      }
    }
  } catch (const sim::ReplayDivergence& e) {
    cex.replay_note = std::string("the replay diverged: ") + e.what();
  }
}

}  // namespace

const char* to_string(DporMode m) {
  switch (m) {
    case DporMode::Plain: return "plain";
    case DporMode::Source: return "source";
    case DporMode::Optimal: return "optimal";
  }
  return "?";
}

std::optional<DporMode> parse_dpor_mode(const std::string& text) {
  for (DporMode m : {DporMode::Plain, DporMode::Source, DporMode::Optimal}) {
    if (text == to_string(m)) return m;
  }
  return std::nullopt;
}

const char* to_string(SearchEnd e) {
  switch (e) {
    case SearchEnd::Exhausted: return "exhausted";
    case SearchEnd::Violation: return "violation";
    case SearchEnd::MaxExecutions: return "max-executions";
    case SearchEnd::TimeLimit: return "time-limit";
  }
  return "?";
}

ExploreReport exhaustive(Program& program, const ExploreOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ExploreReport report;
  report.program = program.name();
  report.dpor = options.dpor;
  report.max_depth = options.max_depth;
  report.max_preemptions = options.max_preemptions;
  report.max_executions = options.max_executions;
  report.time_limit_seconds = options.time_limit_seconds;
  report.max_steps = options.run.limits.max_steps;
  report.horizon = options.run.limits.horizon;
  SearchState s{options, report, {}, 0, {}, {}};
  report.end = SearchEnd::Exhausted;

  // One for the whole search: it keeps the books of the prefix each run
  // shares with the previous one (controlled_run.hpp).
  ControlledRun control(s);
  std::optional<detail::WallDeadline::Clock::time_point> time_limit_at;
  if (options.time_limit_seconds) time_limit_at = detail::WallDeadline::after(started, *options.time_limit_seconds);
  const bool split = options.split_depth > 0;
  std::uint64_t unit = 0;  // the DFS rank of the current run's subtree
  bool mine = true;
  for (bool first = true;; first = false) {
    if (split && (first || s.branch < options.split_depth)) {
      // A new prefix above the split depth: a new unit.
      unit = report.units_total++;
      mine = unit % options.shard_count == options.shard_index;
      if (mine) ++report.units_explored;
    }
    if (!mine) {
      skip_unit(program, s, control);
      if (!backtrack(s)) break;
      continue;
    }
    if (report.executions >= options.max_executions) {
      report.end = SearchEnd::MaxExecutions;
      break;
    }
    // Wall time may stop the search here, between runs, or inside a run
    // (WallDeadline); it never steers it.
    if (time_limit_at && detail::WallDeadline::Clock::now() >= *time_limit_at) {
      report.end = SearchEnd::TimeLimit;
      break;
    }
    control.start_run();
    const std::uint64_t run_index = report.executions + 1;
    std::vector<sim::Observer*> observers{&control};
    std::optional<detail::WallDeadline> deadline;
    if (time_limit_at) observers.push_back(&deadline.emplace(*time_limit_at));
    const Outcome o = run_once(program, control, options.run, observers, run_index, [&](RunContext& cx) {
      control.set_context(cx);
      if (deadline) deadline->set_context(cx);
    });
    // A run the time limit cut is neither an execution nor a final state:
    // the search ends inconclusive, as between runs.
    if (deadline && deadline->passed()) {
      report.end = SearchEnd::TimeLimit;
      break;
    }
    ++report.executions;
    if (!control.error().empty()) throw ExplorationError("exploring '" + report.program + "': " + control.error());
    if (run_index > 1 && control.nodes_reached() <= s.branch && !control.cut_short()) {
      throw ExplorationError("exploring '" + report.program +
                             "': a run ended before the choice point it was to explore (is the program deterministic?)");
    }
    const bool cut_short = control.cut_short();
    if (control.depth_bounded()) ++report.depth_bounded;
    if (o.execution.run.outcome == sim::RunOutcome::StepLimit) ++report.step_limited;
    if (o.execution.run.outcome == sim::RunOutcome::Horizon) ++report.horizon_ended;
    report.events += o.execution.run.events;
    report.faults_unasked += o.execution.run.faults_unasked;
    const std::int64_t leaf = s.stack.empty() ? 0 : s.stack.back().tree_id;
    if (options.tree != nullptr) {
      options.tree->end_execution(leaf, end_name(o, control), !cut_short && o.violation ? o.violation->property : "");
    }

    bool stop = false;
    if (control.redundant()) {
      ++report.redundant;
    } else if (control.preemption_cut()) {
      ++report.preemption_cut;
    } else {
      s.final_states.insert(o.execution.outcome_hash);
      if (o.violation) {
        ++report.violating;
        s.properties.insert(o.violation->property);
        const bool better = !report.counterexample ||
                            (options.shortest && o.choices.size() < report.counterexample->choices.size());
        if (better) {
          report.counterexample = Counterexample{options.run.seed, o.choices, o.violation->property,
                                                 o.violation->message, run_index, o.steps};
          report.counterexample->unit = unit;
        }
        stop = options.stop_on_violation && !options.shortest;
      }
    }
    if (options.progress && report.executions % std::max<std::uint64_t>(1, options.progress_every) == 0) {
      options.progress(SearchProgress{report.executions, report.transitions, explored_fraction(s.stack)});
    }
    if (stop) {
      report.end = SearchEnd::Violation;
      break;
    }
    if (!backtrack(s)) break;
  }

  report.complete = report.end == SearchEnd::Exhausted && report.depth_bounded == 0 && report.step_limited == 0;
  report.distinct_final_states = s.final_states.size();
  report.final_states.assign(s.final_states.begin(), s.final_states.end());
  report.violated_properties.assign(s.properties.begin(), s.properties.end());
  if (options.tree != nullptr) options.tree->set_executions(report.executions);
  if (report.counterexample && options.verify_counterexample) verify(program, options, *report.counterexample);
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

std::vector<std::string> ExploreReport::budget_hits() const {
  std::vector<std::string> out;
  if (end == SearchEnd::MaxExecutions) out.push_back("max executions (" + std::to_string(max_executions) + ") reached");
  if (end == SearchEnd::TimeLimit) {
    out.push_back("time limit (" + seconds_text(time_limit_seconds.value_or(0)) + " s) reached");
  }
  if (depth_bounded != 0) {
    out.push_back(count(depth_bounded, "run", "runs") + " reached the depth bound (" + std::to_string(max_depth) +
                  " choice points) and went on unexplored");
  }
  if (step_limited != 0) {
    out.push_back(count(step_limited, "run", "runs") + " hit the step limit (" + std::to_string(max_steps) +
                  " steps)");
  }
  return out;
}

std::vector<std::string> ExploreReport::assumptions() const {
  std::vector<std::string> out;
  if (max_preemptions && (preemption_pruned != 0 || preemption_cut != 0 || reversals_over_bound != 0)) {
    out.push_back("at most " + count(*max_preemptions, "preemption", "preemptions") + " per run (" +
                  count(preemption_pruned, "alternative", "alternatives") + " skipped, " +
                  count(preemption_cut, "run", "runs") + " cut, " +
                  count(reversals_over_bound, "race reversal", "race reversals") + " refused by the bound" +
                  (dpor != DporMode::Plain ? "; with DPOR even runs within the bound may be missed" : "") + ")");
  }
  if (faults_unasked != 0) {
    out.push_back("the fault budget per run: " + count(faults_unasked, "fault point was", "fault points were") +
                  " not asked because their run had spent it");
  }
  if (horizon_ended != 0) {
    out.push_back(count(horizon_ended, "run", "runs") + " ended at the scenario's horizon (" + instant_text(horizon) +
                  "); what comes after it is not explored");
  }
  if (irreversible_races != 0) {
    out.push_back(count(irreversible_races, "race", "races") +
                  " within an instant that no choice point could reverse (the first step ran alone, no step of "
                  "the same instant before it could reverse the race, and the second step's actor was no "
                  "candidate before it)");
  }
  if (fallbacks_exhausted != 0) {
    out.push_back(count(fallbacks_exhausted, "fall-back", "fall-backs") + " gave up after " +
                  std::to_string(detail::kFallbackSteps) + " steps with paths left unreversed");
  }
  if (cross_instant_races != 0) {
    out.push_back(count(cross_instant_races, "race", "races") +
                  " across instants left as time ordered them (the later step's actor was no candidate at any "
                  "choice point before the earlier step)");
  }
  if (dpor != DporMode::Plain && events != 0) {
    out.push_back(count(events, "event", "events") +
                  " (timers, compute ends, timeouts, bus arrivals, faults) fired outside steps: each is assumed "
                  "to touch only what the step that scheduled it touched, or the actor it wakes");
  }
  return out;
}

std::string ExploreReport::coverage() const {
  const std::vector<std::string> hits = budget_hits();
  if (end == SearchEnd::Violation) {
    return "stopped at the first violation (run " + std::to_string(counterexample ? counterexample->execution : 0) +
           ")";
  }
  auto join = [](const std::vector<std::string>& parts, const char* sep) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
    return out;
  };
  const std::vector<std::string> assumed = assumptions();
  // A search cut short still counts what its runs assumed: every counter that
  // is not zero is named, whatever the verdict.
  const std::string also_assumed =
      assumed.empty() ? "" : "\nthe runs it did explore rest on these assumptions:\n  - " + join(assumed, "\n  - ");
  if (!hits.empty() && counterexample) {
    // Searching on for a shorter one (shortest) and cut short: the violation
    // stands, only "shortest" is in doubt.
    return "cut short after finding a violation (the shortest counterexample found, not necessarily the "
           "shortest there is): explored " +
           count(executions, "execution", "executions") + ", budget hit: " + join(hits, "; ") + also_assumed;
  }
  if (!hits.empty()) {
    return "inconclusive: explored " + count(executions, "execution", "executions") + ", budget hit: " +
           join(hits, "; ") + also_assumed;
  }
  if (assumed.empty()) return "complete";
  return "complete under these assumptions:\n  - " + join(assumed, "\n  - ");
}

std::string ExploreReport::summary() const {
  std::string out = "explored '" + program + "': " + count(executions, "execution", "executions") + " (" +
                    std::to_string(redundant) + " blocked by their sleep set";
  if (preemption_cut != 0) out += ", " + std::to_string(preemption_cut) + " cut by the preemption bound";
  out += "), " + count(transitions, "transition", "transitions") + ", " +
         count(distinct_final_states, "distinct final state", "distinct final states") + ", " +
         std::to_string(pruned_branches) + " branches pruned by DPOR";
  if (dpor != DporMode::Plain) out += ", " + count(races, "race", "races") + " (" + to_string(dpor) + " DPOR)";
  // No wall time here: the summary is compared across runs and jobs.
  out += "\n" + coverage() + "\n";
  if (counterexample) {
    out += "counterexample (run " + std::to_string(counterexample->execution) + ", " +
           std::to_string(counterexample->choices.size()) + " choices): property '" + counterexample->property +
           "': " + counterexample->message + "\n  choices: " + sim::format_choices(counterexample->choices) + "\n";
    if (counterexample->replay_checked) {
      out += counterexample->replay_reproduces ? "  a strict replay reproduces it\n"
                                                : "  a strict replay does not reproduce it: " +
                                                      counterexample->replay_note + "\n";
    }
  } else {
    out += "no property violated\n";
  }
  return out;
}

}  // namespace ipcsim::explore

#include "model/explore/explorer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "model/explore/controlled_run.hpp"
#include "model/explore/search_state.hpp"
#include "sim/check.hpp"
#include "sim/replay_chooser.hpp"

namespace ipcsim::explore {
namespace {

using detail::ControlledRun;
using detail::has_actor;
using detail::Node;
using detail::SearchState;
using detail::SleepEntry;

const char* end_name(const Outcome& o, bool redundant, bool depth_bounded) {
  if (redundant) return "redundant";
  if (depth_bounded) return "depth-bound";
  return sim::to_string(o.execution.run.outcome);
}

// Moves to the next alternative of the deepest choice point that has one.
// Returns false when the whole tree is explored.
bool backtrack(SearchState& s) {
  const ExploreOptions& opt = s.options;
  while (!s.stack.empty()) {
    Node& top = s.stack.back();
    const std::int64_t parent_tree = s.stack.size() >= 2 ? s.stack[s.stack.size() - 2].tree_id : 0;
    if (top.schedule()) {
      top.done.push_back(SleepEntry{top.chosen(), top.step_footprint, !top.step_seen});
      std::optional<std::uint32_t> next;
      for (std::uint32_t i = 0; i < top.n && !next; ++i) {
        const sim::ActorId a = top.candidates[i];
        if (has_actor(top.done, a)) continue;
        if (opt.dpor && (!has_actor(top.backtrack, a) || has_actor(top.sleep, a))) continue;
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
        const bool dpor_skips = opt.dpor && (!has_actor(top.backtrack, a) || has_actor(top.sleep, a));
        if (dpor_skips) {
          ++s.report.pruned_branches;
        } else {
          ++s.report.preemption_pruned;
        }
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

ExploreReport exhaustive(Program& program, const ExploreOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ExploreReport report;
  report.program = program.name();
  SearchState s{options, report, {}, 0, {}, {}};
  bool stopped_early = false;

  for (;;) {
    if (report.executions >= options.max_executions) {
      stopped_early = true;
      break;
    }
    ControlledRun control(s);
    const std::uint64_t run_index = report.executions + 1;
    const Outcome o = run_once(program, control, options.run, {&control}, run_index,
                               [&](RunContext& cx) { control.set_context(cx); });
    ++report.executions;
    if (!control.error().empty()) throw ExplorationError("exploring '" + report.program + "': " + control.error());
    if (run_index > 1 && control.nodes_reached() <= s.branch && !control.redundant()) {
      throw ExplorationError("exploring '" + report.program +
                             "': a run ended before the choice point it was to explore (is the program deterministic?)");
    }
    const bool redundant = control.redundant();
    if (control.depth_bounded()) ++report.depth_bounded;
    if (o.execution.run.outcome == sim::RunOutcome::StepLimit) ++report.step_limited;
    const std::int64_t leaf = s.stack.empty() ? 0 : s.stack.back().tree_id;
    if (options.tree != nullptr) {
      options.tree->end_execution(leaf, end_name(o, redundant, control.depth_bounded()),
                                  !redundant && o.violation ? o.violation->property : "");
    }

    bool stop = false;
    if (redundant) {
      ++report.redundant;
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
        }
        stop = options.stop_on_violation && !options.shortest;
      }
    }
    if (options.progress && report.executions % std::max<std::uint64_t>(1, options.progress_every) == 0) {
      options.progress(report.executions, report.transitions);
    }
    if (stop) {
      stopped_early = true;
      break;
    }
    if (!backtrack(s)) break;
  }

  report.complete = !stopped_early;
  report.distinct_final_states = s.final_states.size();
  report.final_states.assign(s.final_states.begin(), s.final_states.end());
  report.violated_properties.assign(s.properties.begin(), s.properties.end());
  if (options.tree != nullptr) options.tree->set_executions(report.executions);
  if (report.counterexample && options.verify_counterexample) verify(program, options, *report.counterexample);
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

std::string ExploreReport::summary() const {
  std::string out = "explored '" + program + "': " + std::to_string(executions) + " executions (" +
                    std::to_string(redundant) + " redundant), " + std::to_string(transitions) + " transitions, " +
                    std::to_string(distinct_final_states) + " distinct final states, " +
                    std::to_string(pruned_branches) + " branches pruned by DPOR";
  if (preemption_pruned != 0) out += ", " + std::to_string(preemption_pruned) + " over the preemption bound";
  if (depth_bounded != 0) out += ", " + std::to_string(depth_bounded) + " runs reached the depth bound";
  // No wall time here: the summary is compared across runs and jobs.
  out += complete ? "; complete\n" : "; stopped early\n";
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

#include "cli/check_command.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/check_workers.hpp"
#include "cli/command_support.hpp"
#include "cli/output_files.hpp"
#include "cli/progress_line.hpp"
#include "cli/shard_results.hpp"
#include "cli/shard_selection.hpp"
#include "cli/scenario/counterexample.hpp"
#include "cli/scenario/scenario_program.hpp"
#include "cli/scenario/units.hpp"
#include "model/explore/estimate.hpp"
#include "model/explore/explorer.hpp"

namespace ipcsim::cli {
namespace {

constexpr std::uint32_t kDefaultMaxDepth = 10'000;
constexpr std::uint64_t kDefaultMaxExecutions = 1'000'000;

// What the search found, before the expectation is applied.
enum class Outcome { Pass, Violation, Inconclusive };

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::Pass: return "pass";
    case Outcome::Violation: return "violation";
    case Outcome::Inconclusive: return "inconclusive";
  }
  return "?";
}

// A violation found is a violation, however the search ended (stopping at the
// first one is not a truncation). No violation is a pass only when every run
// within the bounds was explored; otherwise nothing is known.
Outcome outcome_of(const explore::ExploreReport& r) {
  if (r.counterexample) return Outcome::Violation;
  return r.complete ? Outcome::Pass : Outcome::Inconclusive;
}

// 0: the expected violation was found, or the expected pass was earned.
// 1: an unexpected violation, or a complete search without the expected one.
// 3: no violation found and the search incomplete, whatever was expected.
int exit_code_of(Outcome o, bool as_expected) {
  if (o == Outcome::Inconclusive) return kExitInconclusive;
  return as_expected ? kExitOk : kExitMismatch;
}

// The budgets the search hit that the file's [check] did not set itself. A
// file's bounded_because speaks for its own max_depth and max_executions only:
// a step limit, a --time-limit, the default caps or a bound given on the
// command line are never what the file reasoned about.
std::vector<std::string> budgets_not_from_the_file(const explore::ExploreReport& r, const CheckArgs& a,
                                                   const scenario::CheckSpec& c) {
  std::vector<std::string> out;
  if (r.end == explore::SearchEnd::MaxExecutions && (a.max_executions || !c.max_executions)) {
    out.push_back(a.max_executions ? "--max-executions" : "the default cap on executions");
  }
  if (r.end == explore::SearchEnd::TimeLimit) out.push_back("--time-limit");
  if (r.depth_bounded != 0 && (a.max_depth || !c.max_depth)) {
    out.push_back(a.max_depth ? "--max-depth" : "the default depth bound");
  }
  if (r.step_limited != 0) out.push_back("the step limit ([run] max_steps)");
  return out;
}


// The shard result file (shard_results.hpp): the report, the options that
// must agree across shards, and the counterexample with its file's text.
nlohmann::ordered_json shard_file(const scenario::Scenario& s, const explore::ExploreOptions& o,
                                  const explore::ExploreReport& r, const CheckArgs& a, const std::string& cex_text,
                                  const std::string& cex_path) {
  nlohmann::ordered_json j;
  j["format"] = kShardFormat;
  j["version"] = kShardVersion;
  j["kind"] = "check";
  j["scenario"] = s.name;
  j["file"] = s.path;
  j["scenario_hash"] = fmt::format("{:016x}", s.content_hash);
  j["expect"] = s.expect;
  j["shard"] = {{"index", o.shard_index + 1}, {"count", o.shard_count}, {"split_depth", o.split_depth}};
  j["options"] = {{"dpor", explore::to_string(o.dpor)},
                  {"max_depth", o.max_depth},
                  {"preemptions", o.max_preemptions ? nlohmann::ordered_json(*o.max_preemptions) : nlohmann::ordered_json()},
                  {"max_executions", o.max_executions},
                  {"time_limit_seconds", a.time_limit ? nlohmann::ordered_json(*a.time_limit) : nlohmann::ordered_json()},
                  {"seed", o.run.seed},
                  {"max_faults", a.max_faults ? nlohmann::ordered_json(*a.max_faults) : nlohmann::ordered_json()},
                  {"shortest", o.shortest}};
  j["report"] = report_to_json(r);
  if (r.counterexample) {
    j["counterexample"] = counterexample_to_json(*r.counterexample);
    j["counterexample"]["file"] = cex_path;
    j["counterexample"]["file_text"] = cex_text;
  } else {
    j["counterexample"] = nullptr;
  }
  return j;
}

}  // namespace

CheckVerdict check_verdict(const explore::ExploreReport& r, const std::string& expect) {
  CheckVerdict v;
  v.found = r.counterexample ? r.counterexample->property : "";
  const Outcome o = outcome_of(r);
  v.outcome = to_string(o);
  v.as_expected = expect == "pass" ? v.found.empty() : v.found == expect;
  v.exit_code = exit_code_of(o, v.as_expected);
  return v;
}

// "90", "90s", "1.5min", "2h", "500ms": wall time in seconds.
std::optional<double> parse_wall_time(const std::string& text) {
  auto number = [](std::string_view t) -> std::optional<double> {
    if (t.empty()) return std::nullopt;
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(std::string(t), &used);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (used != t.size() || !(v >= 0) || v > 1e9) return std::nullopt;
    return v;
  };
  const std::string_view t = text;
  if (auto v = number(t)) return v;
  if (t.ends_with("min")) {
    if (auto v = number(t.substr(0, t.size() - 3))) return *v * 60;
  }
  if (t.ends_with("h")) {
    if (auto v = number(t.substr(0, t.size() - 1))) return *v * 3600;
  }
  if (auto d = scenario::parse_duration(t)) {
    if (d->count() >= 0) return static_cast<double>(d->count()) / 1e9;
  }
  return std::nullopt;
}

int check_command(const CheckArgs& a) {
  std::string shard_error;
  const std::optional<ShardChoice> shard = select_shard(a.shard, shard_error);
  if (!shard) {
    std::cerr << "ipcsim check: " << shard_error << "\n";
    return kExitBadInput;
  }
  const bool sharded = shard->count > 1;
  if (a.jobs > 1 && sharded) {
    std::cerr << "ipcsim check: --jobs: not with --shard " << shard->index << "/" << shard->count
              << " (a shard runs in one process; run more shards instead)\n";
    return kExitBadInput;
  }
  if (a.jobs > 1 && !a.tree.empty()) {
    std::cerr << "ipcsim check: --tree: not with --jobs (each worker walks only its part of the tree)\n";
    return kExitBadInput;
  }
  if (sharded && !a.tree.empty()) {
    std::cerr << "ipcsim check: --tree: not with a sharded search (each shard walks only its part of the tree)\n";
    return kExitBadInput;
  }
  auto s = load_or_report(a.file);
  if (!s) return kExitBadInput;
  scenario::ScenarioProgram program(*s);
  explore::LockOrderGraph locks;
  explore::ExplorationTree tree;
  explore::ExploreOptions o;
  if (a.dpor) o.dpor = *a.dpor;
  if (a.no_dpor) o.dpor = explore::DporMode::Plain;
  o.max_depth = a.max_depth.value_or(s->check.max_depth.value_or(kDefaultMaxDepth));
  o.max_preemptions = a.preemptions ? a.preemptions : s->check.preemptions;
  o.max_executions = a.max_executions.value_or(s->check.max_executions.value_or(kDefaultMaxExecutions));
  o.time_limit_seconds = a.time_limit;
  o.shortest = a.shortest;
  o.stop_on_violation = !a.shortest;
  o.run.seed = a.seed.value_or(s->run.seed);
  o.run.limits = sim::RunLimits{.horizon = s->run.horizon, .max_steps = s->run.max_steps};
  o.run.max_faults = a.max_faults;
  o.run.deadlock_is_violation =
      std::find(s->properties.begin(), s->properties.end(), scenario::kDeadlockFree) != s->properties.end();
  // One lock-order graph across every execution, when the scenario checks it.
  if (std::find(s->properties.begin(), s->properties.end(), scenario::kLockOrder) != s->properties.end()) {
    o.run.lock_order = &locks;
  }
  if (!a.tree.empty()) o.tree = &tree;
  o.split_depth = a.split_depth.value_or(sharded || a.jobs > 1 ? kDefaultSplitDepth : 0);
  o.shard_index = shard->index - 1;
  o.shard_count = shard->count;
  // Where results go is checked before a search that may take minutes.
  if (!check_writable_dir("check", "--out-dir", a.out_dir) ||
      (!a.tree.empty() && !check_writable("check", "--tree", a.tree)) ||
      (!a.out.empty() && !check_writable("check", "--out", a.out))) {
    return kExitBadInput;
  }
  if (!shard->source.empty() && shard->source != "--shard") {
    fmt::print(stderr, "ipcsim check: shard {}/{} (from {})\n", shard->index, shard->count, shard->source);
  }
  const std::string split_text =
      o.split_depth > 0 || sharded ? fmt::format(", shard {}/{}, split depth {}", shard->index, shard->count, o.split_depth)
                                   : "";
  if (!a.json) {
    fmt::print("check {} ({}): exhaustive search, DPOR {}, max depth {}, preemptions {}, max executions {}, seed {}{}\n",
               s->name, s->mechanism, o.dpor == explore::DporMode::Plain ? "off" : explore::to_string(o.dpor),
               o.max_depth,
               o.max_preemptions ? std::to_string(*o.max_preemptions) : std::string("unbounded"), o.max_executions,
               o.run.seed, split_text);
  }
  // How big the search is: Knuth's probes of the plain tree, before it starts
  // (estimate.hpp). An upper bound under DPOR; deterministic, but an
  // estimate, so it goes to stderr with the other figures for people.
  // Its probes are runs, so they get a wall budget of their own: a tenth of
  // the search's time limit, at most kEstimateBudgetSeconds.
  const double estimate_budget = std::min(explore::kEstimateBudgetSeconds, a.time_limit.value_or(1e9) / 10);
  const explore::SizeEstimate size =
      explore::knuth_estimate(program, o, explore::kDefaultProbes, explore::kProbeSeed, estimate_budget);
  if (size.probes == 0) {
    fmt::print(stderr, "ipcsim check: estimated size: unknown (its first random probe ran past the estimate's {} s)\n",
               estimate_budget);
  } else {
    fmt::print(stderr,
               "ipcsim check: estimated size: ~{} executions for a search without reduction (Knuth, {} random "
               "probes{}, from {} to {}){}\n",
               ProgressLine::count_text(size.executions), size.probes,
               size.probes < size.asked ? fmt::format(" of {}: the rest ran past the estimate's {} s", size.asked,
                                                      estimate_budget)
                                        : std::string(),
               ProgressLine::count_text(size.smallest), ProgressLine::count_text(size.largest),
               o.dpor != explore::DporMode::Plain ? "; DPOR runs fewer: the progress line refines it from the search itself"
                                                  : "");
  }
  ProgressLine line("check", "executions", a.progress);
  if (line.enabled() && a.jobs <= 1) {
    o.progress_every = 8;
    o.progress = [&](const explore::SearchProgress& p) {
      line.update(p.executions, p.explored_fraction > 0 ? static_cast<double>(p.executions) / p.explored_fraction : 0);
    };
  }
  explore::ExploreReport r;
  try {
    r = a.jobs > 1 ? explore_in_workers(program, o, a.jobs) : explore::exhaustive(program, o);
    line.end();
  } catch (const explore::ExplorationError& e) {
    line.end();
    std::cerr << "ipcsim check: " << a.file << ": the scenario is not deterministic: " << e.what() << "\n";
    return kExitMismatch;
  }
  std::string found = r.counterexample ? r.counterexample->property : "";
  const Outcome outcome = outcome_of(r);
  const bool as_expected = scenario::meets_expectation(*s, found);
  int exit_code = exit_code_of(outcome, as_expected);
  // One shard of several decides nothing alone (`ipcsim merge` does): it
  // fails only on what is wrong whatever the other shards find, a violation
  // of another property than the expected one, and says when its part was
  // cut short.
  if (sharded && exit_code == kExitMismatch && (found.empty() || found == s->expect)) exit_code = kExitOk;
  // The file's reason stands with the result only for what the file bounded:
  // an inconclusive search when every budget it hit is one the file set; any
  // other result when one of the file's bounds was in force.
  const bool file_bound_in_force = (!a.max_depth && s->check.max_depth) ||
                                   (!a.preemptions && s->check.preemptions) ||
                                   (!a.max_executions && s->check.max_executions);
  const std::vector<std::string> not_from_file = budgets_not_from_the_file(r, a, s->check);
  const bool file_bounded = outcome == Outcome::Inconclusive ? file_bound_in_force && not_from_file.empty()
                                                             : file_bound_in_force;

  std::string cex_path;
  std::string cex_text;
  if (r.counterexample) {
    scenario::Counterexample cex;
    cex.scenario_path = s->path;
    cex.scenario_hash = s->content_hash;
    cex.scenario_text = s->text;
    cex.seed = r.counterexample->seed;
    cex.max_faults = a.max_faults;
    cex.property = found;
    cex.message = r.counterexample->message;
    cex.found_by = "check";
    cex.choices = r.counterexample->choices;
    cex.original_choices = r.counterexample->choices;
    cex_path = a.out_dir + "/" + s->name + (sharded ? fmt::format("-check-shard{}", shard->index) : "-check") +
               ".cex.json";
    cex_text = scenario::format_counterexample(cex);
    std::string error;
    if (!scenario::write_counterexample(cex, cex_path, error)) {
      std::cerr << "ipcsim check: --out-dir: " << error << "\n";
      return kExitBadInput;
    }
  }
  if (!a.out.empty() &&
      !write_files({{a.out, shard_file(*s, o, r, a, cex_text, cex_path).dump(2) + "\n"}}, "check")) {
    return kExitBadInput;
  }
  if (!a.tree.empty()) {
    std::string error;
    if (!tree.write_json(a.tree, error)) {
      std::cerr << "ipcsim check: --tree: " << error << "\n";
      return kExitBadInput;
    }
  }

  const double seconds = r.wall_seconds;
  if (a.json) {
    nlohmann::ordered_json j;
    j["scenario"] = s->name;
    j["file"] = s->path;
    j["dpor"] = explore::to_string(o.dpor);
    j["max_depth"] = o.max_depth;
    j["preemptions"] = o.max_preemptions ? nlohmann::ordered_json(*o.max_preemptions) : nlohmann::ordered_json(nullptr);
    j["max_executions"] = o.max_executions;
    j["time_limit_seconds"] = a.time_limit ? nlohmann::ordered_json(*a.time_limit) : nlohmann::ordered_json(nullptr);
    if (o.split_depth > 0 || sharded) {
      j["shard"] = {{"index", shard->index}, {"count", shard->count}, {"split_depth", o.split_depth},
                    {"units_total", r.units_total}, {"units_explored", r.units_explored},
                    {"skipped_runs", r.skipped_runs}};
    }
    j["executions"] = r.executions;
    j["transitions"] = r.transitions;
    j["redundant"] = r.redundant;  // runs blocked by their sleep set
    j["sleep_set_blocked"] = r.redundant;
    j["pruned_branches"] = r.pruned_branches;
    j["distinct_final_states"] = r.distinct_final_states;
    // Everything that may cost coverage, counted (explorer.hpp says what each is).
    j["coverage"] = {{"preemption_pruned", r.preemption_pruned},
                     {"preemption_cut", r.preemption_cut},
                     {"reversals_over_bound", r.reversals_over_bound},
                     {"faults_unasked", r.faults_unasked},
                     {"horizon_ended", r.horizon_ended},
                     {"depth_bounded", r.depth_bounded},
                     {"step_limited", r.step_limited},
                     {"races", r.races},
                     {"irreversible_races", r.irreversible_races},
                     {"cross_instant_races", r.cross_instant_races},
                     {"fallbacks_exhausted", r.fallbacks_exhausted},
                     {"events", r.events}};
    j["end"] = explore::to_string(r.end);
    j["complete"] = r.complete;
    j["budget_hit"] = r.budget_hits();
    j["assumptions"] = r.assumptions();
    j["bounded_because"] = file_bounded ? nlohmann::ordered_json(s->check.bounded_because) : nlohmann::ordered_json(nullptr);
    j["violated_properties"] = r.violated_properties;
    if (r.counterexample) {
      j["counterexample"] = {{"property", found},
                             {"message", r.counterexample->message},
                             {"execution", r.counterexample->execution},
                             {"choices", r.counterexample->choices.size()},
                             {"replay_reproduces", r.counterexample->replay_reproduces},
                             {"file", cex_path}};
    } else {
      j["counterexample"] = nullptr;
    }
    j["expected"] = s->expect;
    j["outcome"] = to_string(outcome);
    // Unknown when inconclusive: nothing was found, and nothing was ruled out.
    j["as_expected"] = outcome == Outcome::Inconclusive ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(as_expected);
    j["exit_code"] = exit_code;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << r.summary();
    if (file_bounded) {
      fmt::print("bounded by the file's [check]: {}\n", s->check.bounded_because);
    } else if (outcome == Outcome::Inconclusive && !s->check.bounded_because.empty()) {
      std::string which;
      for (const std::string& b : not_from_file) which += (which.empty() ? "" : ", ") + b;
      fmt::print("the reason in the file's [check] does not cover what cut this search short: {}\n", which);
    }
    if (r.counterexample) {
      fmt::print("counterexample: {} ({} choices{}): {}  (ipcsim replay {})\n", cex_path,
                 r.counterexample->choices.size(),
                 r.counterexample->replay_checked
                     ? (r.counterexample->replay_reproduces ? ", replay verified" : ", REPLAY DOES NOT REPRODUCE")
                     : "",
                 found, cex_path);
    }
    if (sharded) {
      fmt::print("shard {}/{}: {} of the {} subtrees below depth {}{}; `ipcsim merge` of every shard's --out gives "
                 "the verdict\n",
                 shard->index, shard->count, r.units_explored, r.units_total, o.split_depth,
                 outcome == Outcome::Inconclusive ? ", cut short: INCONCLUSIVE" : "");
    } else if (outcome == Outcome::Inconclusive) {
      fmt::print("expected {}, got no violation in {} executions, but the search was cut short: INCONCLUSIVE\n",
                 s->expect, r.executions);
    } else {
      fmt::print("expected {}, got {}: {}\n", s->expect, found.empty() ? "pass" : found,
                 as_expected ? "as expected" : "NOT as expected");
    }
  }
  // Wall time differs between identical runs: stderr only (see fuzz).
  std::cout.flush();
  fmt::print(stderr, "ipcsim check: {} executions in {:.3f} s ({:.0f} executions/s)\n", r.executions, seconds,
             seconds > 0 ? static_cast<double>(r.executions) / seconds : 0.0);
  return exit_code;
}

}  // namespace ipcsim::cli

#include "cli/check_command.hpp"

#include <fmt/core.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_support.hpp"
#include "cli/output_files.hpp"
#include "cli/scenario/counterexample.hpp"
#include "cli/scenario/scenario_program.hpp"
#include "model/explore/explorer.hpp"

namespace ipcsim::cli {
namespace {

struct CheckArgs {
  std::string file;
  std::uint32_t max_depth = 10'000;
  std::optional<std::uint32_t> preemptions;
  bool no_dpor = false;
  bool shortest = false;
  bool json = false;
  std::uint64_t max_executions = 1'000'000;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> max_faults;
  std::string out_dir = ".";
  std::string tree;
};

int check(const CheckArgs& a) {
  auto s = load_or_report(a.file);
  if (!s) return kExitBadInput;
  scenario::ScenarioProgram program(*s);
  explore::LockOrderGraph locks;
  explore::ExplorationTree tree;
  explore::ExploreOptions o;
  o.dpor = !a.no_dpor;
  o.max_depth = a.max_depth;
  o.max_preemptions = a.preemptions;
  o.max_executions = a.max_executions;
  o.shortest = a.shortest;
  o.stop_on_violation = !a.shortest;
  o.run.seed = a.seed.value_or(s->run.seed);
  o.run.limits = sim::RunLimits{.horizon = s->run.horizon, .max_steps = s->run.max_steps};
  o.run.max_faults = a.max_faults;
  o.run.deadlock_is_violation =
      std::find(s->properties.begin(), s->properties.end(), scenario::kDeadlockFree) != s->properties.end();
  o.run.lock_order = &locks;
  if (!a.tree.empty()) o.tree = &tree;
  // Where results go is checked before a search that may take minutes.
  if (!check_writable_dir("check", "--out-dir", a.out_dir) ||
      (!a.tree.empty() && !check_writable("check", "--tree", a.tree))) {
    return kExitBadInput;
  }
  if (!a.json) {
    fmt::print("check {} ({}): exhaustive search, DPOR {}, max depth {}, preemptions {}, seed {}\n", s->name,
               s->mechanism, o.dpor ? "on" : "off", a.max_depth,
               a.preemptions ? std::to_string(*a.preemptions) : std::string("unbounded"), o.run.seed);
  }
  explore::ExploreReport r;
  try {
    r = explore::exhaustive(program, o);
  } catch (const explore::ExplorationError& e) {
    std::cerr << "ipcsim check: " << a.file << ": the scenario is not deterministic: " << e.what() << "\n";
    return kExitMismatch;
  }
  std::string found = r.counterexample ? scenario::scenario_property(r.counterexample->property) : "";
  const bool as_expected = scenario::meets_expectation(*s, found);

  std::string cex_path;
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
    cex_path = a.out_dir + "/" + s->name + "-check.cex.json";
    std::string error;
    if (!scenario::write_counterexample(cex, cex_path, error)) {
      std::cerr << "ipcsim check: --out-dir: " << error << "\n";
      return kExitBadInput;
    }
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
    j["dpor"] = o.dpor;
    j["max_depth"] = a.max_depth;
    j["preemptions"] = a.preemptions ? nlohmann::ordered_json(*a.preemptions) : nlohmann::ordered_json(nullptr);
    j["executions"] = r.executions;
    j["transitions"] = r.transitions;
    j["redundant"] = r.redundant;
    j["pruned_branches"] = r.pruned_branches;
    j["preemption_pruned"] = r.preemption_pruned;
    j["depth_bounded"] = r.depth_bounded;
    j["distinct_final_states"] = r.distinct_final_states;
    j["complete"] = r.complete;
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
    j["as_expected"] = as_expected;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << r.summary();
    if (r.counterexample) {
      fmt::print("counterexample: {} ({} choices{}): {}  (ipcsim replay {})\n", cex_path,
                 r.counterexample->choices.size(),
                 r.counterexample->replay_checked
                     ? (r.counterexample->replay_reproduces ? ", replay verified" : ", REPLAY DOES NOT REPRODUCE")
                     : "",
                 found, cex_path);
    }
    fmt::print("expected {}, got {}: {}\n", s->expect, found.empty() ? "pass" : found,
               as_expected ? "as expected" : "NOT as expected");
  }
  // Wall time differs between identical runs: stderr only (see fuzz).
  std::cout.flush();
  fmt::print(stderr, "ipcsim check: {} executions in {:.3f} s ({:.0f} executions/s)\n", r.executions, seconds,
             seconds > 0 ? static_cast<double>(r.executions) / seconds : 0.0);
  return as_expected ? kExitOk : kExitMismatch;
}

}  // namespace

void add_check_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Explore every distinguishable schedule of a small scenario (DPOR)");
  cmd->add_option("FILE", a->file, "Scenario file (TOML)")->required();
  cmd->add_option("--max-depth", a->max_depth, "Choice points per run the search branches on")
      ->check(CLI::Range(1u, 10'000'000u))
      ->capture_default_str();
  cmd->add_option("--preemptions", a->preemptions, "Bound on preemptions per run (default: unbounded)");
  cmd->add_flag("--no-dpor", a->no_dpor, "Plain exhaustive search, without partial-order reduction");
  cmd->add_flag("--shortest", a->shortest, "Search everything and keep the shortest counterexample");
  cmd->add_option("--max-executions", a->max_executions, "Safety limit on runs")
      ->check(CLI::Range(1ULL, 1'000'000'000ULL))
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "The World's seed (default: the file's [run] seed)");
  cmd->add_option("--max-faults", a->max_faults, "Fault budget per run (default: the file's)");
  cmd->add_option("--out-dir", a->out_dir, "Where the counterexample file goes")->capture_default_str();
  cmd->add_option("--tree", a->tree, "Write the explored execution tree as JSON (small scenarios)");
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  cmd->callback([a, exit_code] { *exit_code = check(*a); });
}

}  // namespace ipcsim::cli

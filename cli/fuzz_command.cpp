#include "cli/fuzz_command.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_support.hpp"
#include "cli/output_files.hpp"
#include "cli/progress_line.hpp"
#include "cli/shard_results.hpp"
#include "cli/shard_selection.hpp"
#include "cli/scenario/counterexample.hpp"
#include "cli/scenario/fuzz.hpp"
#include "cli/scenario/scenario_program.hpp"
#include "cli/scenario/shrink.hpp"
#include "model/explore/fuzz.hpp"

namespace ipcsim::cli {
namespace {

// The shard result file (shard_results.hpp): the campaign's options, what
// this shard ran, and its findings with their counterexample files' text.
nlohmann::ordered_json shard_file(const scenario::Scenario& s, const FuzzArgs& a, const scenario::FuzzOptions& o,
                                  const scenario::FuzzResult& r, nlohmann::ordered_json findings) {
  nlohmann::ordered_json j;
  j["format"] = kShardFormat;
  j["version"] = kShardVersion;
  j["kind"] = "fuzz";
  j["scenario"] = s.name;
  j["file"] = s.path;
  j["scenario_hash"] = fmt::format("{:016x}", s.content_hash);
  j["expect"] = s.expect;
  j["shard"] = {{"index", o.shard_index}, {"count", o.shard_count}};
  j["options"] = {{"runs", o.runs},           {"first_seed", o.first_seed}, {"policy", a.policy},
                  {"depth", a.depth},         {"keep_going", o.keep_going}, {"shrink", o.shrink},
                  {"shrink_budget", o.shrink_budget}};
  j["runs_planned"] = r.runs_planned;
  j["runs"] = r.runs_done;
  j["findings"] = std::move(findings);
  return j;
}

}  // namespace

int fuzz_command(const FuzzArgs& a) {
  std::string shard_error;
  const std::optional<ShardChoice> shard = select_shard(a.shard, shard_error);
  if (!shard) {
    std::cerr << "ipcsim fuzz: " << shard_error << "\n";
    return kExitBadInput;
  }
  const unsigned shard_index = shard->index, shard_count = shard->count;
  auto s = load_or_report(a.file);
  if (!s) return kExitBadInput;
  if (!check_writable_dir("fuzz", "--out-dir", a.out_dir)) return kExitBadInput;
  if (!a.out.empty() && !check_writable("fuzz", "--out", a.out)) return kExitBadInput;
  if (!shard->source.empty() && shard->source != "--shard") {
    fmt::print(stderr, "ipcsim fuzz: shard {}/{} (from {})\n", shard_index, shard_count, shard->source);
  }
  scenario::FuzzOptions o;
  o.runs = a.runs;
  o.first_seed = a.seed.value_or(s->run.seed);
  o.jobs = a.jobs;
  o.shard_index = shard_index;
  o.shard_count = shard_count;
  o.keep_going = a.keep_going;
  o.shrink = !a.no_shrink;
  o.shrink_budget = a.shrink_budget;
  if (a.policy == "pct") {
    // PCT needs k, the number of schedule choices in a typical run: measured
    // on a few uniformly random runs of this scenario first.
    scenario::ScenarioProgram program(*s);
    explore::RunSettings settings;
    settings.seed = o.first_seed;
    settings.limits = sim::RunLimits{.horizon = s->run.horizon, .max_steps = s->run.max_steps};
    const std::uint64_t k = std::max<std::uint64_t>(1, explore::estimate_choices(program, settings, o.first_seed));
    const std::uint32_t depth = a.depth;
    o.policy = [k, depth](std::uint64_t seed) { return explore::make_chooser(explore::Policy::Pct, seed, depth, k); };
    if (!a.json) fmt::print("policy pct, depth {}, k = {} schedule choices per run (measured)\n", depth, k);
  }
  ProgressLine progress("fuzz", "runs", a.progress);
  if (progress.enabled()) {
    o.progress = [&](const scenario::FuzzProgress& p) {
      progress.update(p.done, static_cast<double>(p.total),
                      p.findings == 0 ? "" : fmt::format("{} finding(s)", p.findings));
    };
  }
  if (!a.json) {
    fmt::print("fuzz {} ({}): {} runs from seed {}{}, {} job(s)\n", s->name, s->mechanism, a.runs, o.first_seed,
               shard_count > 1 ? fmt::format(", shard {}/{}", shard_index, shard_count) : "", a.jobs);
  }
  const auto start = std::chrono::steady_clock::now();
  const scenario::FuzzResult r = scenario::run_fuzz(*s, o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.end();

  nlohmann::ordered_json j;
  j["scenario"] = s->name;
  j["file"] = s->path;
  j["first_seed"] = o.first_seed;
  j["shard"] = fmt::format("{}/{}", shard_index, shard_count);
  j["policy"] = a.policy;
  if (a.policy == "pct") j["depth"] = a.depth;
  j["runs_planned"] = r.runs_planned;
  j["runs"] = r.runs_done;
  j["findings"] = nlohmann::ordered_json::array();
  nlohmann::ordered_json shard_findings = nlohmann::ordered_json::array();
  int code = r.as_expected ? kExitOk : kExitMismatch;
  // One shard of several decides nothing alone (`ipcsim merge` does): it fails
  // only on a violation the scenario does not expect.
  if (shard_count > 1 && code == kExitMismatch) {
    const bool unexpected = std::any_of(r.findings.begin(), r.findings.end(),
                                        [&](const scenario::FuzzFinding& f) { return f.property != s->expect; });
    if (!unexpected) code = kExitOk;
  }
  for (const scenario::FuzzFinding& f : r.findings) {
    scenario::Counterexample cex;
    cex.scenario_path = s->path;
    cex.scenario_hash = s->content_hash;
    cex.scenario_text = s->text;
    cex.seed = f.seed;
    cex.property = f.property;
    cex.message = f.message;
    cex.found_by = "fuzz";
    cex.choices = f.shrunk;
    cex.original_choices = f.original;
    const std::string path = a.out_dir + "/" + s->name + "-seed" + std::to_string(f.seed) + ".cex.json";
    std::string error;
    if (!scenario::write_counterexample(cex, path, error)) {
      std::cerr << "ipcsim fuzz: --out-dir: " << error << "\n";
      code = kExitBadInput;
    }
    // Shrinking minimises faults and departures from the default schedule
    // first, length after (cli/scenario/shrink.hpp): a shrunk list may be
    // longer, so both figures are reported.
    const scenario::ShrinkCost before = scenario::shrink_cost(f.original);
    const scenario::ShrinkCost after = scenario::shrink_cost(f.shrunk);
    nlohmann::ordered_json finding = {{"run", f.run_index},
                                      {"seed", f.seed},
                                      {"property", f.property},
                                      {"message", f.message},
                                      {"choices_before_shrinking", f.original.size()},
                                      {"choices_after_shrinking", f.shrunk.size()},
                                      {"off_default_before_shrinking", before.nonzero_schedule},
                                      {"off_default_after_shrinking", after.nonzero_schedule},
                                      {"shrink_runs", f.shrink_runs},
                                      {"counterexample", path}};
    j["findings"].push_back(finding);
    // A shard's file carries the counterexample itself: `merge` writes it out.
    finding["file_text"] = scenario::format_counterexample(cex);
    shard_findings.push_back(std::move(finding));
    if (!a.json) {
      fmt::print("found: run {} (seed {}) violates {}: {}\n", f.run_index, f.seed, f.property, f.message);
      fmt::print("  choices: {} ({} off the default schedule, {} faults) -> {} ({} off, {} faults) after shrinking "
                 "({} shrink runs)\n",
                 f.original.size(), before.nonzero_schedule, before.faults, f.shrunk.size(), after.nonzero_schedule,
                 after.faults, f.shrink_runs);
      fmt::print("  counterexample: {}  (ipcsim replay {})\n", path, path);
    }
  }
  j["as_expected"] = r.as_expected;
  j["verdict"] = r.verdict;
  if (!a.out.empty()) {
    const std::string text = shard_file(*s, a, o, r, std::move(shard_findings)).dump(2) + "\n";
    if (!write_files({{a.out, text}}, "fuzz")) code = kExitBadInput;
  }
  if (a.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print("result: {} ({} runs): {}\n", r.verdict, r.runs_done, r.as_expected ? "as expected" : "NOT as expected");
  }
  // Wall time is the one thing here that differs between identical runs: it
  // goes to stderr, so stdout stays a pure function of scenario and flags.
  std::cout.flush();
  fmt::print(stderr, "ipcsim fuzz: {} runs in {:.3f} s ({:.0f} runs/s)\n", r.runs_done, seconds,
             seconds > 0 ? static_cast<double>(r.runs_done) / seconds : 0.0);
  return code;
}

}  // namespace ipcsim::cli

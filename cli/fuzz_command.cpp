#include "cli/fuzz_command.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_support.hpp"
#include "cli/output_files.hpp"
#include "cli/scenario/counterexample.hpp"
#include "cli/scenario/fuzz.hpp"
#include "cli/scenario/scenario_program.hpp"
#include "cli/scenario/shrink.hpp"
#include "model/explore/fuzz.hpp"

namespace ipcsim::cli {
namespace {

bool parse_shard(const std::string& text, unsigned& index, unsigned& count) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    std::size_t used = 0;
    const unsigned long i = std::stoul(text.substr(0, slash), &used);
    if (used != slash) return false;
    const std::string rest = text.substr(slash + 1);
    const unsigned long k = std::stoul(rest, &used);
    if (used != rest.size() || i < 1 || k < 1 || i > k || k > 100000) return false;
    index = static_cast<unsigned>(i);
    count = static_cast<unsigned>(k);
    return true;
  } catch (...) {
    return false;
  }
}

// A progress bar on a terminal, a line per tenth otherwise (logs stay readable).
class Progress {
 public:
  explicit Progress(bool quiet) : tty_(::isatty(STDERR_FILENO) == 1), quiet_(quiet) {}
  void update(const scenario::FuzzProgress& p) {
    if (quiet_ || p.total == 0) return;
    if (tty_) {
      const auto now = std::chrono::steady_clock::now();
      if (p.done != p.total && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      const int width = 30;
      const int filled = static_cast<int>(width * p.done / p.total);
      fmt::print(stderr, "\r[{}{}] {}/{} runs, {} finding(s)", std::string(static_cast<std::size_t>(filled), '='),
                 std::string(static_cast<std::size_t>(width - filled), ' '), p.done, p.total, p.findings);
      drawn_ = true;
    } else {
      const std::uint64_t tenth = p.done * 10 / p.total;
      if (tenth == last_tenth_) return;
      last_tenth_ = tenth;
      fmt::print(stderr, "fuzz: {}/{} runs, {} finding(s)\n", p.done, p.total, p.findings);
    }
  }
  void end() {
    if (drawn_) fmt::print(stderr, "\n");
  }

 private:
  bool tty_;
  bool quiet_;
  bool drawn_ = false;
  std::uint64_t last_tenth_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int fuzz_command(const FuzzArgs& a) {
  unsigned shard_index = 1, shard_count = 1;
  if (!parse_shard(a.shard, shard_index, shard_count)) {
    std::cerr << "ipcsim fuzz: --shard: expected I/K with 1 <= I <= K, got \"" << a.shard << "\"\n";
    return kExitBadInput;
  }
  auto s = load_or_report(a.file);
  if (!s) return kExitBadInput;
  if (!check_writable_dir("fuzz", "--out-dir", a.out_dir)) return kExitBadInput;
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
  Progress progress(a.json);
  o.progress = [&](const scenario::FuzzProgress& p) { progress.update(p); };
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
  j["shard"] = a.shard;
  j["policy"] = a.policy;
  if (a.policy == "pct") j["depth"] = a.depth;
  j["runs_planned"] = r.runs_planned;
  j["runs"] = r.runs_done;
  j["findings"] = nlohmann::ordered_json::array();
  int code = r.as_expected ? kExitOk : kExitMismatch;
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
    j["findings"].push_back({{"run", f.run_index},
                             {"seed", f.seed},
                             {"property", f.property},
                             {"message", f.message},
                             {"choices_before_shrinking", f.original.size()},
                             {"choices_after_shrinking", f.shrunk.size()},
                             {"off_default_before_shrinking", before.nonzero_schedule},
                             {"off_default_after_shrinking", after.nonzero_schedule},
                             {"shrink_runs", f.shrink_runs},
                             {"counterexample", path}});
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

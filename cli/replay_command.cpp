#include "cli/replay_command.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command_support.hpp"
#include "cli/diagram_output.hpp"
#include "viz/sequence.hpp"
#include "viz/trace.hpp"
#include "cli/scenario/counterexample.hpp"
#include "cli/scenario/loader.hpp"
#include "cli/scenario/replay_verdict.hpp"
#include "sim/jsonl_writer.hpp"
#include "sim/replay_chooser.hpp"

namespace ipcsim::cli {
namespace {

std::string hex(std::uint64_t v) { return fmt::format("{:016x}", v); }

// The scenario to replay: the one the counterexample carries, or with
// --scenario a file on disk, which may have changed since (a warning says so).
std::optional<scenario::Scenario> scenario_to_replay(const ReplayArgs& a, const scenario::Counterexample& cex) {
  if (!a.scenario.empty()) {
    auto s = load_or_report(a.scenario);
    if (s && s->content_hash != cex.scenario_hash) {
      std::cerr << "ipcsim replay: warning: --scenario " << a.scenario
                << " is not the scenario the counterexample was recorded with (it hashes to " << hex(s->content_hash)
                << ", the recorded one to " << hex(cex.scenario_hash)
                << "): replaying the recorded choices against the file as it is now\n";
    }
    return s;
  }
  // Errors in the embedded text point into it: name it as part of the file.
  scenario::Diagnostics diag;
  auto s = scenario::parse_scenario(*cex.scenario_text, a.file + "#scenario_text", diag);
  if (!s) {
    std::cerr << diag.format() << a.file
              << ": error: scenario_text: this ipcsim refuses the scenario embedded in the counterexample (recorded "
                 "from \""
              << cex.scenario_path
              << "\"); the lines and columns above are in its scenario_text. --scenario PATH replays against a "
                 "scenario file instead\n";
  }
  return s;
}

}  // namespace

int replay_command(const ReplayArgs& a) {
  scenario::Diagnostics diag;
  auto cex = scenario::load_counterexample(a.file, diag, !a.scenario.empty());
  if (!cex) {
    std::cerr << diag.format();
    return kExitBadInput;
  }
  auto s = scenario_to_replay(a, *cex);
  if (!s) return kExitBadInput;
  const bool edited = s->content_hash != cex->scenario_hash;
  const sim::ChoiceList& choices = a.original ? cex->original_choices : cex->choices;
  sim::ReplayChooser strict(choices);
  viz::SequenceOptions diagram_options_;
  if (!a.diagram.empty()) {
    if (!diagram_options(a.diagram_flags, diagram_options_, "replay")) return kExitBadInput;
    if (!check_diagram_path(a.diagram, "replay")) return kExitBadInput;
  }
  // Outputs are checked now and written after the run, all together (see run).
  if (!a.trace.empty() && !check_writable("replay", "--trace", a.trace)) return kExitBadInput;
  std::ostringstream captured;
  std::unique_ptr<sim::JsonlWriter> writer;
  scenario::RunOptions options;
  options.seed = cex->seed;
  options.chooser = &strict;
  options.max_faults = cex->max_faults;
  if (!a.trace.empty() || !a.diagram.empty()) {
    writer = std::make_unique<sim::JsonlWriter>(captured);
    options.observers.push_back(writer.get());
  }
  scenario::RunReport r;
  try {
    r = scenario::run_scenario(*s, options);
  } catch (const sim::ReplayDivergence& e) {
    std::cerr << a.file << ": error: choices: " << e.what()
              << (edited ? " (the scenario is not the recorded one: see the warning above)" : "") << "\n";
    return kExitBadInput;
  }
  if (writer) writer->flush();
  // One verdict for everything replay shows (summary, JSON, diagram) and its
  // exit code. The run stops at its first violation, so recorded choices
  // after it are never asked for: reported, they do not change the verdict.
  const scenario::ReplayVerdict verdict = scenario::judge_replay(s->expect, r.violated, cex->property);
  r.as_expected = verdict.as_expected;
  std::vector<OutputFile> outputs;
  if (!a.diagram.empty()) {
    viz::Trace trace;
    if (!trace_from_text(captured.str(), a.trace.empty() ? a.file : a.trace, trace, "replay") ||
        !render_diagram(trace, a.diagram, diagram_options_, "replay", outputs, &*s, &r,
                        sim::format_choices(choices))) {
      return kExitBadInput;
    }
  }
  if (!a.trace.empty()) outputs.push_back({a.trace, captured.str()});
  if (!write_files(outputs, "replay")) return kExitBadInput;
  const std::size_t used = std::min(strict.consumed(), choices.size());
  const std::string unused =
      used < choices.size() ? fmt::format("; the {} after choice #{} were not asked for (the run ended there)",
                                          choices.size() - used, used)
                            : "";
  if (a.json) {
    auto j = nlohmann::ordered_json::parse(format_run_json(*s, r));
    j["replay"] = {{"counterexample", a.file},
                   {"property", cex->property},
                   {"reproduces", verdict.reproduces},
                   {"choices_recorded", choices.size()},
                   {"choices_used", used},
                   {"verdict", verdict.text}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << format_run_summary(*s, r, /*with_verdict=*/false);
    fmt::print("replay     {} of {} recorded choices used{}, seed {}\n", used, choices.size(), unused, cex->seed);
    if (!a.trace.empty()) fmt::print("trace      {}\n", a.trace);
    if (!a.diagram.empty()) fmt::print("diagram    {}\n", a.diagram);
    fmt::print("verdict    {}\n", verdict.text);
  }
  return verdict.as_expected ? kExitOk : kExitMismatch;
}

}  // namespace ipcsim::cli

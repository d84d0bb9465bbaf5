#include "cli/replay_command.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command_support.hpp"
#include "cli/diagram_output.hpp"
#include "viz/sequence.hpp"
#include "viz/trace.hpp"
#include "cli/scenario/counterexample.hpp"
#include "sim/jsonl_writer.hpp"
#include "sim/replay_chooser.hpp"

namespace ipcsim::cli {
namespace {

struct ReplayArgs {
  std::string file;
  std::string trace;
  std::string diagram;
  DiagramFlags diagram_flags;
  bool json = false;
  bool original = false;
};

std::string hex(std::uint64_t v) { return fmt::format("{:016x}", v); }

int replay(const ReplayArgs& a) {
  scenario::Diagnostics diag;
  auto cex = scenario::load_counterexample(a.file, diag);
  if (!cex) {
    std::cerr << diag.format();
    return kExitBadInput;
  }
  // The recorded path is relative to where fuzz ran; fall back to the
  // counterexample's own folder.
  std::string scenario_path = cex->scenario_path;
  if (!std::filesystem::exists(scenario_path)) {
    const auto beside = std::filesystem::path(a.file).parent_path() / scenario_path;
    if (std::filesystem::exists(beside)) scenario_path = beside.string();
  }
  auto s = load_or_report(scenario_path);
  if (!s) return kExitBadInput;
  if (s->content_hash != cex->scenario_hash) {
    std::cerr << a.file << ": error: scenario_hash: the scenario file \"" << scenario_path
              << "\" changed since the counterexample was recorded (recorded " << hex(cex->scenario_hash)
              << ", the file now has " << hex(s->content_hash) << ")\n";
    return kExitBadInput;
  }
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
    std::cerr << a.file << ": error: choices: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (writer) writer->flush();
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
  const bool reproduced = r.violated == cex->property && strict.exhausted();
  if (a.json) {
    std::cout << format_run_json(*s, r);
  } else {
    std::cout << format_run_summary(*s, r);
    fmt::print("replay     {} choices, seed {}: {} the violation of {}\n", choices.size(), cex->seed,
               reproduced ? "reproduces" : "does NOT reproduce", cex->property);
    if (!a.trace.empty()) fmt::print("trace      {}\n", a.trace);
    if (!a.diagram.empty()) fmt::print("diagram    {}\n", a.diagram);
  }
  return r.as_expected ? kExitOk : kExitMismatch;
}

}  // namespace

void add_replay_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ReplayArgs>();
  CLI::App* cmd = app.add_subcommand("replay", "Re-run a counterexample exactly");
  cmd->add_option("CEX", a->file, "Counterexample file (.cex.json)")->required();
  cmd->add_option("--trace", a->trace, "Write the JSON Lines trace to this file");
  cmd->add_option("--diagram", a->diagram, "Draw the run: .svg, .mmd (Mermaid), .dot or .html (with a Perfetto timeline)");
  add_diagram_flags(*cmd, a->diagram_flags);
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  cmd->add_flag("--original", a->original, "Replay the choice list as found, before shrinking");
  cmd->callback([a, exit_code] { *exit_code = replay(*a); });
}

}  // namespace ipcsim::cli

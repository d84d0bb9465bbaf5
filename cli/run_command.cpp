#include "cli/run_command.hpp"

#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command_support.hpp"
#include "cli/diagram_output.hpp"
#include "viz/sequence.hpp"
#include "viz/trace.hpp"
#include "sim/jsonl_writer.hpp"

namespace ipcsim::cli {
namespace {

struct RunArgs {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string trace;
  std::string diagram;
  DiagramFlags diagram_flags;
  bool json = false;
};

int run(const RunArgs& a) {
  auto s = load_or_report(a.file);
  if (!s) return kExitBadInput;
  const std::string trace_path = !a.trace.empty() ? a.trace : s->output.trace;
  const std::string diagram_path = !a.diagram.empty() ? a.diagram : s->output.diagram;
  viz::SequenceOptions diagram_options_;
  if (!diagram_path.empty() && !diagram_options(a.diagram_flags, diagram_options_, "run")) return kExitBadInput;
  // The trace is kept in memory when a diagram is wanted; files are checked first,
  // so that nothing runs when an output cannot be written.
  std::ofstream trace_file;
  if (!trace_path.empty()) {
    trace_file.open(trace_path, std::ios::binary | std::ios::trunc);
    if (!trace_file) {
      std::cerr << "ipcsim run: --trace: cannot write \"" << trace_path << "\"\n";
      return kExitBadInput;
    }
  }
  if (!diagram_path.empty() && !has_diagram_extension(diagram_path)) {
    std::cerr << "ipcsim run: --diagram: expected a file name ending in .svg, .mmd, .dot or .html, got \""
              << diagram_path << "\"\n";
    return kExitBadInput;
  }
  std::ostringstream captured;
  std::unique_ptr<sim::JsonlWriter> writer;
  scenario::RunOptions options;
  options.seed = a.seed;
  if (!trace_path.empty() || !diagram_path.empty()) {
    writer = std::make_unique<sim::JsonlWriter>(captured);
    options.observers.push_back(writer.get());
  }
  const scenario::RunReport r = scenario::run_scenario(*s, options);
  if (writer) writer->flush();
  if (trace_file.is_open()) trace_file << captured.str();
  if (!diagram_path.empty()) {
    viz::Trace trace;
    if (!trace_from_text(captured.str(), trace_path.empty() ? s->name : trace_path, trace, "run") ||
        !write_diagram(trace, diagram_path, diagram_options_, "run", &*s, &r)) {
      return kExitBadInput;
    }
  }
  if (a.json) {
    std::cout << format_run_json(*s, r);
  } else {
    std::cout << format_run_summary(*s, r);
    if (!trace_path.empty()) std::cout << "trace      " << trace_path << "\n";
    if (!diagram_path.empty()) std::cout << "diagram    " << diagram_path << "\n";
  }
  return r.as_expected ? kExitOk : kExitMismatch;
}

}  // namespace

void add_run_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Run one execution of a scenario and show what happened");
  cmd->add_option("FILE", a->file, "Scenario file (TOML)")->required();
  cmd->add_option("--seed", a->seed, "Seed (replaces the file's [run] seed)");
  cmd->add_option("--trace", a->trace, "Write the JSON Lines trace to this file");
  cmd->add_option("--diagram", a->diagram, "Draw the run: .svg, .mmd (Mermaid), .dot or .html (with a Perfetto timeline)");
  add_diagram_flags(*cmd, a->diagram_flags);
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  cmd->callback([a, exit_code] { *exit_code = run(*a); });
}

}  // namespace ipcsim::cli

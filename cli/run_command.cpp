#include "cli/run_command.hpp"

#include <fmt/core.h>

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

}  // namespace

int run_command(const RunArgs& a) {
  auto s = load_or_report(a.file);
  if (!s) return kExitBadInput;
  const std::string trace_path = !a.trace.empty() ? a.trace : s->output.trace;
  const std::string diagram_path = !a.diagram.empty() ? a.diagram : s->output.diagram;
  viz::SequenceOptions diagram_options_;
  if (!diagram_path.empty() && !diagram_options(a.diagram_flags, diagram_options_, "run")) return kExitBadInput;
  // Outputs are checked before the run and written after it, all together,
  // so that a refusal (say, an actor filter matching nobody) leaves no file.
  if (!trace_path.empty() && !check_writable("run", "--trace", trace_path)) return kExitBadInput;
  if (!diagram_path.empty() && !check_diagram_path(diagram_path, "run")) return kExitBadInput;
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
  std::vector<OutputFile> outputs;
  if (!diagram_path.empty()) {
    viz::Trace trace;
    if (!trace_from_text(captured.str(), trace_path.empty() ? s->name : trace_path, trace, "run") ||
        !render_diagram(trace, diagram_path, diagram_options_, "run", outputs, &*s, &r)) {
      return kExitBadInput;
    }
  }
  if (!trace_path.empty()) outputs.push_back({trace_path, captured.str()});
  if (!write_files(outputs, "run")) return kExitBadInput;
  if (a.json) {
    std::cout << format_run_json(*s, r);
  } else {
    std::cout << format_run_summary(*s, r);
    if (!trace_path.empty()) std::cout << "trace      " << trace_path << "\n";
    if (!diagram_path.empty()) std::cout << "diagram    " << diagram_path << "\n";
  }
  return r.as_expected ? kExitOk : kExitMismatch;
}

}  // namespace ipcsim::cli

#include "cli/run_command.hpp"

#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command_support.hpp"
#include "sim/jsonl_writer.hpp"

namespace ipcsim::cli {
namespace {

struct RunArgs {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string trace;
  bool json = false;
};

int run(const RunArgs& a) {
  auto s = load_or_report(a.file);
  if (!s) return kExitBadInput;
  const std::string trace_path = !a.trace.empty() ? a.trace : s->output.trace;
  std::ofstream trace_file;
  std::unique_ptr<sim::JsonlWriter> writer;
  scenario::RunOptions options;
  options.seed = a.seed;
  if (!trace_path.empty()) {
    trace_file.open(trace_path, std::ios::binary | std::ios::trunc);
    if (!trace_file) {
      std::cerr << "ipcsim run: --trace: cannot write \"" << trace_path << "\"\n";
      return kExitBadInput;
    }
    writer = std::make_unique<sim::JsonlWriter>(trace_file);
    options.observers.push_back(writer.get());
  }
  const scenario::RunReport r = scenario::run_scenario(*s, options);
  if (writer) writer->flush();
  if (a.json) {
    std::cout << format_run_json(*s, r);
  } else {
    std::cout << format_run_summary(*s, r);
    if (writer) std::cout << "trace      " << trace_path << "\n";
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
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  cmd->callback([a, exit_code] { *exit_code = run(*a); });
}

}  // namespace ipcsim::cli

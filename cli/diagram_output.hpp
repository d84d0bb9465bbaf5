// Writing pictures of a run from its trace: the shared part of `run
// --diagram`, `replay --diagram` and `ipcsim viz`. The format follows the file
// name: .svg (Graphviz, in-process), .mmd (Mermaid), .dot, or .html (a
// self-contained report, with the Perfetto timeline written beside it as
// <name>.perfetto.json).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/diagram_flags.hpp"
#include "cli/output_files.hpp"
#include "cli/scenario/runner.hpp"
#include "cli/scenario/scenario.hpp"

namespace ipcsim::viz {
struct Trace;
struct SequenceOptions;
}  // namespace ipcsim::viz

namespace ipcsim::cli {

// Checks the flags; on error prints why (naming the flag) and returns false.
bool diagram_options(const DiagramFlags& flags, viz::SequenceOptions& out, const std::string& verb);

// Checks a --diagram path before anything runs: its extension, and that it
// (and for .html its Perfetto timeline beside it) can be written.
bool check_diagram_path(const std::string& path, const std::string& verb);

// Renders the picture for `path` into `out` (for .html: the report and its
// <name>.perfetto.json); `scenario`/`report` fill an .html summary. Nothing
// is written here: the caller writes all its outputs once all succeeded.
// Prints an error and returns false on failure (e.g. an actor filter that
// matches nobody).
bool render_diagram(const viz::Trace& trace, const std::string& path, const viz::SequenceOptions& options,
                    const std::string& verb, std::vector<OutputFile>& out,
                    const scenario::Scenario* scenario = nullptr, const scenario::RunReport* report = nullptr,
                    const std::string& choices = "");

// Parses a trace held in memory (what run/replay capture when no file is asked for).
bool trace_from_text(const std::string& text, const std::string& name, viz::Trace& out, const std::string& verb);

bool has_diagram_extension(const std::string& path);

}  // namespace ipcsim::cli

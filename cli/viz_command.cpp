#include "cli/viz_command.hpp"

#include <fmt/core.h>

#include <functional>
#include <iostream>

#include "cli/command_support.hpp"
#include "cli/diagram_output.hpp"
#include "viz/errors.hpp"
#include "viz/exploration_tree.hpp"
#include "viz/lock_graph.hpp"
#include "viz/perfetto.hpp"
#include "viz/sequence.hpp"
#include "viz/topology.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::cli {
namespace {

// A graph output is .svg (rendered in-process) or .dot text.
bool check_graph_path(const std::string& flag, const std::string& path) {
  if (!path.ends_with(".dot") && !path.ends_with(".svg")) {
    std::cerr << "ipcsim viz: " << flag << ": expected a file name ending in .svg or .dot, got \"" << path << "\"\n";
    return false;
  }
  return check_writable("viz", flag, path);
}

void add_graph(std::vector<OutputFile>& out, const std::string& path, const std::function<std::string()>& dot,
               const std::function<std::string()>& svg) {
  out.push_back({path, path.ends_with(".dot") ? dot() : svg()});
}

// Every output is rendered first and written only when all succeeded.
bool write_all(const std::vector<OutputFile>& outputs) {
  if (!write_files(outputs, "viz")) return false;
  for (const OutputFile& f : outputs) fmt::print("wrote {}\n", f.path);
  return true;
}

}  // namespace

int viz_command(const VizArgs& a) {
  if (a.trace.empty() == a.tree.empty()) {
    std::cerr << "ipcsim viz: expected either a TRACE file or --tree FILE (not both, not neither)\n";
    return kExitBadInput;
  }
  std::vector<OutputFile> outputs;
  try {
    if (!a.tree.empty()) {
      if (a.diagram.empty() || !a.perfetto.empty() || !a.locks.empty() || !a.topology.empty()) {
        std::cerr << "ipcsim viz: --tree: expected --diagram OUT.svg or OUT.dot (and no other output)\n";
        return kExitBadInput;
      }
      if (!check_graph_path("--diagram", a.diagram)) return kExitBadInput;
      const viz::ExplorationTree tree = viz::load_exploration_tree(a.tree);
      add_graph(outputs, a.diagram, [&] { return viz::exploration_tree_dot(tree); },
                [&] { return viz::exploration_tree_svg(tree); });
      return write_all(outputs) ? kExitOk : kExitBadInput;
    }
    if (a.diagram.empty() && a.perfetto.empty() && a.locks.empty() && a.topology.empty()) {
      std::cerr << "ipcsim viz: expected at least one output: --diagram, --perfetto, --locks or --topology\n";
      return kExitBadInput;
    }
    viz::SequenceOptions options;
    if (!diagram_options(a.flags, options, "viz")) return kExitBadInput;
    // Every output name is checked before the trace is read.
    if ((!a.diagram.empty() && !check_diagram_path(a.diagram, "viz")) ||
        (!a.perfetto.empty() && !check_writable("viz", "--perfetto", a.perfetto)) ||
        (!a.locks.empty() && !check_graph_path("--locks", a.locks)) ||
        (!a.topology.empty() && !check_graph_path("--topology", a.topology))) {
      return kExitBadInput;
    }
    const viz::Trace trace = viz::load_trace(a.trace);
    if (!a.diagram.empty() && !render_diagram(trace, a.diagram, options, "viz", outputs)) return kExitBadInput;
    if (!a.perfetto.empty()) outputs.push_back({a.perfetto, viz::perfetto_json(trace)});
    if (!a.locks.empty()) {
      add_graph(outputs, a.locks, [&] { return viz::lock_graph_dot(trace); }, [&] { return viz::lock_graph_svg(trace); });
    }
    if (!a.topology.empty()) {
      add_graph(outputs, a.topology, [&] { return viz::topology_dot(trace); }, [&] { return viz::topology_svg(trace); });
    }
  } catch (const viz::VizError& e) {
    std::cerr << "ipcsim viz: " << e.what() << "\n";
    return kExitBadInput;
  }
  return write_all(outputs) ? kExitOk : kExitBadInput;
}

}  // namespace ipcsim::cli

#include "cli/viz_command.hpp"

#include <fmt/core.h>

#include <fstream>
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

struct VizArgs {
  std::string trace;
  std::string tree;
  std::string diagram;
  std::string perfetto;
  std::string locks;
  std::string topology;
  DiagramFlags flags;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !(out << text)) {
    std::cerr << "ipcsim viz: cannot write \"" << path << "\"\n";
    return false;
  }
  fmt::print("wrote {}\n", path);
  return true;
}

// A graph output: .svg rendered in-process, or its .dot text.
bool write_graph(const std::string& flag, const std::string& path, const std::string& dot, const std::string& svg) {
  if (ends_with(path, ".dot")) return write(path, dot);
  if (ends_with(path, ".svg")) return write(path, svg);
  std::cerr << "ipcsim viz: " << flag << ": expected a file name ending in .svg or .dot, got \"" << path << "\"\n";
  return false;
}

int viz_main(const VizArgs& a) {
  if (a.trace.empty() == a.tree.empty()) {
    std::cerr << "ipcsim viz: expected either a TRACE file or --tree FILE (not both, not neither)\n";
    return kExitBadInput;
  }
  try {
    if (!a.tree.empty()) {
      if (a.diagram.empty() || !a.perfetto.empty() || !a.locks.empty() || !a.topology.empty()) {
        std::cerr << "ipcsim viz: --tree: expected --diagram OUT.svg or OUT.dot (and no other output)\n";
        return kExitBadInput;
      }
      const viz::ExplorationTree tree = viz::load_exploration_tree(a.tree);
      return write_graph("--diagram", a.diagram, viz::exploration_tree_dot(tree), ends_with(a.diagram, ".svg")
                                                                                   ? viz::exploration_tree_svg(tree)
                                                                                   : "")
                 ? kExitOk
                 : kExitBadInput;
    }
    if (a.diagram.empty() && a.perfetto.empty() && a.locks.empty() && a.topology.empty()) {
      std::cerr << "ipcsim viz: expected at least one output: --diagram, --perfetto, --locks or --topology\n";
      return kExitBadInput;
    }
    viz::SequenceOptions options;
    if (!diagram_options(a.flags, options, "viz")) return kExitBadInput;
    const viz::Trace trace = viz::load_trace(a.trace);
    if (!a.diagram.empty()) {
      if (!write_diagram(trace, a.diagram, options, "viz")) return kExitBadInput;
      fmt::print("wrote {}\n", a.diagram);
    }
    if (!a.perfetto.empty() && !write(a.perfetto, viz::perfetto_json(trace))) return kExitBadInput;
    if (!a.locks.empty() &&
        !write_graph("--locks", a.locks, viz::lock_graph_dot(trace), ends_with(a.locks, ".svg") ? viz::lock_graph_svg(trace) : "")) {
      return kExitBadInput;
    }
    if (!a.topology.empty() && !write_graph("--topology", a.topology, viz::topology_dot(trace),
                                            ends_with(a.topology, ".svg") ? viz::topology_svg(trace) : "")) {
      return kExitBadInput;
    }
  } catch (const viz::VizError& e) {
    std::cerr << "ipcsim viz: " << e.what() << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

void add_viz_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<VizArgs>();
  CLI::App* cmd = app.add_subcommand("viz", "Draw a trace (sequence diagram, timeline, lock graph, machine) or a tree");
  cmd->add_option("TRACE", a->trace, "A JSON Lines trace (from run, replay or fuzz --trace)");
  cmd->add_option("--tree", a->tree, "An exploration tree (from check --tree) to draw with --diagram");
  cmd->add_option("--diagram", a->diagram, "Sequence diagram: .svg, .mmd, .dot or .html (report + Perfetto timeline)");
  cmd->add_option("--perfetto", a->perfetto, "Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev)");
  cmd->add_option("--locks", a->locks, "Lock-order graph, cycles highlighted: .svg or .dot");
  cmd->add_option("--topology", a->topology, "The machine: CPUs, memories, shared regions, buses: .svg or .dot");
  add_diagram_flags(*cmd, a->flags);
  cmd->callback([a, exit_code] { *exit_code = viz_main(*a); });
}

}  // namespace ipcsim::cli

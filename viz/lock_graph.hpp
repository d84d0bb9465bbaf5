// The lock-order graph of a run (lockdep style), rebuilt from its trace.
//
// Each actor holds a list of mutexes (mutex.lock adds one, mutex.unlock
// removes it; an actor that ends drops what it held). Acquiring B while
// holding A adds the edge A -> B, labelled with both acquisition sites and
// the actor. Lock classes are mutex names, as in model/'s lock_order monitor.
// A cycle means two orders that can deadlock, even if this run did not: its
// locks and edges are drawn red and listed in the title.
//
//   viz::LockGraph g = viz::lock_graph(trace);
//   if (g.has_cycle()) std::cout << g.cycles.front().front() << "\n";
//   std::string svg = viz::lock_graph_svg(g);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "viz/trace.hpp"

namespace ipcsim::viz {

struct LockEdge {
  std::size_t from = 0;  // index into LockGraph::locks (held)
  std::size_t to = 0;    // (acquired)
  std::string held_site;      // where `from` was acquired, "file.cpp:12"
  std::string acquired_site;  // where `to` was acquired
  std::string actor;          // who did it first
  std::uint64_t seq = 0;      // the mutex.lock record that first added it
  std::size_t count = 0;      // how many acquisitions added it
  bool in_cycle = false;
};

struct LockGraph {
  std::string source;
  std::vector<std::string> locks;  // lock classes, in order of first acquisition
  std::vector<bool> lock_in_cycle;
  std::vector<LockEdge> edges;     // in order of first appearance
  std::vector<std::vector<std::size_t>> cycles;  // one cycle of locks per strongly connected knot
  std::size_t acquisitions = 0;    // mutex.lock records seen
  bool has_cycle() const { return !cycles.empty(); }
};

LockGraph lock_graph(const Trace& trace);
std::string lock_graph_dot(const LockGraph& graph);
std::string lock_graph_dot(const Trace& trace);
std::string lock_graph_svg(const LockGraph& graph);
std::string lock_graph_svg(const Trace& trace);

}  // namespace ipcsim::viz

// Graphviz in-process: DOT text in, SVG (or another format) out, through
// libcgraph and libgvc, without running the dot program.
//
// Every graph viz/ draws is first written as DOT text (which golden tests pin),
// then laid out here. Engines: "dot" (layered: lock graphs, topology, trees)
// and "nop2" (neato -n2: every node has a pinned pos in points and edges are
// straight; the sequence diagrams, whose layout viz/ computes itself).
//
//   std::string svg = viz::render_dot("digraph { a -> b }", "dot");
#pragma once

#include <string>
#include <string_view>

namespace ipcsim::viz {

// Lays out and renders `dot`. Throws GraphvizError (errors.hpp) with
// Graphviz's own message when the text does not parse or the engine fails.
std::string render_dot(std::string_view dot, std::string_view engine, std::string_view format = "svg");

}  // namespace ipcsim::viz

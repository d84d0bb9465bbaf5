#include "viz/topology.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "viz/graphviz.hpp"
#include "viz/text.hpp"

namespace ipcsim::viz {
namespace {

constexpr std::size_t kActorsListed = 8;  // per CPU; the rest are counted

std::string scaled(std::int64_t v, std::int64_t base, const char* const* units, std::size_t n_units) {
  std::size_t u = 0;
  std::int64_t scale = 1;
  while (u + 1 < n_units && v >= scale * base) {
    scale *= base;
    ++u;
  }
  return format_number(static_cast<double>(v) / static_cast<double>(scale), 2) + " " + units[u];
}

std::string html(std::string_view s) { return escape_xml(s); }

}  // namespace

std::string format_bytes(std::int64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  return scaled(bytes, 1024, kUnits, std::size(kUnits));
}

std::string format_rate(std::int64_t bytes_per_second) {
  if (bytes_per_second == 0) return "unlimited";
  static constexpr const char* kUnits[] = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s"};
  return scaled(bytes_per_second, 1000, kUnits, std::size(kUnits));
}

std::string topology_dot(const Trace& trace) {
  // CPUs: declared ones, and any an actor ran on.
  std::set<CpuId> cpus;
  for (const CpuInfo& c : trace.cpus()) cpus.insert(c.id);
  std::map<CpuId, std::vector<ActorId>> actors;
  for (const auto& [id, a] : trace.actors()) {
    const CpuId c = trace.actor_cpu(id);
    if (c == kNoCpu) continue;
    cpus.insert(c);
    actors[c].push_back(id);
  }
  std::string out = "graph topology {\n";
  out += "  graph [fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"" + escape_dot("machine · " + trace.source()) +
         "\", pad=0.3, nodesep=0.4, ranksep=0.9, newrank=true];\n";
  // Generous margins: Graphviz sizes nodes with Helvetica metrics, and a viewer
  // that falls back to DejaVu Sans sets text an eighth wider.
  out += "  node [fontname=\"Helvetica\", fontsize=10, margin=\"0.22,0.08\"];\n";
  out += "  edge [color=\"#595959\"];\n";
  if (cpus.empty()) {
    out += "  none [shape=plaintext, label=\"no cpu.config records in this trace\"];\n}\n";
    return out;
  }
  out += "  subgraph cpus {\n    rank=same;\n";
  for (CpuId c : cpus) {
    const CpuInfo* info = trace.cpu(c);
    std::string label = "<<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"2\">";
    label += "<tr><td><b>" + html(trace.cpu_name(c)) + "</b></td></tr>";
    if (info != nullptr && !info->policy.empty()) label += "<tr><td><font point-size=\"9\">" + html(info->policy) + "</font></td></tr>";
    if (info != nullptr && info->memory_bytes > 0) {
      label += "<tr><td><font point-size=\"9\">memory " + html(format_bytes(info->memory_bytes)) + "</font></td></tr>";
    }
    // The actors that ran here, three to a line.
    const auto& list = actors[c];
    const std::size_t listed = std::min(list.size(), kActorsListed);
    for (std::size_t k = 0; k < listed; k += 3) {
      std::string line;
      for (std::size_t j = k; j < listed && j < k + 3; ++j) line += (j == k ? "" : ", ") + trace.actor_name(list[j]);
      if (k + 3 >= listed && list.size() > listed) line += " +" + std::to_string(list.size() - listed) + " more";
      label += "<tr><td><font point-size=\"9\" color=\"#1f4e9a\">" + html(line) + "</font></td></tr>";
    }
    label += "</table>>";
    out += "    cpu" + std::to_string(c) + " [shape=box, style=\"rounded,filled\", fillcolor=\"#eef4fd\", color=\"#5b7fb8\", label=" +
           label + "];\n";
  }
  out += "  }\n";
  if (!trace.buses().empty()) {
    // Buses above the CPUs and regions below them follow from the edges'
    // directions; only the CPUs need a subgraph (rank=same). One subgraph at most:
    // Graphviz orders subgraphs by string addresses, which differ from run to run.
    for (std::size_t b = 0; b < trace.buses().size(); ++b) {
      const BusInfo& bus = trace.buses()[b];
      std::string label = "<<b>" + html(bus.name) + "</b><br/><font point-size=\"9\">bus · " +
                          html(format_ns(bus.latency_ns)) + " · " + html(format_rate(bus.bytes_per_second));
      if (bus.queue_limit > 0) label += " · " + std::to_string(bus.queue_limit) + " in flight";
      label += "</font>>";
      out += "  bus" + std::to_string(b) + " [shape=hexagon, style=filled, fillcolor=\"#fef6ea\", color=\"#c98a2b\", label=" +
             label + "];\n";
    }
    for (std::size_t b = 0; b < trace.buses().size(); ++b) {
      for (CpuId c : trace.buses()[b].cpus) {
        out += "  bus" + std::to_string(b) + " -- cpu" + std::to_string(c) + " [penwidth=1.6, color=\"#c98a2b\"];\n";
      }
    }
  }
  if (!trace.regions().empty()) {
    for (std::size_t g = 0; g < trace.regions().size(); ++g) {
      const RegionInfo& region = trace.regions()[g];
      out += "  region" + std::to_string(g) + " [shape=cylinder, style=filled, fillcolor=\"#eef9f0\", color=\"#4f9a62\", label=<<b>" +
             html(region.name) + "</b><br/><font point-size=\"9\">shared · " + html(format_bytes(region.bytes)) + "</font>>];\n";
    }
    for (std::size_t g = 0; g < trace.regions().size(); ++g) {
      for (CpuId c : trace.regions()[g].cpus) {
        out += "  cpu" + std::to_string(c) + " -- region" + std::to_string(g) + " [style=dashed, color=\"#4f9a62\"];\n";
      }
    }
  }
  // Ports hang off the CPU of their reader.
  std::size_t port = 0;
  for (const Record& r : trace.records()) {
    if (r.kind != "sim.object" || r.str_field("type") != "port") continue;
    const ActorId reader = trace.receiver_of(r.obj);
    const CpuId c = reader != kNoActor ? trace.actor_cpu(reader) : kNoCpu;
    if (c == kNoCpu || cpus.count(c) == 0) continue;
    const std::string id = "port" + std::to_string(port++);
    out += "  " + id + " [shape=note, style=filled, fillcolor=\"#ffffff\", color=\"#8c8c8c\", fontsize=9, label=\"" +
           escape_dot("port " + std::string(r.str_field("name")) + "\nread by " + trace.actor_name(reader)) + "\"];\n";
    out += "  cpu" + std::to_string(c) + " -- " + id + " [style=dotted, color=\"#8c8c8c\"];\n";
  }
  out += "}\n";
  return out;
}

std::string topology_svg(const Trace& trace) { return render_dot(topology_dot(trace), "dot"); }

}  // namespace ipcsim::viz

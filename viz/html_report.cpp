#include "viz/html_report.hpp"

#include <map>

#include "viz/lock_graph.hpp"
#include "viz/text.hpp"
#include "viz/topology.hpp"

namespace ipcsim::viz {
namespace {

constexpr const char* kStyle = R"(
body { font-family: Helvetica, Arial, sans-serif; margin: 24px 32px; color: #262626; max-width: 1600px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #d9d9d9; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; }
td, th { border: 1px solid #d9d9d9; padding: 4px 10px; text-align: left; vertical-align: top; font-size: 14px; }
th { background: #fafafa; }
.verdict { display: inline-block; padding: 4px 12px; border-radius: 4px; font-weight: bold; }
.ok { background: #e8f5e9; color: #1b5e20; }
.bad { background: #ffebee; color: #b71c1c; }
.holds { color: #1b5e20; } .violated { color: #b71c1c; font-weight: bold; }
.diagram { overflow: auto; border: 1px solid #d9d9d9; padding: 8px; max-height: 90vh; }
pre { background: #f5f5f5; padding: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.muted { color: #737373; font-size: 13px; }
)";

std::string h(std::string_view s) { return escape_xml(s); }

struct Facts {
  std::size_t records = 0;
  std::int64_t end_ns = 0;
  std::string end_outcome;
  std::map<std::string, std::size_t> counts;  // by fact name, sorted
};

Facts facts(const Trace& t) {
  Facts f;
  f.records = t.size();
  if (t.size() > 0) f.end_ns = t.records().back().t;
  static const std::map<std::string, std::string, std::less<>> kCounted = {
      {"bus.send", "messages sent"},      {"port.recv", "messages received"}, {"bus.drop", "messages dropped"},
      {"bus.duplicate", "duplicates"},    {"bus.reorder", "reorders"},        {"bus.delay", "delays"},
      {"cpu.crash", "CPU crashes"},       {"cpu.restart", "CPU restarts"},    {"sim.kill", "actors killed"},
      {"sim.timeout", "timeouts"},        {"port.overflow", "port overflows"}, {"bus.partition", "partitions"},
      {"property.violation", "violations"}};
  for (const Record& r : t.records()) {
    if (auto it = kCounted.find(r.kind); it != kCounted.end()) ++f.counts[it->second];
    if (r.kind == "sim.end") f.end_outcome = std::string(r.str_field("outcome"));
  }
  return f;
}

}  // namespace

std::string inline_svg(std::string_view svg, std::string_view id_prefix) {
  const std::size_t at = svg.find("<svg");
  const std::string_view body = at == std::string_view::npos ? svg : svg.substr(at);
  if (id_prefix.empty()) return std::string(body);
  // Graphviz numbers ids from 1 in every drawing ("node1", "graph0"): give each
  // drawing its own, so that one page holds several without clashes.
  std::string out;
  out.reserve(body.size() + body.size() / 16);
  const std::string_view attr = " id=\"";
  std::size_t from = 0;
  for (std::size_t hit = body.find(attr); hit != std::string_view::npos; hit = body.find(attr, from)) {
    out.append(body.substr(from, hit + attr.size() - from));
    out.append(id_prefix);
    out += '-';
    from = hit + attr.size();
  }
  out.append(body.substr(from));
  return out;
}

std::string html_report(const RunSummary& s, const Trace& trace, const ReportOptions& o) {
  const std::string title = s.scenario.empty() ? trace.source() : s.scenario;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>ipcsim · " + h(title) +
                    "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<h1>" + h(title) + "</h1>\n";
  out += "<p><span class=\"verdict " + std::string(s.ok ? "ok" : "bad") + "\">" +
         h(s.outcome.empty() ? (s.ok ? "as expected" : "not as expected") : s.outcome) + "</span></p>\n";

  out += "<h2>Summary</h2>\n<table>\n";
  out += "<tr><th>scenario</th><td>" + h(s.scenario) + "</td></tr>\n";
  out += "<tr><th>seed</th><td>" + std::to_string(s.seed) + "</td></tr>\n";
  if (!s.expected.empty()) out += "<tr><th>expected</th><td>" + h(s.expected) + "</td></tr>\n";
  out += "<tr><th>outcome</th><td>" + h(s.outcome) + "</td></tr>\n";
  for (const auto& [name, value] : s.counts) out += "<tr><th>" + h(name) + "</th><td>" + h(value) + "</td></tr>\n";
  out += "</table>\n";

  if (!s.properties.empty()) {
    out += "<h2>Properties</h2>\n<table>\n<tr><th>property</th><th>verdict</th><th>detail</th></tr>\n";
    for (const PropertyVerdict& p : s.properties) {
      const std::string cls = p.verdict == "holds" ? "holds" : p.verdict == "violated" ? "violated" : "";
      out += "<tr><td>" + h(p.property) + "</td><td class=\"" + cls + "\">" + h(p.verdict) + "</td><td>" + h(p.detail) +
             "</td></tr>\n";
    }
    out += "</table>\n";
  }

  const Facts f = facts(trace);
  out += "<h2>From the trace</h2>\n<table>\n";
  out += "<tr><th>records</th><td>" + std::to_string(f.records) + "</td></tr>\n";
  out += "<tr><th>simulated time</th><td>" + h(format_ns(f.end_ns)) + "</td></tr>\n";
  if (!f.end_outcome.empty()) out += "<tr><th>run outcome</th><td>" + h(f.end_outcome) + "</td></tr>\n";
  out += "<tr><th>actors</th><td>" + std::to_string(trace.actors().size()) + "</td></tr>\n";
  for (const auto& [name, n] : f.counts) out += "<tr><th>" + h(name) + "</th><td>" + std::to_string(n) + "</td></tr>\n";
  out += "</table>\n";
  if (!trace.violations().empty()) {
    out += "<table>\n<tr><th>violated property</th><th>at</th><th>message</th></tr>\n";
    for (std::size_t v : trace.violations()) {
      const Record& r = trace.records()[v];
      out += "<tr><td class=\"violated\">" + h(r.str_field("property")) + "</td><td>" + h(format_ns(r.t)) + ", record " +
             std::to_string(r.int_field("at").value_or(static_cast<std::int64_t>(r.seq))) + "</td><td>" +
             h(r.str_field("message")) + "</td></tr>\n";
    }
    out += "</table>\n";
  }

  if (!s.choices.empty()) {
    out += "<h2>Choice list</h2>\n<p class=\"muted\">Replaying these choices reproduces the run exactly.</p>\n<pre>" +
           h(s.choices) + "</pre>\n";
  }

  out += "<h2>Sequence diagram</h2>\n";
  const SequenceModel model = build_sequence(trace, o.sequence);
  if (!model.window.empty()) out += "<p class=\"muted\">Window: " + h(model.window) + ".</p>\n";
  out += "<div class=\"diagram\">\n" + inline_svg(sequence_svg(model), "sequence") + "</div>\n";
  out += "<p class=\"muted\">Hover over an arrow or a note to see its trace record.</p>\n";

  if (!o.perfetto_href.empty()) {
    out += "<h2>Timeline</h2>\n<p><a href=\"" + h(o.perfetto_href) + "\">" + h(o.perfetto_href) +
           "</a>: the whole run as a Perfetto trace (CPUs as processes, actors as threads, messages as flow arrows). "
           "Open it with ui.perfetto.dev (\"Open trace file\") or chrome://tracing.</p>\n";
  }
  if (o.topology && !trace.cpus().empty()) {
    out += "<h2>Machine</h2>\n<div class=\"diagram\">\n" + inline_svg(topology_svg(trace), "machine") + "</div>\n";
  }
  if (o.lock_graph) {
    const LockGraph g = lock_graph(trace);
    if (g.acquisitions > 0) {
      out += "<h2>Lock order</h2>\n";
      if (g.has_cycle()) out += "<p class=\"violated\">The lock-order graph has a cycle: a potential deadlock.</p>\n";
      out += "<div class=\"diagram\">\n" + inline_svg(lock_graph_svg(g), "locks") + "</div>\n";
    }
  }
  out += "<p class=\"muted\">Generated by ipcsim viz from " + h(trace.source()) + ".</p>\n</body>\n</html>\n";
  return out;
}

}  // namespace ipcsim::viz

#include "cli/diagram_output.hpp"

#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command_support.hpp"
#include "cli/scenario/units.hpp"
#include "viz/errors.hpp"
#include "viz/html_report.hpp"
#include "viz/perfetto.hpp"
#include "viz/sequence.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::cli {
namespace {

// An .html report links its Perfetto timeline, written beside it.
std::string perfetto_sidecar(const std::string& html_path) {
  return html_path.substr(0, html_path.size() - 5) + ".perfetto.json";
}

viz::RunSummary summary_of(const scenario::Scenario& s, const scenario::RunReport& r, const std::string& choices) {
  viz::RunSummary out;
  out.scenario = s.name + " (" + s.path + ")";
  out.seed = r.seed;
  out.outcome = std::string(sim::to_string(r.result.outcome)) +
                (r.violated.empty() ? ", no property violated" : ", violated: " + r.violated);
  out.ok = r.as_expected;
  out.expected = s.expect;
  for (const auto& v : r.verdicts) out.properties.push_back({v.property, v.violated ? "violated" : "holds", v.message});
  out.counts = {{"simulated time", format_time(r.result.end_time)},
                {"steps", std::to_string(r.result.steps)},
                {"events", std::to_string(r.result.events)},
                {"choices", std::to_string(r.result.choices)},
                {"faults", std::to_string(r.result.faults)}};
  for (const auto& kv : r.summary) out.counts.push_back(kv);
  out.choices = choices;
  return out;
}

}  // namespace

bool has_diagram_extension(const std::string& path) {
  return path.ends_with(".svg") || path.ends_with(".mmd") || path.ends_with(".dot") || path.ends_with(".html");
}

bool diagram_options(const DiagramFlags& f, viz::SequenceOptions& o, const std::string& verb) {
  for (const auto& [flag, text, slot] : {std::tuple{"--from", &f.from, &o.from_ns}, std::tuple{"--to", &f.to, &o.to_ns}}) {
    if (text->empty()) continue;
    const auto d = scenario::parse_duration(*text);
    if (!d) {
      std::cerr << "ipcsim " << verb << ": " << flag << ": expected a duration with a unit such as \"10us\", got \""
                << *text << "\"\n";
      return false;
    }
    *slot = sim::to_ns(*d);
  }
  o.around_violation = f.around_violation;
  o.actors = f.actors;
  o.detail = f.detail == "messages" ? viz::Detail::Messages : f.detail == "all" ? viz::Detail::All : viz::Detail::Sync;
  // The RTOS pools' own free-list records (one per block moved, what
  // pool_origin checks) are bookkeeping: drawn only with --detail all.
  if (o.detail != viz::Detail::All) {
    o.hide_kinds.insert(o.hide_kinds.end(), {"rtos.pool.take", "rtos.pool.put", "rtos.heap.take", "rtos.heap.put"});
  }
  return true;
}

bool trace_from_text(const std::string& text, const std::string& name, viz::Trace& out, const std::string& verb) {
  try {
    std::istringstream in(text);
    out = viz::parse_trace(in, name);
    return true;
  } catch (const viz::VizError& e) {
    std::cerr << "ipcsim " << verb << ": " << e.what() << "\n";
    return false;
  }
}

bool check_diagram_path(const std::string& path, const std::string& verb) {
  if (!has_diagram_extension(path)) {
    std::cerr << "ipcsim " << verb << ": --diagram: expected a file name ending in .svg, .mmd, .dot or .html, got \""
              << path << "\"\n";
    return false;
  }
  return check_writable(verb, "--diagram", path) &&
         (!path.ends_with(".html") || check_writable(verb, "--diagram", perfetto_sidecar(path)));
}

bool render_diagram(const viz::Trace& trace, const std::string& path, const viz::SequenceOptions& options,
                    const std::string& verb, std::vector<OutputFile>& out, const scenario::Scenario* scenario,
                    const scenario::RunReport* report, const std::string& choices) {
  try {
    if (path.ends_with(".svg")) {
      out.push_back({path, viz::sequence_svg(trace, options)});
    } else if (path.ends_with(".mmd")) {
      out.push_back({path, viz::sequence_mermaid(trace, options)});
    } else if (path.ends_with(".dot")) {
      out.push_back({path, viz::sequence_dot(trace, options)});
    } else if (path.ends_with(".html")) {
      const std::string perfetto = perfetto_sidecar(path);
      viz::ReportOptions r;
      r.sequence = options;
      const std::size_t slash = perfetto.find_last_of('/');
      r.perfetto_href = slash == std::string::npos ? perfetto : perfetto.substr(slash + 1);
      viz::RunSummary s;
      if (scenario != nullptr && report != nullptr) {
        s = summary_of(*scenario, *report, choices);
      } else {
        s.scenario = trace.source();
      }
      out.push_back({perfetto, viz::perfetto_json(trace)});
      out.push_back({path, viz::html_report(s, trace, r)});
    } else {
      return check_diagram_path(path, verb);  // prints the extension error
    }
    return true;
  } catch (const viz::VizError& e) {
    std::cerr << "ipcsim " << verb << ": --diagram: " << e.what() << "\n";
    return false;
  }
}

}  // namespace ipcsim::cli

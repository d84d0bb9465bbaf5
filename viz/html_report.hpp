// An HTML report of one run or counterexample, in one self-contained file (no
// script, no external stylesheet, the diagrams inline as SVG): the summary the
// command fills in (scenario, seed, outcome, properties and their verdicts,
// counts, the choice list of a counterexample), facts read from the trace
// (messages, faults, violations), the sequence diagram, a link to the Perfetto
// timeline written beside the report, the machine, and the lock-order graph
// when the run took locks.
//
//   viz::RunSummary s{.scenario = "rtos/broadcast.toml", .seed = 7, .outcome = "violated: no_double_delivery",
//                     .ok = false, .expected = "pass"};
//   s.properties = {{"no_double_delivery", "violated", "slave2 got round 3 twice"}};
//   viz::ReportOptions o;  o.perfetto_href = "run.perfetto.json";  o.sequence.around_violation = 30;
//   std::ofstream("run.html") << viz::html_report(s, trace, o);
//   std::ofstream("run.perfetto.json") << viz::perfetto_json(trace);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "viz/sequence.hpp"
#include "viz/trace.hpp"

namespace ipcsim::viz {

struct PropertyVerdict {
  std::string property;
  std::string verdict;  // "holds", "violated", "not checked", ...
  std::string detail;   // the monitor's message
};

struct RunSummary {
  std::string scenario;
  std::uint64_t seed = 0;
  std::string outcome;   // what happened, in words
  bool ok = true;        // the outcome is the one the scenario expects
  std::string expected;  // "pass", or the property a broken variant must violate
  std::vector<PropertyVerdict> properties;
  std::vector<std::pair<std::string, std::string>> counts;  // ("steps", "1204"), ...
  std::string choices;   // a counterexample's choice list (sim::format_choices); empty: none
};

struct ReportOptions {
  SequenceOptions sequence;   // window and filters of the diagram
  std::string perfetto_href;  // the Perfetto JSON beside the report; empty: no link
  bool topology = true;
  bool lock_graph = true;     // drawn only if the trace has mutex.lock records
};

std::string html_report(const RunSummary& summary, const Trace& trace, const ReportOptions& options = {});

// An SVG document reduced to its <svg> element, to inline in HTML; with a
// prefix, every id="x" becomes id="prefix-x" (several drawings on one page).
std::string inline_svg(std::string_view svg, std::string_view id_prefix = "");

}  // namespace ipcsim::viz

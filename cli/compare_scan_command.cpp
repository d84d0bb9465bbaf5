#include "cli/compare_scan_command.hpp"

#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command_support.hpp"
#include "cli/scan_compare.hpp"
#include "viz/plot.hpp"

namespace ipcsim::cli {
namespace {

std::string ratio(double r) { return r == 0 ? "-" : fmt::format("{:.3f}", r); }

void print_table(const std::vector<CompareRow>& rows) {
  fmt::print("{:<22} {:>5} {:>6} {:>9} {:>10} {:>11} {:>11} {:>6} {:>6} {:>7} {:>9} {:>9}\n", "strategy", "procs",
             "list", "delivered", "insp/msg", "lat mean", "lat p99", "order", "missed", "resets", "insp/base",
             "p99/base");
  for (const CompareRow& r : rows) {
    fmt::print("{:<22} {:>5} {:>6} {:>9} {:>10.2f} {:>9.0f}ns {:>9.0f}ns {:>6} {:>6} {:>7} {:>9} {:>9}\n", r.strategy,
               r.processors, r.list_length, r.delivered, r.inspections_per_message, r.latency_mean_ns, r.latency_p99_ns,
               r.out_of_order, r.missed, r.resets, ratio(r.ratio_inspections), ratio(r.ratio_p99));
  }
  for (const CompareRow& r : rows) {
    if (!r.first_violation.empty()) {
      fmt::print("{} ({} processors, list {}): {}\n", r.strategy, r.processors, r.list_length, r.first_violation);
    }
  }
}

std::string csv_text(const std::vector<CompareRow>& rows) {
  std::string out =
      "strategy,processors,list_length,delivered,inspections,trailing_inspections,inspections_per_message,latency_mean_"
      "ns,latency_p99_ns,"
      "out_of_order,missed_runs,resets,ratio_inspections,ratio_p99\n";
  for (const CompareRow& r : rows) {
    out += fmt::format("{},{},{},{},{},{},{:.4f},{:.1f},{:.1f},{},{},{},{:.4f},{:.4f}\n", r.strategy, r.processors,
                       r.list_length, r.delivered, r.inspections, r.trailing_inspections, r.inspections_per_message,
                       r.latency_mean_ns, r.latency_p99_ns, r.out_of_order, r.missed, r.resets, r.ratio_inspections,
                       r.ratio_p99);
  }
  return out;
}

// Two charts in one SVG, one above the other: inspections per message and p99
// latency, each against processors, one line per strategy (and list length).
std::string plot_text(const std::vector<CompareRow>& rows) {
  viz::Plot a, b;
  a.title = "message-list scan: inspections per delivered message";
  a.x_label = b.x_label = "processors";
  a.y_label = "inspections per message";
  b.title = "message-list scan: latency from posting to retrieval, 99th percentile";
  b.y_label = "p99 latency";
  b.y_unit = "ns";
  std::map<std::string, std::size_t> index;
  std::vector<std::string> order;
  for (const CompareRow& r : rows) {
    const std::string name = r.strategy + (r.list_length == rows.front().list_length &&
                                                   [&] {
                                                     for (const CompareRow& o : rows) {
                                                       if (o.list_length != r.list_length) return false;
                                                     }
                                                     return true;
                                                   }()
                                               ? ""
                                               : " (list " + std::to_string(r.list_length) + ")");
    if (!index.count(name)) {
      index[name] = a.series.size();
      a.series.push_back({name, {}});
      b.series.push_back({name, {}});
    }
    a.series[index[name]].points.emplace_back(r.processors, r.inspections_per_message);
    b.series[index[name]].points.emplace_back(r.processors, r.latency_p99_ns);
  }
  auto inner = [](const std::string& svg, double y) {
    std::string s = svg.substr(svg.find("<svg"));
    s.insert(4, " x=\"0\" y=\"" + fmt::format("{:.0f}", y) + "\"");
    return s;
  };
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\">\n", a.width,
                     a.height + b.height);
  out += inner(viz::plot_svg(a), 0);
  out += inner(viz::plot_svg(b), a.height);
  out += "</svg>\n";
  return out;
}

nlohmann::ordered_json json_rows(const std::vector<CompareRow>& rows) {
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const CompareRow& r : rows) {
    all.push_back({{"strategy", r.strategy},
                   {"processors", r.processors},
                   {"list_length", r.list_length},
                   {"delivered", r.delivered},
                   {"inspections", r.inspections},
                   {"trailing_inspections", r.trailing_inspections},
                   {"inspections_per_message", r.inspections_per_message},
                   {"latency_mean_ns", r.latency_mean_ns},
                   {"latency_p99_ns", r.latency_p99_ns},
                   {"out_of_order", r.out_of_order},
                   {"missed_runs", r.missed},
                   {"resets", r.resets},
                   {"ratio_inspections", r.ratio_inspections},
                   {"ratio_p99", r.ratio_p99},
                   {"first_violation", r.first_violation}});
  }
  return all;
}

bool writable(const std::string& path, const char* flag) {
  std::ofstream out(path, std::ios::app);
  if (!out) {
    std::cerr << "ipcsim compare-scan: " << flag << ": cannot write \"" << path << "\"\n";
    return false;
  }
  return true;
}

}  // namespace

int compare_scan_command(const CompareScanArgs& a) {
  CompareConfig c;
  c.processors = a.processors;
  c.list_lengths = a.list_lengths;
  c.rate_per_us = a.rate;
  c.seeds = a.seeds;
  c.recipients = a.recipients;
  c.removal = a.removal == "at_retrieval" ? scan::Removal::AtRetrieval : scan::Removal::AfterProcessing;
  for (const std::string& s : a.strategies) {
    StrategySpec spec;
    std::string error;
    if (!parse_strategy(s, spec, error)) {
      std::cerr << "ipcsim compare-scan: --strategies: " << error << "\n";
      return kExitBadInput;
    }
    c.strategies.push_back(spec);
  }
  for (std::uint32_t p : c.processors) {
    if (p < 1 || p > scan::kMaxProcessors) {
      std::cerr << "ipcsim compare-scan: --processors: expected 1 to " << scan::kMaxProcessors << ", got " << p << "\n";
      return kExitBadInput;
    }
  }
  for (std::uint32_t l : c.list_lengths) {
    if (l < 2 || l > 100'000) {
      std::cerr << "ipcsim compare-scan: --list-length: expected 2 to 100000 slots, got " << l << "\n";
      return kExitBadInput;
    }
  }
  if (!a.csv.empty() && !writable(a.csv, "--csv")) return kExitBadInput;
  if (!a.plot.empty() && (a.plot.size() < 4 || a.plot.substr(a.plot.size() - 4) != ".svg")) {
    std::cerr << "ipcsim compare-scan: --plot: expected a file name ending in .svg, got \"" << a.plot << "\"\n";
    return kExitBadInput;
  }
  if (!a.plot.empty() && !writable(a.plot, "--plot")) return kExitBadInput;
  const std::vector<CompareRow> rows = compare_scan(c);
  if (!a.csv.empty()) std::ofstream(a.csv, std::ios::trunc) << csv_text(rows);
  if (!a.plot.empty()) std::ofstream(a.plot, std::ios::trunc) << plot_text(rows);
  bool missed = false;
  for (const CompareRow& r : rows) missed = missed || r.missed != 0;
  if (a.json) {
    nlohmann::ordered_json j;
    j["rows"] = json_rows(rows);
    j["exit_code"] = missed ? kExitMismatch : kExitOk;
    fmt::print("{}\n", j.dump(2));
  } else {
    print_table(rows);
    if (!a.csv.empty()) fmt::print("csv        {}\n", a.csv);
    if (!a.plot.empty()) fmt::print("plot       {}\n", a.plot);
  }
  return missed ? kExitMismatch : kExitOk;
}

}  // namespace ipcsim::cli

#include "cli/command_support.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/scenario/loader.hpp"
#include "cli/scenario/units.hpp"

namespace ipcsim::cli {

std::optional<scenario::Scenario> load_or_report(const std::string& path) {
  scenario::Diagnostics diag;
  auto s = scenario::load_scenario(path, diag);
  if (!s) std::cerr << diag.format();
  return s;
}

std::string format_time(sim::Instant t) { return scenario::format_duration(t - sim::kTimeZero); }

std::string format_run_summary(const scenario::Scenario& s, const scenario::RunReport& r, bool with_verdict) {
  std::string out;
  out += fmt::format("scenario   {} ({}){}\n", s.name, s.mechanism, s.description.empty() ? "" : ": " + s.description);
  out += fmt::format("seed       {}\n", r.seed);
  out += fmt::format("outcome    {} at t={} after {} steps, {} events, {} choices, {} faults\n",
                     sim::to_string(r.result.outcome), format_time(r.result.end_time), r.result.steps, r.result.events,
                     r.result.choices, r.result.faults);
  for (const auto& [k, v] : r.summary) out += fmt::format("           {}: {}\n", k, v);
  out += "properties\n";
  // One column for the names, as wide as the longest (the RTOS has long ones).
  std::size_t width = 22;
  for (const auto& v : r.verdicts) width = std::max(width, v.property.size());
  for (const auto& v : r.verdicts) {
    if (!v.violated) {
      out += fmt::format("  {:<{}} ok\n", v.property, width);
      continue;
    }
    std::string message = v.message;
    if (!message.empty() && message.back() == '\n') message.pop_back();
    const bool at_end = v.at_seq >= UINT64_MAX - 1;
    out += fmt::format("  {:<{}} VIOLATED at t={}{}: {}\n", v.property, width, format_time(v.at),
                       at_end ? "" : fmt::format(" (trace record {})", v.at_seq), message);
  }
  if (!with_verdict) return out;
  const std::string got = r.violated.empty() ? "pass" : r.violated;
  out += fmt::format("expected   {}, got {}: {}\n", s.expect, got, r.as_expected ? "as expected" : "NOT as expected");
  return out;
}

std::string format_run_json(const scenario::Scenario& s, const scenario::RunReport& r) {
  nlohmann::ordered_json j;
  j["scenario"] = s.name;
  j["file"] = s.path;
  j["mechanism"] = s.mechanism;
  j["seed"] = r.seed;
  j["outcome"] = sim::to_string(r.result.outcome);
  j["end_time_ns"] = sim::to_ns(r.result.end_time);
  j["steps"] = r.result.steps;
  j["events"] = r.result.events;
  j["choices"] = r.result.choices;
  j["faults"] = r.result.faults;
  auto& summary = j["summary"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : r.summary) summary[k] = v;
  auto& props = j["properties"] = nlohmann::ordered_json::array();
  for (const auto& v : r.verdicts) {
    nlohmann::ordered_json p;
    p["name"] = v.property;
    p["violated"] = v.violated;
    if (v.violated) {
      p["message"] = v.message;
      p["time_ns"] = sim::to_ns(v.at);
      if (v.at_seq < UINT64_MAX - 1) p["record"] = v.at_seq;
    }
    props.push_back(p);
  }
  j["expected"] = s.expect;
  j["violated"] = r.violated.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.violated);
  j["as_expected"] = r.as_expected;
  return j.dump(2) + "\n";
}

}  // namespace ipcsim::cli

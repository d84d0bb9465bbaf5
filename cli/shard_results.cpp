#include "cli/shard_results.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace ipcsim::cli {
namespace {

explore::SearchEnd end_from(const std::string& text) {
  for (auto e : {explore::SearchEnd::Exhausted, explore::SearchEnd::Violation, explore::SearchEnd::MaxExecutions,
                 explore::SearchEnd::TimeLimit}) {
    if (text == explore::to_string(e)) return e;
  }
  throw std::runtime_error("\"end\": unknown value \"" + text + "\"");
}

}  // namespace

// One list of the counters, so that writing and reading cannot drift apart.
#define IPCSIM_REPORT_COUNTERS(X)                                                                          \
  X(executions) X(transitions) X(redundant) X(pruned_branches) X(preemption_pruned) X(preemption_cut)      \
  X(reversals_over_bound) X(faults_unasked) X(horizon_ended) X(depth_bounded) X(step_limited) X(races)     \
  X(irreversible_races) X(cross_instant_races) X(fallbacks_exhausted) X(events) X(violating) X(units_total) \
  X(units_explored) X(skipped_runs) X(skipped_transitions)

nlohmann::ordered_json report_to_json(const explore::ExploreReport& r) {
  nlohmann::ordered_json j;
  j["program"] = r.program;
#define IPCSIM_WRITE(name) j[#name] = r.name;
  IPCSIM_REPORT_COUNTERS(IPCSIM_WRITE)
#undef IPCSIM_WRITE
  j["distinct_final_states"] = r.distinct_final_states;
  j["final_states"] = r.final_states;
  j["violated_properties"] = r.violated_properties;
  j["end"] = explore::to_string(r.end);
  j["complete"] = r.complete;
  j["dpor"] = explore::to_string(r.dpor);
  j["max_depth"] = r.max_depth;
  j["max_preemptions"] = r.max_preemptions ? nlohmann::ordered_json(*r.max_preemptions) : nlohmann::ordered_json();
  j["max_executions"] = r.max_executions;
  j["time_limit_seconds"] =
      r.time_limit_seconds ? nlohmann::ordered_json(*r.time_limit_seconds) : nlohmann::ordered_json();
  j["max_steps"] = r.max_steps;
  j["horizon_ns"] = sim::to_ns(r.horizon);
  return j;
}

explore::ExploreReport report_from_json(const nlohmann::ordered_json& j) {
  explore::ExploreReport r;
  r.program = j.at("program").get<std::string>();
#define IPCSIM_READ(name) r.name = j.at(#name).get<std::uint64_t>();
  IPCSIM_REPORT_COUNTERS(IPCSIM_READ)
#undef IPCSIM_READ
  r.distinct_final_states = j.at("distinct_final_states").get<std::uint64_t>();
  r.final_states = j.at("final_states").get<std::vector<std::uint64_t>>();
  r.violated_properties = j.at("violated_properties").get<std::vector<std::string>>();
  r.end = end_from(j.at("end").get<std::string>());
  r.complete = j.at("complete").get<bool>();
  const std::optional<explore::DporMode> mode = explore::parse_dpor_mode(j.at("dpor").get<std::string>());
  if (!mode) throw nlohmann::json::other_error::create(501, "\"dpor\": expected source, optimal or plain", &j);
  r.dpor = *mode;
  r.max_depth = j.at("max_depth").get<std::uint32_t>();
  if (!j.at("max_preemptions").is_null()) r.max_preemptions = j.at("max_preemptions").get<std::uint32_t>();
  r.max_executions = j.at("max_executions").get<std::uint64_t>();
  if (!j.at("time_limit_seconds").is_null()) r.time_limit_seconds = j.at("time_limit_seconds").get<double>();
  r.max_steps = j.at("max_steps").get<std::uint64_t>();
  r.horizon = sim::at_ns(j.at("horizon_ns").get<std::int64_t>());
  return r;
}

nlohmann::ordered_json counterexample_to_json(const explore::Counterexample& c) {
  return {{"property", c.property},
          {"message", c.message},
          {"execution", c.execution},
          {"unit", c.unit},
          {"choices", sim::format_choices(c.choices)},
          {"steps", c.steps},
          {"replay_checked", c.replay_checked},
          {"replay_reproduces", c.replay_reproduces},
          {"replay_note", c.replay_note}};
}

explore::Counterexample counterexample_from_json(const nlohmann::ordered_json& j, std::uint64_t seed) {
  explore::Counterexample x;
  x.seed = seed;
  sim::ChoiceParseError error;
  if (!sim::parse_choices(j.at("choices").get<std::string>(), x.choices, error)) {
    throw std::runtime_error("\"choices\": expected " + error.expected + " at column " + std::to_string(error.column));
  }
  x.property = j.at("property").get<std::string>();
  x.message = j.at("message").get<std::string>();
  x.execution = j.at("execution").get<std::uint64_t>();
  x.unit = j.at("unit").get<std::uint64_t>();
  x.steps = j.at("steps").get<std::uint64_t>();
  x.replay_checked = j.at("replay_checked").get<bool>();
  x.replay_reproduces = j.at("replay_reproduces").get<bool>();
  x.replay_note = j.at("replay_note").get<std::string>();
  return x;
}

MergedReport merge_reports(const std::vector<explore::ExploreReport>& parts, bool shortest) {
  MergedReport out;
  explore::ExploreReport& m = out.report;
  std::set<std::uint64_t> states;
  std::set<std::string> properties;
  bool violation_end = false, max_executions = false, time_limit = false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const explore::ExploreReport& r = parts[i];
    if (i == 0) {
      m = r;
      m.counterexample.reset();
    } else {
      const std::uint64_t units = m.units_total;
#define IPCSIM_ADD(name) m.name += r.name;
      IPCSIM_REPORT_COUNTERS(IPCSIM_ADD)
#undef IPCSIM_ADD
      // The same in every shard that walked the whole prefix tree (the caller
      // checks); fewer in one that stopped early.
      m.units_total = std::max(units, r.units_total);
    }
    states.insert(r.final_states.begin(), r.final_states.end());
    properties.insert(r.violated_properties.begin(), r.violated_properties.end());
    violation_end = violation_end || r.end == explore::SearchEnd::Violation;
    max_executions = max_executions || r.end == explore::SearchEnd::MaxExecutions;
    time_limit = time_limit || r.end == explore::SearchEnd::TimeLimit;
    m.wall_seconds = std::max(m.wall_seconds, r.wall_seconds);
    if (!r.counterexample) continue;
    // The unsharded search meets the lowest unit's first; with `shortest` it
    // keeps the shortest, the earliest of equal length.
    auto key = [&](const explore::Counterexample& c) {
      return std::pair(shortest ? c.choices.size() : 0, c.unit);
    };
    if (!m.counterexample || key(*r.counterexample) < key(*m.counterexample)) {
      m.counterexample = r.counterexample;
      out.counterexample_from = i;
    }
  }
  m.final_states.assign(states.begin(), states.end());
  m.distinct_final_states = m.final_states.size();
  m.violated_properties.assign(properties.begin(), properties.end());
  m.end = violation_end && m.counterexample ? explore::SearchEnd::Violation
          : max_executions                  ? explore::SearchEnd::MaxExecutions
          : time_limit                      ? explore::SearchEnd::TimeLimit
                                            : explore::SearchEnd::Exhausted;
  m.complete = m.end == explore::SearchEnd::Exhausted && m.depth_bounded == 0 && m.step_limited == 0;
  return out;
}

}  // namespace ipcsim::cli

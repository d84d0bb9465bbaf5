#include "cli/shard_results.hpp"

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
  j["dpor"] = r.dpor;
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
  r.dpor = j.at("dpor").get<bool>();
  r.max_depth = j.at("max_depth").get<std::uint32_t>();
  if (!j.at("max_preemptions").is_null()) r.max_preemptions = j.at("max_preemptions").get<std::uint32_t>();
  r.max_executions = j.at("max_executions").get<std::uint64_t>();
  if (!j.at("time_limit_seconds").is_null()) r.time_limit_seconds = j.at("time_limit_seconds").get<double>();
  r.max_steps = j.at("max_steps").get<std::uint64_t>();
  r.horizon = sim::at_ns(j.at("horizon_ns").get<std::int64_t>());
  return r;
}

}  // namespace ipcsim::cli

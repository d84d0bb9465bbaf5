#include "cli/scan_compare.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>

#include "model/scan/monitors.hpp"

namespace ipcsim::cli {
namespace {

// Latency and resets, read from the trace: posting time from scan.post,
// retrieval time from scan.retrieve, resets from scan.start, inspections from
// scan.end (each scan's own count of the slots it walked). Inspections count
// up to each processor's last retrieval: the empty scans after it, with which
// a processor makes sure nothing is left before it stops, are an artifact of
// ending the simulation (a real processor scans on) and are counted apart.
class Stats final : public sim::Observer {
 public:
  std::vector<std::int64_t> latencies;
  std::uint64_t resets = 0;
  std::uint64_t inspections = 0;
  void on_record(const sim::TraceRecord& r) override {
    if (r.kind == "scan.post") {
      posted_[r.field("msg")->u] = sim::to_ns(r.time);
    } else if (r.kind == "scan.retrieve") {
      auto it = posted_.find(r.field("msg")->u);
      if (it != posted_.end()) latencies.push_back(sim::to_ns(r.time) - it->second);
    } else if (r.kind == "scan.start") {
      const sim::FieldValue* reset = r.field("reset");
      if (reset != nullptr && reset->s != "none") ++resets;
    } else if (r.kind == "scan.end") {
      const std::uint64_t proc = r.field("proc")->u;
      unclaimed_[proc] += r.field("inspections")->u;
      if (r.field("msg")->u != 0) {
        inspections += unclaimed_[proc];
        unclaimed_[proc] = 0;
      }
    }
  }
  std::uint64_t trailing() const {
    std::uint64_t n = 0;
    for (const auto& [proc, k] : unclaimed_) n += k;
    return n;
  }

 private:
  std::map<std::uint64_t, std::uint64_t> unclaimed_;
  std::map<std::uint64_t, std::int64_t> posted_;
};

bool parse_u32(std::string_view s, std::uint32_t& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

std::vector<StrategySpec> default_strategies() {
  std::vector<StrategySpec> out;
  std::string error;
  for (const char* s : {"baseline", "cached", "cached_fixed:16", "cached_adaptive:2-64"}) {
    StrategySpec spec;
    parse_strategy(s, spec, error);
    out.push_back(spec);
  }
  return out;
}

bool parse_strategy(const std::string& text, StrategySpec& out, std::string& error) {
  const std::size_t colon = text.find(':');
  const std::string name = text.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : text.substr(colon + 1);
  out = StrategySpec{};
  out.label = text;
  bool known = false;
  for (const auto& [n, s] : scan::strategy_names()) {
    if (n == name) {
      out.config.strategy = s;
      known = true;
    }
  }
  if (!known) {
    error =
        "unknown strategy \"" + name + "\" (expected baseline, cached, cached_fixed[:N] or cached_adaptive[:MIN-MAX])";
    return false;
  }
  if (out.config.strategy == scan::Strategy::CachedFixed) {
    out.config.threshold = 16;
    if (!arg.empty() && !parse_u32(arg, out.config.threshold)) {
      error = "cached_fixed:N expects a whole number of scans, got \"" + arg + "\"";
      return false;
    }
    out.label = "cached_fixed:" + std::to_string(out.config.threshold);
  } else if (out.config.strategy == scan::Strategy::CachedAdaptive) {
    out.config.threshold_min = 2;
    out.config.threshold_max = 64;
    if (!arg.empty()) {
      const std::size_t dash = arg.find('-');
      if (dash == std::string::npos || !parse_u32(arg.substr(0, dash), out.config.threshold_min) ||
          !parse_u32(arg.substr(dash + 1), out.config.threshold_max) || out.config.threshold_min == 0 ||
          out.config.threshold_min > out.config.threshold_max) {
        error = "cached_adaptive:MIN-MAX expects 1 <= MIN <= MAX, got \"" + arg + "\"";
        return false;
      }
    }
    out.label =
        "cached_adaptive:" + std::to_string(out.config.threshold_min) + "-" + std::to_string(out.config.threshold_max);
  } else if (!arg.empty()) {
    error = "strategy \"" + name + "\" takes no parameter, got \"" + arg + "\"";
    return false;
  }
  return true;
}

std::vector<CompareRow> compare_scan(const CompareConfig& config) {
  const std::vector<StrategySpec> strategies = config.strategies.empty() ? default_strategies() : config.strategies;
  std::vector<CompareRow> rows;
  for (std::uint32_t procs : config.processors) {
    for (std::uint32_t length : config.list_lengths) {
      const std::size_t first_row = rows.size();
      for (const StrategySpec& st : strategies) {
        CompareRow row;
        row.strategy = st.label;
        row.processors = procs;
        row.list_length = length;
        std::vector<std::int64_t> latencies;
        for (std::uint32_t seed = 1; seed <= config.seeds; ++seed) {
          scan::ScanParams p;
          p.processors = procs;
          p.slots = length;
          p.backlog = length / 2;
          p.messages = length - p.backlog;
          p.recipients = std::min(config.recipients, procs);
          p.first_post = sim::Duration{0};
          p.post_gap = sim::Duration{static_cast<std::int64_t>(std::llround(1000.0 / config.rate_per_us))};
          p.scan_period = std::chrono::nanoseconds(500);
          p.process_time = std::chrono::nanoseconds(100);
          p.patience = 2;
          p.removal = config.removal;
          p.strategy = st.config;
          p.trace_inspections = false;
          sim::World w({.seed = seed});
          Stats stats;
          model::scan::ExactlyOnceMonitor once(p.strategy.reset_bound());
          model::scan::OrderMonitor order;
          model::scan::MessageLossMonitor loss;
          // The chain's shape is the scenarios' business: walking a list of
          // a thousand after every add and removal would dominate a comparison.
          std::vector<model::Monitor*> monitors = {&once, &order, &loss};
          w.attach(stats);
          for (model::Monitor* m : monitors) m->attach(w);
          std::vector<sim::Cpu*> cpus;
          std::vector<sim::CpuId> ids;
          for (std::uint32_t i = 0; i < procs; ++i) {
            cpus.push_back(&w.add_cpu({.name = "cpu" + std::to_string(i), .memory_bytes = 1024}));
            ids.push_back(cpus.back()->id());
          }
          sim::Memory& region =
              w.add_shared_region("shm", scan::region_bytes_needed(p), ids, {.per_access = config.access_cost});
          sim::RunResult result;
          {
            auto wl = scan::build_workload(w, cpus, region, p);
            result = w.run({.max_steps = 50'000'000});
            for (model::Monitor* m : monitors) m->finish(result);
            row.delivered += wl->retrievals();
          }
          row.inspections += stats.inspections;
          row.trailing_inspections += stats.trailing();
          row.resets += stats.resets;
          row.out_of_order += order.deviations();
          latencies.insert(latencies.end(), stats.latencies.begin(), stats.latencies.end());
          bool violated = false;
          for (model::Monitor* m : monitors) {
            if (m->violated() && !violated) {
              violated = true;
              if (row.first_violation.empty()) row.first_violation = m->property() + ": " + m->violation()->message;
            }
          }
          if (violated || result.outcome != sim::RunOutcome::Quiescent) ++row.missed;
        }
        if (row.delivered != 0) {
          row.inspections_per_message = static_cast<double>(row.inspections) / static_cast<double>(row.delivered);
        }
        if (!latencies.empty()) {
          std::sort(latencies.begin(), latencies.end());
          double sum = 0;
          for (std::int64_t l : latencies) sum += static_cast<double>(l);
          row.latency_mean_ns = sum / static_cast<double>(latencies.size());
          row.latency_p99_ns = static_cast<double>(latencies[(latencies.size() * 99 + 99) / 100 - 1]);
        }
        rows.push_back(row);
      }
      // Ratios to the baseline of the same machine and list.
      const CompareRow* base = nullptr;
      for (std::size_t i = first_row; i < rows.size(); ++i) {
        if (rows[i].strategy == "baseline") base = &rows[i];
      }
      for (std::size_t i = first_row; base != nullptr && i < rows.size(); ++i) {
        if (base->inspections_per_message > 0) {
          rows[i].ratio_inspections = rows[i].inspections_per_message / base->inspections_per_message;
        }
        if (base->latency_p99_ns > 0) rows[i].ratio_p99 = rows[i].latency_p99_ns / base->latency_p99_ns;
      }
    }
  }
  return rows;
}

}  // namespace ipcsim::cli

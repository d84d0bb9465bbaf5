#include "impl/scan/workload.hpp"

#include <algorithm>

#include "impl/scan/workload_internal.hpp"

namespace ipcsim::scan::detail {

std::string join(const std::vector<std::uint32_t>& v) {
  std::string s;
  for (std::uint32_t x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

ScanWorkload::ScanWorkload(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Memory& region, const ScanParams& p)
    : w_(w), p_(p), section_(w, region, 0, p.slots, "messages") {
  IPCSIM_ASSERT(!cpus.empty());
  IPCSIM_ASSERT(p.processors >= 1 && p.processors <= kMaxProcessors);
  IPCSIM_ASSERT(p.recipients >= 1 && p.recipients <= p.processors);
  section_.trace_inspections = p.trace_inspections;
  section_.init();
  for (std::uint32_t i = 0; i < p.processors; ++i) {
    Proc pr;
    pr.index = i;
    pr.name = "p" + std::to_string(i);
    pr.cpu = cpus[i % cpus.size()];
    pr.cache_offset = (i / cpus.size()) * kCacheBytes;
    IPCSIM_ASSERT(pr.cache_offset + kCacheBytes <= pr.cpu->memory().size());
    procs_.push_back(std::move(pr));
  }
  plan();
  post_backlog();
  for (Proc& pr : procs_) spawn(pr, false);
  for (sim::Cpu* c : cpus) {
    if (std::find(booted_.begin(), booted_.end(), c) != booted_.end()) continue;
    booted_.push_back(c);
    c->on_boot([this](sim::Cpu& cpu) {
      for (Proc& pr : procs_) {
        if (pr.cpu == &cpu) spawn(pr, true);
      }
    });
  }
}

std::vector<std::uint32_t> ScanWorkload::draw_recipients(std::uint32_t sender) {
  sim::Rng& rng = w_.rng();
  std::vector<std::uint32_t> out;
  const bool avoid_sender = p_.recipients < p_.processors;
  while (out.size() < p_.recipients) {
    const auto r = static_cast<std::uint32_t>(rng.below(p_.processors));
    if (avoid_sender && r == sender) continue;
    if (std::find(out.begin(), out.end(), r) != out.end()) continue;
    out.push_back(r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The postings: groups of `burst` messages from one sender, spaced so that
// the mean gap between messages is post_gap.
void ScanWorkload::plan() {
  sim::Rng& rng = w_.rng();
  const std::uint32_t burst = std::max<std::uint32_t>(1, p_.burst);
  for (std::uint32_t k = 0; k < p_.messages; k += burst) {
    const auto sender = static_cast<std::uint32_t>(rng.below(p_.processors));
    const sim::Instant at = sim::at_ns(0) + p_.first_post + p_.post_gap * (k / burst) * burst;
    for (std::uint32_t j = 0; j < burst && k + j < p_.messages; ++j) {
      PlannedPost pp;
      pp.at = at;
      pp.recipients = draw_recipients(sender);
      pp.urgent = rng.below(100) < p_.urgent_percent;
      procs_[sender].posts.push_back(std::move(pp));
    }
  }
}

// The backlog: messages in the list before anyone runs (set-up, no actor).
void ScanWorkload::post_backlog() {
  for (std::uint32_t k = 0; k < p_.backlog; ++k) {
    const auto sender = static_cast<std::uint32_t>(w_.rng().below(p_.processors));
    const std::vector<std::uint32_t> to = draw_recipients(sender);
    SetupBytes b(section_.region());
    auto t = section_.tracer(sender);
    Posting posting{.posted_ns = 0, .sender = sender, .urgent = false, .recipients = to, .payload = 0};
    const Added a = list_add(b, t, posting);
    IPCSIM_ASSERT_MSG(a.slot != kNull, "the backlog does not fit in the section");
    record_post(a, sender, to, false, 0);
  }
}

void ScanWorkload::record_post(const Added& a, std::uint32_t sender, const std::vector<std::uint32_t>& to, bool urgent,
                               std::uint64_t flow) {
  ++posted_;
  if (!w_.tracing()) return;
  const std::string list = join(to);
  if (flow != 0) {
    w_.emit("scan.post", section_.id(),
            {{"msg", a.seq},
             {"recipients", list},
             {"slot", a.slot},
             {"gen", a.gen},
             {"from", sender},
             {"urgent", urgent},
             {"flow_out", flow}});
  } else {
    w_.emit(
        "scan.post", section_.id(),
        {{"msg", a.seq}, {"recipients", list}, {"slot", a.slot}, {"gen", a.gen}, {"from", sender}, {"urgent", urgent}});
  }
}

void ScanWorkload::spawn(Proc& pr, bool restarted) {
  const std::uint32_t i = pr.index;
  w_.spawn(*pr.cpu, pr.name, [this, i, restarted](sim::Ctx cx) { return processor(cx, i, restarted); });
}

}  // namespace ipcsim::scan::detail

namespace ipcsim::scan {

const std::vector<std::pair<std::string, Strategy>>& strategy_names() {
  static const std::vector<std::pair<std::string, Strategy>> names = {{"baseline", Strategy::Baseline},
                                                                      {"cached", Strategy::Cached},
                                                                      {"cached_fixed", Strategy::CachedFixed},
                                                                      {"cached_adaptive", Strategy::CachedAdaptive}};
  return names;
}

std::string_view to_string(Strategy s) {
  for (const auto& [name, value] : strategy_names()) {
    if (value == s) return name;
  }
  return "?";
}

std::uint32_t StrategyConfig::reset_bound() const {
  switch (strategy) {
    case Strategy::Baseline:
      return 0;
    case Strategy::Cached:
      return UINT32_MAX;
    case Strategy::CachedFixed:
      return threshold;
    case Strategy::CachedAdaptive:
      return threshold_max;
  }
  return UINT32_MAX;
}

std::unique_ptr<Workload> build_workload(sim::World& world, const std::vector<sim::Cpu*>& cpus, sim::Memory& region,
                                         const ScanParams& params) {
  return std::make_unique<detail::ScanWorkload>(world, cpus, region, params);
}

}  // namespace ipcsim::scan

#include "cli/drivers/scan_driver.hpp"

#include <algorithm>

#include "cli/drivers/scan_params.hpp"
#include "cli/drivers/scan_run.hpp"

namespace ipcsim::drivers {
namespace {

using namespace scan_scenario;
using scenario::ConfigTable;

class ScanDriver final : public scenario::MechanismDriver {
 public:
  std::string_view name() const override { return "scan"; }
  std::string_view description() const override {
    return "message-list scanning (seed 003): processors scan a list in shared memory from the head or from a "
           "cached look-ahead pointer with reset conditions";
  }
  std::vector<scenario::KeyDoc> workload_keys() const override {
    std::string bugs;
    for (const auto& [name, doc] : bug_docs()) bugs += "; " + name + ": " + doc;
    std::vector<scenario::KeyDoc> out = {
        {"kind", "one of message_list", "\"message_list\"",
         "the workload: processors post messages to each other, scan for theirs, process and remove them"},
        {"region", "shared region name", "the first region",
         "where the message section lives; mapped into every processor's CPU"},
        {"cpus", "array of CPU names", "every CPU",
         "the processors run there, round robin; each keeps its cache (32 bytes) in its CPU's memory"},
        {"bug", "one of " + join(bug_names()), "\"none\"", "a deliberately broken variant" + bugs},
    };
    scan_table().document(out, "", "");
    return out;
  }
  std::vector<scenario::PropertyDoc> properties() const override {
    std::vector<scenario::PropertyDoc> out;
    for (const auto& [name, description] : scan_properties()) out.push_back({name, description});
    return out;
  }
  std::unique_ptr<scenario::WorkloadConfig> parse_workload(ConfigTable& t,
                                                           const scenario::MachineSpec& m) const override {
    auto cfg = std::make_unique<ScanConfig>();
    (void)t.choice("kind", {"message_list"}, "message_list");
    cfg->bug = t.choice("bug", bug_names(), "none");
    const auto regions = m.region_names();
    const auto cpus = m.cpu_names();
    if (regions.empty()) {
      t.error("region", "the scan mechanism needs a [[shared_region]] for its message section; the file has none");
    } else if (auto i = t.reference("region", t.string("region", regions[0]), regions, "shared region")) {
      cfg->region = *i;
    }
    if (t.has("cpus")) {
      for (const std::string& name : t.strings("cpus")) {
        if (auto i = t.reference("cpus", name, cpus, "CPU")) cfg->cpus.push_back(*i);
      }
      if (cfg->cpus.empty() && t.diagnostics().ok()) t.error("cpus", "expected at least one CPU name");
    } else {
      for (std::size_t i = 0; i < cpus.size(); ++i) cfg->cpus.push_back(i);
    }
    cfg->keys = scan_table().read(t);
    check_consistency(t, *cfg, m);
    t.finish();
    return cfg;
  }
  std::unique_ptr<scenario::MechanismRun> instantiate(const scenario::WorkloadConfig& cfg,
                                                      const std::vector<std::string>& properties) const override {
    return make_scan_run(static_cast<const ScanConfig&>(cfg), properties);
  }

 private:
  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }
  // Relations between keys that a single range cannot say.
  static void check_consistency(ConfigTable& t, const ScanConfig& cfg, const scenario::MachineSpec& m) {
    const ScanKeys& k = cfg.keys;
    if (k.recipients > k.processors) {
      t.error("recipients", "expected at most processors (" + std::to_string(k.processors) + ")");
    }
    if (k.backlog > k.slots) t.error("backlog", "expected at most slots (" + std::to_string(k.slots) + ")");
    if (k.threshold_min > k.threshold_max) {
      t.error("threshold_min", "expected at most threshold_max (" + std::to_string(k.threshold_max) + ")");
    }
    const scan::Strategy s = k.strategy;
    const std::string& bug = cfg.bug;
    if (s == scan::Strategy::Baseline && (bug == "no_reset" || bug == "address_only_validity" ||
                                          bug == "successor_after_remove" || bug == "cached_null_is_end")) {
      t.error("bug", "\"" + bug + "\" has no effect with strategy \"baseline\" (it keeps no look-ahead pointer)");
    }
    if (bug == "counter_restarts_on_hit" && s != scan::Strategy::CachedFixed && s != scan::Strategy::CachedAdaptive) {
      t.error("bug",
              "\"counter_restarts_on_hit\" has no effect without a threshold (strategy cached_fixed or "
              "cached_adaptive)");
    }
    if (cfg.region < m.regions.size() && !cfg.cpus.empty()) {
      const scenario::RegionSpec& r = m.regions[cfg.region];
      const std::uint64_t need = scan::section_bytes(k.slots);
      if (r.bytes < need) {
        t.error("slots", std::to_string(k.slots) + " slots need a region of at least " + std::to_string(need) +
                             " bytes; \"" + r.name + "\" has " + std::to_string(r.bytes));
      }
      for (std::size_t c : cfg.cpus) {
        if (std::find(r.cpus.begin(), r.cpus.end(), c) == r.cpus.end()) {
          t.error("cpus",
                  "\"" + m.cpus[c].name + "\" runs processors but region \"" + r.name + "\" is not mapped into it");
          break;
        }
      }
      const std::size_t per_cpu = (k.processors + cfg.cpus.size() - 1) / cfg.cpus.size();
      for (std::size_t c : cfg.cpus) {
        if (m.cpus[c].memory_bytes < per_cpu * scan::kCacheBytes) {
          t.error("processors", std::to_string(per_cpu) + " processors on \"" + m.cpus[c].name + "\" need " +
                                    std::to_string(per_cpu * scan::kCacheBytes) + " bytes of its memory");
          break;
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<scenario::MechanismDriver> make_scan_driver() { return std::make_unique<ScanDriver>(); }

}  // namespace ipcsim::drivers

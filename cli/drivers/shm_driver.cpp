#include "cli/drivers/shm_driver.hpp"

#include <algorithm>
#include <variant>

#include "cli/drivers/shm_bugs.hpp"
#include "cli/drivers/shm_params.hpp"
#include "cli/drivers/shm_properties.hpp"
#include "cli/drivers/shm_run.hpp"

namespace ipcsim::drivers {
namespace {

using namespace shm_scenario;
using scenario::ConfigTable;
using scenario::Need;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

class ShmDriver final : public scenario::MechanismDriver {
 public:
  std::string_view name() const override { return "shm"; }
  std::string_view description() const override {
    return "shared-memory communications engine (seed 000): registration, zero-copy transfers, isolation, "
           "termination and restart, with a pipe baseline";
  }
  std::vector<scenario::KeyDoc> workload_keys() const override {
    std::vector<scenario::KeyDoc> out = {
        {"kind", "one of " + join(kinds()), "",
         "the workload: storm (processes register at once, hold, deregister), transfers (pairs send a list of "
         "payload sizes)"},
        {"bug", "one of " + join(bug_names()), "\"none\"", "a deliberately broken variant"},
        {"engine_cpu", "CPU name", "the first CPU", "the engine and its watchers run there"},
        {"cpus", "array of CPU names", "every CPU but the engine's",
         "the processes run there, round robin (proc1 on the first); a CPU that restarts spawns its processes "
         "again and they register anew"},
    };
    document_platform(out);
    storm_table().document(out, "", "kind storm: ");
    transfers_table().document(out, "", "kind transfers: ");
    costs_table().document(out, "costs.", "[workload.costs] simulated CPU time of ");
    return out;
  }
  std::vector<scenario::PropertyDoc> properties() const override {
    std::vector<scenario::PropertyDoc> out;
    for (const auto& [name, description] : shm_properties()) out.push_back({name, description});
    out.push_back({"workload_complete", "the workload did its job (every process whose CPU is up finished)"});
    return out;
  }
  std::unique_ptr<scenario::WorkloadConfig> parse_workload(ConfigTable& t, const scenario::MachineSpec& m) const override {
    auto cfg = std::make_unique<ShmScenarioConfig>();
    cfg->kind = t.choice("kind", kinds(), "", Need::Required);
    cfg->bug = t.choice("bug", bug_names(), "none");
    const auto cpus = m.cpu_names();
    const std::string engine = t.string("engine_cpu", cpus.empty() ? "" : cpus[0]);
    if (!cpus.empty()) {
      if (auto i = t.reference("engine_cpu", engine, cpus, "CPU")) cfg->engine_cpu = *i;
    }
    if (t.has("cpus")) {
      const std::vector<std::string> names = t.strings("cpus");
      if (t.empty_array("cpus")) t.error("cpus", "expected at least one CPU name");
      for (const std::string& n : names) {
        if (auto i = t.reference("cpus", n, cpus, "CPU")) cfg->process_cpus.push_back(*i);
      }
    }
    read_platform(t, cfg->platform);
    // Both kinds' keys are read (and their values judged), so that a key of
    // the other kind gets one message: that it does not apply.
    const wl::StormParams storm = storm_table().read(t);
    wl::TransfersParams transfers = transfers_table().read(t);
    read_transfers_extras(t, cfg->platform, transfers);
    if (cfg->kind == "storm") cfg->params = storm;
    if (cfg->kind == "transfers") cfg->params = transfers;
    if (cfg->kind.empty()) return cfg;  // the other keys depend on the kind: judge nothing more
    if (cfg->kind != "transfers") {
      for (const char* key : {"sizes", "snoop", "pairs", "repeat", "gap", "read_delay"}) {
        if (t.has(key)) t.error(key, "applies to kind \"transfers\" only, not \"" + cfg->kind + "\"");
      }
    }
    if (cfg->kind != "storm") {
      for (const char* key : {"processes", "hold"}) {
        if (t.has(key)) t.error(key, "applies to kind \"storm\" only, not \"" + cfg->kind + "\"");
      }
    }
    for (const auto& [bug, bug_kinds_list] : bug_kinds()) {
      if (bug != cfg->bug || std::find(bug_kinds_list.begin(), bug_kinds_list.end(), cfg->kind) != bug_kinds_list.end()) {
        continue;
      }
      t.error("bug", "\"" + bug + "\" has no effect on kind \"" + cfg->kind + "\" (it affects: " + join(bug_kinds_list) + ")");
    }
    if (cfg->platform.transport == shm::Transport::Pipe && bug_needs_engine_transport(cfg->bug)) {
      t.error("bug", "\"" + cfg->bug + "\" changes the zero-copy transfer: it has no effect with transport \"pipe\"");
    }
    if (cfg->bug == "direct_access") {
      const auto* p = std::get_if<wl::TransfersParams>(&cfg->params);
      if (p != nullptr && !p->snoop) {
        t.error("bug", "\"direct_access\" has no effect without snoop = true: only a receiver that tries a direct "
                       "read meets the broken check");
      }
    }
    t.finish();
    return cfg;
  }
  std::unique_ptr<scenario::MechanismRun> instantiate(const scenario::WorkloadConfig& cfg,
                                                      const std::vector<std::string>& properties) const override {
    return make_shm_run(static_cast<const ShmScenarioConfig&>(cfg), properties);
  }
};

}  // namespace

std::unique_ptr<scenario::MechanismDriver> make_shm_driver() { return std::make_unique<ShmDriver>(); }

}  // namespace ipcsim::drivers

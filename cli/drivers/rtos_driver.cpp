#include "cli/drivers/rtos_driver.hpp"

#include <algorithm>
#include <variant>

#include "cli/drivers/rtos_bugs.hpp"
#include "cli/drivers/rtos_params.hpp"
#include "cli/drivers/rtos_properties.hpp"
#include "cli/drivers/rtos_run.hpp"

namespace ipcsim::drivers {
namespace {

using namespace rtos_scenario;
using scenario::ConfigTable;
using scenario::Need;

class RtosDriver final : public scenario::MechanismDriver {
 public:
  std::string_view name() const override { return "rtos"; }
  std::string_view description() const override {
    return "RTOS message management (seed 001): block pools, messages, exchanges, broadcast, proxies";
  }
  std::vector<scenario::KeyDoc> workload_keys() const override {
    std::vector<scenario::KeyDoc> out = {
        {"kind", "one of pipeline, pass_chain, broadcast, assembly, deletion, broadcasters", "", "the workload"},
        {"cpu", "CPU name", "the first CPU", "the RTOS's CPU: policy \"priority\"; the RTOS lives in its memory"},
        {"bug", "one of " + join(bug_names()), "\"none\"", "a deliberately broken variant"},
        {"slave_cpus", "array of CPU names", "[] (the RTOS's CPU)",
         "kinds broadcast, broadcasters: the slaves run there, round robin, in parallel; the RTOS then lives "
         "in a shared region mapped into all of them"},
    };
    pipeline_table().document(out, "", "kind pipeline: ");
    pass_chain_table().document(out, "", "kind pass_chain: ");
    broadcast_table().document(out, "", "kind broadcast: ");
    assembly_table().document(out, "", "kind assembly: ");
    deletion_table().document(out, "", "kind deletion: ");
    broadcasters_table().document(out, "", "kind broadcasters: ");
    costs_table().document(out, "costs.", "[workload.costs] simulated CPU time of ");
    return out;
  }
  std::vector<scenario::PropertyDoc> properties() const override {
    std::vector<scenario::PropertyDoc> out;
    for (const auto& [name, description] : rtos_properties()) out.push_back({name, description});
    out.push_back({"workload_complete", "the workload did its job (every packet, round and section accounted for)"});
    return out;
  }
  std::unique_ptr<scenario::WorkloadConfig> parse_workload(ConfigTable& t, const scenario::MachineSpec& m) const override {
    auto cfg = std::make_unique<RtosConfig>();
    cfg->kind = t.choice("kind", kinds(), "", Need::Required);
    cfg->bug = t.choice("bug", bug_names(), "none");
    const auto cpus = m.cpu_names();
    const std::string cpu = t.string("cpu", cpus.empty() ? "" : cpus[0]);
    if (!cpus.empty()) {
      if (auto i = t.reference("cpu", cpu, cpus, "CPU")) {
        cfg->cpu = *i;
        if (m.cpus[*i].policy != sim::RunPolicy::PriorityPreemptive) {
          t.error("cpu", "the RTOS needs a CPU with policy \"priority\"; \"" + cpu + "\" is \"fifo\"");
        }
      }
    }
    rtos::RtosCosts costs;
    if (auto c = t.table("costs")) {
      costs = costs_table().read(*c);
      c->finish();
    }
    if (cfg->kind == "pipeline") cfg->params = with_costs(pipeline_table().read(t), costs);
    if (cfg->kind == "pass_chain") cfg->params = with_costs(pass_chain_table().read(t), costs);
    if (cfg->kind == "broadcast") cfg->params = with_costs(broadcast_table().read(t), costs);
    if (cfg->kind == "assembly") cfg->params = with_costs(assembly_table().read(t), costs);
    if (cfg->kind == "deletion") cfg->params = with_costs(deletion_table().read(t), costs);
    if (cfg->kind == "broadcasters") cfg->params = with_costs(broadcasters_table().read(t), costs);
    if (cfg->kind.empty()) return cfg;  // the other keys depend on the kind: judge nothing more
    if ((cfg->kind == "broadcast" || cfg->kind == "broadcasters") && t.has("slave_cpus")) {
      for (const std::string& name : t.strings("slave_cpus")) {
        auto i = t.reference("slave_cpus", name, cpus, "CPU");
        if (!i) continue;
        if (m.cpus[*i].policy != sim::RunPolicy::PriorityPreemptive) {
          t.error("slave_cpus", "the RTOS needs CPUs with policy \"priority\"; \"" + name + "\" is \"fifo\"");
        }
        cfg->slave_cpus.push_back(*i);
      }
    }
    for (const auto& [bug, kinds] : bug_kinds()) {
      if (bug != cfg->bug || std::find(kinds.begin(), kinds.end(), cfg->kind) != kinds.end()) continue;
      std::string list;
      for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + k;
      t.error("bug", "\"" + bug + "\" has no effect on kind \"" + cfg->kind + "\" (it affects: " + list + ")");
    }
    check_consistency(t, *cfg);
    if (!cfg->slave_cpus.empty()) {
      const std::uint32_t shared = std::visit(
          [](const auto& q) -> std::uint32_t {
            if constexpr (requires { q.shared_memory_bytes; }) {
              return q.shared_memory_bytes;
            } else {
              return 0;
            }
          },
          cfg->params);
      if (shared < memory_needed(cfg->params)) {
        t.error("shared_memory_bytes", "the " + cfg->kind + " workload needs at least " +
                                           std::to_string(memory_needed(cfg->params)) + " bytes, got " +
                                           std::to_string(shared));
      }
    } else if (!cpus.empty() && cfg->cpu < m.cpus.size() &&
               m.cpus[cfg->cpu].memory_bytes < memory_needed(cfg->params)) {
      t.error("cpu", "the " + cfg->kind + " workload needs at least " + std::to_string(memory_needed(cfg->params)) +
                         " bytes of memory on \"" + cpu + "\", which has " +
                         std::to_string(m.cpus[cfg->cpu].memory_bytes));
    }
    t.finish();
    return cfg;
  }
  std::unique_ptr<scenario::MechanismRun> instantiate(const scenario::WorkloadConfig& cfg,
                                                      const std::vector<std::string>& properties) const override {
    return make_rtos_run(static_cast<const RtosConfig&>(cfg), properties);
  }

 private:
  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }
  template <class P>
  static P with_costs(P p, const rtos::RtosCosts& costs) {
    p.costs = costs;
    return p;
  }
  // Relations between keys that a single range cannot say.
  static void check_consistency(ConfigTable& t, const RtosConfig& cfg) {
    if (const auto* p = std::get_if<wl::PipelineParams>(&cfg.params)) {
      if (p->min_bytes > p->max_bytes) t.error("min_bytes", "expected at most max_bytes (" + std::to_string(p->max_bytes) + ")");
      if (p->block_size < p->max_bytes) t.error("block_size", "expected at least max_bytes (" + std::to_string(p->max_bytes) + ")");
    }
    if (const auto* p = std::get_if<wl::PassChainParams>(&cfg.params)) {
      if (p->min_msg_priority > p->max_msg_priority) {
        t.error("min_msg_priority", "expected at most max_msg_priority (" + std::to_string(p->max_msg_priority) + ")");
      }
    }
    if (const auto* p = std::get_if<wl::BroadcastParams>(&cfg.params)) {
      if (p->block_size < 8 + 4 * p->slaves) {
        t.error("block_size", "expected at least 8 + 4 * slaves = " + std::to_string(8 + 4 * p->slaves));
      }
      if (p->slave_work_min > p->slave_work_max) t.error("slave_work_min", "expected at most slave_work_max");
      if (cfg.bug == "forward_leaves_on_show" && p->late_readers == 0) {
        t.error("bug", "\"forward_leaves_on_show\" has no effect without late readers (late_readers >= 1): only a "
                       "late receiver at the broadcast exchange meets the message left on show");
      }
    }
    if (const auto* p = std::get_if<wl::DeletionParams>(&cfg.params)) {
      if (p->exiting + p->killed > p->workers) t.error("killed", "expected exiting + killed to be at most workers");
      if (p->delete_after_min > p->delete_after_max) t.error("delete_after_min", "expected at most delete_after_max");
    }
  }
};


}  // namespace

std::unique_ptr<scenario::MechanismDriver> make_rtos_driver() { return std::make_unique<RtosDriver>(); }

}  // namespace ipcsim::drivers

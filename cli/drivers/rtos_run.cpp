#include "cli/drivers/rtos_run.hpp"

#include "cli/drivers/run_monitors.hpp"
#include "cli/drivers/rtos_bugs.hpp"
#include "cli/drivers/rtos_properties.hpp"

namespace ipcsim::drivers::rtos_scenario {
namespace {

class RtosRun final : public scenario::MechanismRun {
 public:
  RtosRun(const RtosConfig& cfg, const std::vector<std::string>& properties)
      : cfg_(cfg), monitors_(properties, make_rtos_monitor) {}
  std::vector<model::Monitor*> monitors() override { return monitors_.all(); }
  void start(sim::World& w, const scenario::Machine& machine) override {
    sim::Cpu& cpu = *machine.cpus[cfg_.cpu];
    const rtos::Bugs bugs = bugs_named(cfg_.bug);
    std::vector<sim::Cpu*> slaves;
    for (std::size_t i : cfg_.slave_cpus) slaves.push_back(machine.cpus[i]);
    workload_ = std::visit(
        [&](const auto& p) -> std::unique_ptr<wl::Workload> {
          using P = std::remove_cvref_t<decltype(p)>;
          if constexpr (std::is_same_v<P, wl::PipelineParams>) return wl::build_pipeline(w, cpu, p, bugs);
          if constexpr (std::is_same_v<P, wl::PassChainParams>) return wl::build_pass_chain(w, cpu, p, bugs);
          if constexpr (std::is_same_v<P, wl::BroadcastParams>) return wl::build_broadcast(w, cpu, p, bugs, slaves);
          if constexpr (std::is_same_v<P, wl::AssemblyParams>) return wl::build_assembly(w, cpu, p, bugs);
          if constexpr (std::is_same_v<P, wl::DeletionParams>) return wl::build_deletion(w, cpu, p, bugs);
          if constexpr (std::is_same_v<P, wl::BroadcastersParams>) {
            return wl::build_broadcasters(w, cpu, p, bugs, slaves);
          }
        },
        cfg_.params);
    monitors_.watch(workload_.get());
  }
  std::uint64_t state_digest() const override {
    return workload_ ? scenario::fnv1a(workload_->check()) : 0;
  }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    std::vector<std::pair<std::string, std::string>> out = {{"workload", cfg_.kind}};
    if (cfg_.bug != "none") out.emplace_back("broken variant", cfg_.bug);
    if (workload_) {
      const std::string trouble = workload_->check();
      out.emplace_back("workload check", trouble.empty() ? "complete" : trouble);
    }
    return out;
  }

 private:
  RtosConfig cfg_;
  RunMonitors<wl::Workload> monitors_;
  std::unique_ptr<wl::Workload> workload_;
};

}  // namespace

std::unique_ptr<scenario::MechanismRun> make_rtos_run(const RtosConfig& cfg,
                                                      const std::vector<std::string>& properties) {
  return std::make_unique<RtosRun>(cfg, properties);
}

}  // namespace ipcsim::drivers::rtos_scenario

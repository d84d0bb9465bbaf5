#include "cli/drivers/shm_run.hpp"

#include "cli/drivers/run_monitors.hpp"
#include "cli/drivers/shm_bugs.hpp"
#include "cli/drivers/shm_properties.hpp"

namespace ipcsim::drivers::shm_scenario {
namespace {

class ShmRun final : public scenario::MechanismRun {
 public:
  ShmRun(const ShmScenarioConfig& cfg, const std::vector<std::string>& properties)
      : cfg_(cfg), monitors_(properties, make_shm_monitor) {}
  std::vector<model::Monitor*> monitors() override { return monitors_.all(); }
  void start(sim::World& w, const scenario::Machine& machine) override {
    wl::Placement p;
    p.engine_cpu = machine.cpus[cfg_.engine_cpu];
    p.all_cpus = machine.cpus;
    for (std::size_t i : cfg_.process_cpus) p.process_cpus.push_back(machine.cpus[i]);
    if (p.process_cpus.empty()) {
      for (std::size_t i = 0; i < machine.cpus.size(); ++i) {
        if (i != cfg_.engine_cpu) p.process_cpus.push_back(machine.cpus[i]);
      }
      if (p.process_cpus.empty()) p.process_cpus.push_back(p.engine_cpu);
    }
    shm::ShmConfig platform = cfg_.platform;
    platform.bugs = bugs_named(cfg_.bug);
    workload_ = std::visit(
        [&](const auto& q) -> std::unique_ptr<wl::Workload> {
          using Q = std::remove_cvref_t<decltype(q)>;
          if constexpr (std::is_same_v<Q, wl::StormParams>) return wl::build_storm(w, p, platform, q);
          if constexpr (std::is_same_v<Q, wl::TransfersParams>) return wl::build_transfers(w, p, platform, q);
        },
        cfg_.params);
    monitors_.watch(workload_.get());
  }
  std::uint64_t state_digest() const override {
    return workload_ ? workload_->shm().books_digest() ^ scenario::fnv1a(workload_->check()) : 0;
  }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    std::vector<std::pair<std::string, std::string>> out = {{"workload", cfg_.kind},
                                                            {"transport", shm::to_string(cfg_.platform.transport)}};
    if (cfg_.bug != "none") out.emplace_back("broken variant", cfg_.bug);
    if (workload_) {
      for (auto& c : workload_->counts()) out.push_back(std::move(c));
      const std::string trouble = workload_->check();
      out.emplace_back("workload check", trouble.empty() ? "complete" : trouble);
    }
    return out;
  }

 private:
  ShmScenarioConfig cfg_;
  RunMonitors<wl::Workload> monitors_;
  std::unique_ptr<wl::Workload> workload_;
};

}  // namespace

std::unique_ptr<scenario::MechanismRun> make_shm_run(const ShmScenarioConfig& cfg,
                                                     const std::vector<std::string>& properties) {
  return std::make_unique<ShmRun>(cfg, properties);
}

}  // namespace ipcsim::drivers::shm_scenario

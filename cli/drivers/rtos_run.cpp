#include "cli/drivers/rtos_run.hpp"

#include "cli/drivers/rtos_bugs.hpp"
#include "cli/drivers/rtos_properties.hpp"

namespace ipcsim::drivers::rtos_scenario {
namespace {

// The workload's own bookkeeping, judged at the end: every packet accounted
// for, every slave saw every round, every message assembled. It reads the
// workload object, not the trace, so it lives here in the driver, not in model/.
class WorkloadComplete final : public model::Monitor {
 public:
  WorkloadComplete() : Monitor("workload_complete") {}
  void watch(const wl::Workload* w) { workload_ = w; }

 protected:
  void observe(const sim::TraceRecord&) override {}
  void at_end(const sim::RunResult& result) override {
    if (workload_ == nullptr || result.outcome == sim::RunOutcome::Stopped) return;
    if (std::string trouble = workload_->check(); !trouble.empty()) violate_at_end(trouble);
  }

 private:
  const wl::Workload* workload_ = nullptr;
};

class RtosRun final : public scenario::MechanismRun {
 public:
  RtosRun(const RtosConfig& cfg, const std::vector<std::string>& properties) : cfg_(cfg) {
    for (const std::string& p : properties) {
      if (p == "workload_complete") {
        complete_ = std::make_unique<WorkloadComplete>();
      } else {
        monitors_.push_back(make_rtos_monitor(p));
      }
    }
  }
  std::vector<model::Monitor*> monitors() override {
    std::vector<model::Monitor*> out;
    for (auto& m : monitors_) out.push_back(m.get());
    if (complete_) out.push_back(complete_.get());
    return out;
  }
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
    if (complete_) complete_->watch(workload_.get());
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
  std::vector<std::unique_ptr<model::Monitor>> monitors_;
  std::unique_ptr<WorkloadComplete> complete_;
  std::unique_ptr<wl::Workload> workload_;
};

}  // namespace

std::unique_ptr<scenario::MechanismRun> make_rtos_run(const RtosConfig& cfg,
                                                      const std::vector<std::string>& properties) {
  return std::make_unique<RtosRun>(cfg, properties);
}

}  // namespace ipcsim::drivers::rtos_scenario

#include "cli/drivers/scan_run.hpp"

#include <fmt/core.h>

#include "model/scan/monitors.hpp"

namespace ipcsim::drivers::scan_scenario {
namespace {

class ScanRun final : public scenario::MechanismRun {
 public:
  ScanRun(const ScanConfig& cfg, const std::vector<std::string>& properties) : cfg_(cfg) {
    params_ = to_params(cfg.keys);
    params_.bugs = bugs_named(cfg.bug);
    for (const std::string& p : properties) {
      if (p == "exactly_once") {
        monitors_.push_back(std::make_unique<model::scan::ExactlyOnceMonitor>(params_.strategy.reset_bound()));
      } else if (p == "in_order") {
        auto m = std::make_unique<model::scan::OrderMonitor>();
        order_ = m.get();
        monitors_.push_back(std::move(m));
      } else if (p == "well_formed_chain") {
        monitors_.push_back(std::make_unique<model::scan::ChainMonitor>());
      } else if (p == "live_slots_only") {
        monitors_.push_back(std::make_unique<model::scan::LiveSlotsMonitor>());
      } else if (p == "no_message_loss") {
        monitors_.push_back(std::make_unique<model::scan::MessageLossMonitor>());
      } else {
        IPCSIM_ASSERT_MSG(false, "unknown scan property");
      }
    }
  }
  std::vector<model::Monitor*> monitors() override {
    std::vector<model::Monitor*> out;
    for (auto& m : monitors_) out.push_back(m.get());
    return out;
  }
  void start(sim::World& w, const scenario::Machine& machine) override {
    std::vector<sim::Cpu*> cpus;
    for (std::size_t i : cfg_.cpus) cpus.push_back(machine.cpus[i]);
    workload_ = scan::build_workload(w, cpus, *machine.regions[cfg_.region], params_);
  }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    std::vector<std::pair<std::string, std::string>> out = {
        {"strategy", std::string(scan::to_string(params_.strategy.strategy))}};
    if (cfg_.bug != "none") out.emplace_back("broken variant", cfg_.bug);
    if (workload_) {
      out.emplace_back("messages posted", std::to_string(workload_->posted()));
      out.emplace_back("retrievals", std::to_string(workload_->retrievals()));
      out.emplace_back("scans", std::to_string(workload_->scans()));
      out.emplace_back("inspections", std::to_string(workload_->inspections()));
      if (workload_->retrievals() != 0) {
        out.emplace_back("inspections per retrieval",
                         fmt::format("{:.2f}", static_cast<double>(workload_->inspections()) /
                                                   static_cast<double>(workload_->retrievals())));
      }
    }
    if (order_ != nullptr) out.emplace_back("out-of-order retrievals (counted)", std::to_string(order_->deviations()));
    return out;
  }

 private:
  ScanConfig cfg_;
  scan::ScanParams params_;
  std::vector<std::unique_ptr<model::Monitor>> monitors_;
  model::scan::OrderMonitor* order_ = nullptr;
  std::unique_ptr<scan::Workload> workload_;
};

}  // namespace

std::unique_ptr<scenario::MechanismRun> make_scan_run(const ScanConfig& cfg,
                                                      const std::vector<std::string>& properties) {
  return std::make_unique<ScanRun>(cfg, properties);
}

}  // namespace ipcsim::drivers::scan_scenario

// The monitors of one scenario run of a mechanism: the mechanism's own
// (model/<name>/, made by property name) plus `workload_complete`, the
// workload's own bookkeeping judged at the end. That one reads the workload
// object (`std::string check() const`: empty when every packet, round or
// transfer is accounted for), not the trace, so it lives here in the driver
// layer, not in model/.
//
//   RunMonitors<wl::Workload> monitors(properties, make_shm_monitor);
//   ... MechanismRun::monitors() { return monitors_.all(); }
//   ... after building the workload: monitors_.watch(workload_.get());
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/monitor.hpp"

namespace ipcsim::drivers {

template <class Workload>
class RunMonitors {
 public:
  template <class MakeMonitor>
  RunMonitors(const std::vector<std::string>& properties, MakeMonitor make) {
    for (const std::string& p : properties) {
      if (p == "workload_complete") {
        complete_ = std::make_unique<WorkloadComplete>();
      } else {
        monitors_.push_back(make(p));
      }
    }
  }

  std::vector<model::Monitor*> all() const {
    std::vector<model::Monitor*> out;
    for (const auto& m : monitors_) out.push_back(m.get());
    if (complete_) out.push_back(complete_.get());
    return out;
  }

  // The workload `workload_complete` judges (built after the monitors, which
  // must see every record from the first one on).
  void watch(const Workload* workload) {
    if (complete_) complete_->watch(workload);
  }

 private:
  class WorkloadComplete final : public model::Monitor {
   public:
    WorkloadComplete() : Monitor("workload_complete") {}
    void watch(const Workload* w) { workload_ = w; }

   protected:
    void observe(const sim::TraceRecord&) override {}
    void at_end(const sim::RunResult& result) override {
      // A run an observer stopped (a violation elsewhere) ended early on purpose.
      if (workload_ == nullptr || result.outcome == sim::RunOutcome::Stopped) return;
      if (std::string trouble = workload_->check(); !trouble.empty()) violate_at_end(trouble);
    }

   private:
    const Workload* workload_ = nullptr;
  };

  std::vector<std::unique_ptr<model::Monitor>> monitors_;
  std::unique_ptr<WorkloadComplete> complete_;
};

}  // namespace ipcsim::drivers

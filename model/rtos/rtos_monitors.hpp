// The RTOS's three properties together: pool_origin, no_double_delivery and
// priority_pass, attached and finished as one.
//
//   model::rtos::RtosMonitors monitors;
//   monitors.attach(world);                // before building the machine
//   sim::RunResult r = world.run();
//   monitors.finish(r);
//   if (const model::Violation* v = monitors.first_violation()) ... v->property, v->message
#pragma once

#include <array>

#include "model/rtos/delivery_monitor.hpp"
#include "model/rtos/pool_origin_monitor.hpp"
#include "model/rtos/priority_pass_monitor.hpp"

namespace ipcsim::model::rtos {

class RtosMonitors {
 public:
  void attach(sim::World& world, bool stop_on_violation = false) {
    for (Monitor* m : all()) m->attach(world, stop_on_violation);
  }
  void finish(const sim::RunResult& result) {
    for (Monitor* m : all()) m->finish(result);
  }
  // The earliest violation in the trace, if any.
  const Violation* first_violation() const {
    const Violation* first = nullptr;
    for (const Monitor* m : all()) {
      if (m->violated() && (first == nullptr || m->violation()->record_seq < first->record_seq)) {
        first = &*m->violation();
      }
    }
    return first;
  }
  bool green() const { return first_violation() == nullptr; }

  PoolOriginMonitor pool_origin;
  DeliveryMonitor delivery;
  PriorityPassMonitor priority_pass;

 private:
  std::array<Monitor*, 3> all() { return {&pool_origin, &delivery, &priority_pass}; }
  std::array<const Monitor*, 3> all() const { return {&pool_origin, &delivery, &priority_pass}; }
};

}  // namespace ipcsim::model::rtos

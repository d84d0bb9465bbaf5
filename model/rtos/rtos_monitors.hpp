// The RTOS's properties together, attached and finished as one:
// pool_origin, no_double_delivery, sections_filled, priority_pass,
// exchange_order, no_message_loss, broadcast_reaches_waiters, one_holder and
// no_dangling_proxy.
//
//   model::rtos::RtosMonitors monitors;
//   monitors.attach(world);                // before building the machine
//   sim::RunResult r = world.run();
//   monitors.finish(r);
//   if (const model::Violation* v = monitors.first_violation()) ... v->property, v->message
#pragma once

#include <array>

#include "model/rtos/broadcast_waiters_monitor.hpp"
#include "model/rtos/dangling_proxy_monitor.hpp"
#include "model/rtos/delivery_monitor.hpp"
#include "model/rtos/exchange_order_monitor.hpp"
#include "model/rtos/message_loss_monitor.hpp"
#include "model/rtos/one_holder_monitor.hpp"
#include "model/rtos/pool_origin_monitor.hpp"
#include "model/rtos/priority_pass_monitor.hpp"
#include "model/rtos/sections_monitor.hpp"

namespace ipcsim::model::rtos {

class RtosMonitors {
 public:
  void attach(sim::World& world, bool stop_on_violation = false) {
    for (Monitor* m : all()) m->attach(world, stop_on_violation);
  }
  void finish(const sim::RunResult& result) {
    for (Monitor* m : all()) m->finish(result);
  }
  // The earliest violation in the trace, if any (ties: in the order of all()).
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
  SectionsMonitor sections;
  PriorityPassMonitor priority_pass;
  ExchangeOrderMonitor exchange_order;
  MessageLossMonitor message_loss;
  BroadcastWaitersMonitor broadcast_waiters;
  OneHolderMonitor one_holder;
  DanglingProxyMonitor dangling_proxy;

 private:
  static constexpr std::size_t kCount = 9;
  std::array<Monitor*, kCount> all() {
    return {&pool_origin, &delivery,          &sections,   &priority_pass, &exchange_order,
            &message_loss, &broadcast_waiters, &one_holder, &dangling_proxy};
  }
  std::array<const Monitor*, kCount> all() const {
    return {&pool_origin, &delivery,          &sections,   &priority_pass, &exchange_order,
            &message_loss, &broadcast_waiters, &one_holder, &dangling_proxy};
  }
};

}  // namespace ipcsim::model::rtos

#include "model/rtos/rtos_monitor.hpp"

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

void RtosMonitor::observe(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "cpu.crash") {
    for (const auto& [rtos, cpu] : home_cpu_) {
      if (cpu >= 0 && static_cast<std::uint64_t>(cpu) == r.cpu) forget(rtos);
    }
  } else if (k == "sim.exit" || k == "sim.kill") {
    gone_.insert(r.actor);
  } else if (k == "rtos.create") {
    home_cpu_[u(r, "rtos")] = i(r, "home_cpu");
  } else if (k == "rtos.reset") {
    forget(u(r, "rtos"));
  } else if (k == "rtos.xchg.create") {
    const std::uint64_t x = key(r, "xchg");
    exchanges_[x] = Exchange{s(r, "type") == "broadcast", s(r, "type") == "pass", r.object};
    exchange_by_object_[r.object] = x;
  } else if (k == "rtos.pool.create") {
    pools_[key(r, "pool")] = r.object;
  } else if (k == "rtos.heap.create") {
    pools_[key(r, "heap")] = r.object;
  } else if (k == "rtos.task.create") {
    tasks_.insert(u(r, "task"));
  } else if (k == "rtos.task.delete") {
    tasks_.erase(u(r, "task"));
  }
  watch(r);
}

bool RtosMonitor::is_broadcast(std::uint64_t xkey) const {
  auto it = exchanges_.find(xkey);
  return it != exchanges_.end() && it->second.broadcast;
}

bool RtosMonitor::is_pass(std::uint64_t xkey) const {
  auto it = exchanges_.find(xkey);
  return it != exchanges_.end() && it->second.pass;
}

std::string RtosMonitor::exchange_name(std::uint64_t xkey) const {
  auto it = exchanges_.find(xkey);
  std::optional<std::string> name;
  if (it != exchanges_.end()) name = declared_object_name(it->second.object);
  return name ? *name : "#" + num(xkey & 0xFFFFFFFFu);
}

std::optional<std::uint64_t> RtosMonitor::exchange_of_object(sim::ObjectId object) const {
  auto it = exchange_by_object_.find(object);
  if (it == exchange_by_object_.end()) return std::nullopt;
  return it->second;
}

std::string RtosMonitor::pool_name(std::uint64_t pkey) const {
  auto it = pools_.find(pkey);
  std::optional<std::string> name;
  if (it != pools_.end()) name = declared_object_name(it->second);
  return name ? *name : "#" + num(pkey & 0xFFFFFFFFu);
}

}  // namespace ipcsim::model::rtos

// RtosMonitor: what every monitor of model/rtos learns the same way, from the
// set-up records of impl/rtos/trace_schema.md, before its own books see a
// record: the exchanges (type, name), the pools and heaps (name, kind), the
// tasks, and where each RTOS lives, so that a CPU crash that loses its memory
// (or a restart that formats it again) makes the monitor forget what lived
// there. It also names things as the scenario does: exchanges and pools by
// their names ("'bx'"), actors through Monitor::actor_name ("'slave2' (#5)").
//
//   class MyMonitor final : public RtosMonitor {
//    public:
//     MyMonitor() : RtosMonitor("my_property") {}
//    protected:
//     void watch(const sim::TraceRecord& r) override { ... exchange_name(key(r, "xchg")) ... }
//     void forget(std::uint64_t rtos) override { ... drop what lived in that RTOS ... }
//   };
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "model/monitor.hpp"

namespace ipcsim::model::rtos {

class RtosMonitor : public Monitor {
 public:
  using Monitor::Monitor;

 protected:
  void observe(const sim::TraceRecord& r) final;
  // Every record, after the set-up bookkeeping.
  virtual void watch(const sim::TraceRecord& r) = 0;
  // The memory of RTOS `rtos` was lost (a crash of its CPU) or formatted
  // again (rtos.reset): nothing that lived there exists any more.
  virtual void forget(std::uint64_t /*rtos*/) {}

  // Exchanges by key(rtos, xcb), as rtos.xchg.create declared them.
  bool is_exchange(std::uint64_t xkey) const { return exchanges_.count(xkey) != 0; }
  bool is_broadcast(std::uint64_t xkey) const;
  bool is_pass(std::uint64_t xkey) const;  // a priority-pass exchange
  std::string exchange_name(std::uint64_t xkey) const;  // "'bx'", or "#1234" when unknown
  // The exchange whose kernel object is `object` (sim.block / sim.wake name it so).
  std::optional<std::uint64_t> exchange_of_object(sim::ObjectId object) const;
  // Pools and heaps by key(rtos, handle), as rtos.pool.create / rtos.heap.create declared them.
  std::string pool_name(std::uint64_t pkey) const;  // "'rx'", or "#1234" when unknown
  // Whether `actor` is a task of some RTOS (rtos.task.create), until it is deleted.
  bool is_task(sim::ActorId actor) const { return tasks_.count(actor) != 0; }
  // Whether `actor` has ended (sim.exit, sim.kill): what it held may be released by others.
  bool is_gone(sim::ActorId actor) const { return gone_.count(actor) != 0; }

 private:
  struct Exchange {
    bool broadcast = false;
    bool pass = false;
    sim::ObjectId object = sim::kNoObject;
  };
  std::map<std::uint64_t, std::int64_t> home_cpu_;  // rtos -> the CPU whose nonshared memory it is (-1: shared)
  std::map<std::uint64_t, Exchange> exchanges_;
  std::map<sim::ObjectId, std::uint64_t> exchange_by_object_;
  std::map<std::uint64_t, sim::ObjectId> pools_;  // key(rtos, handle) -> the pool's or heap's object
  std::set<sim::ActorId> tasks_;
  std::set<sim::ActorId> gone_;
};

}  // namespace ipcsim::model::rtos

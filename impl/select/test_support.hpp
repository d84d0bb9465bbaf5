// A machine for the tests of impl/select: n CPUs on one bus.
#pragma once

#include <string>
#include <vector>

#include "sim/bus.hpp"
#include "sim/world.hpp"

namespace ipcsim::select::testing {

using namespace std::chrono_literals;

struct Machine {
  explicit Machine(sim::World& w, int n, sim::Duration latency = 2us) {
    std::vector<sim::CpuId> ids;
    for (int i = 0; i < n; ++i) {
      cpus.push_back(&w.add_cpu({.name = "cpu" + std::to_string(i)}));
      ids.push_back(cpus.back()->id());
    }
    bus = &w.add_bus({.name = "bus", .cpus = ids, .latency = latency});
  }
  std::vector<sim::Cpu*> cpus;
  sim::Bus* bus = nullptr;
};

}  // namespace ipcsim::select::testing

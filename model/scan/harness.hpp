// Test support: one run of the message-list workload on a small machine with
// every scan monitor attached.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "impl/scan/workload.hpp"
#include "model/scan/monitors.hpp"

namespace ipcsim::model::scan::testing {

struct Outcome {
  sim::RunResult result;
  std::string violated;  // the first property violated ("" for none)
  std::string message;
  std::uint64_t retrievals = 0;
  std::uint64_t deviations = 0;
};

inline Outcome run_scan(const ipcsim::scan::ScanParams& p, std::uint64_t seed, std::uint32_t cpus = 2,
                        sim::Duration access_cost = sim::Duration{0}) {
  sim::World w({.seed = seed});
  ExactlyOnceMonitor once(p.strategy.reset_bound());
  OrderMonitor order;
  ChainMonitor chain;
  LiveSlotsMonitor live;
  MessageLossMonitor loss;
  std::vector<Monitor*> monitors = {&once, &order, &chain, &live, &loss};
  for (Monitor* m : monitors) m->attach(w, /*stop_on_violation=*/true);
  std::vector<sim::Cpu*> cs;
  std::vector<sim::CpuId> ids;
  for (std::uint32_t i = 0; i < cpus; ++i) {
    cs.push_back(&w.add_cpu({.name = "cpu" + std::to_string(i)}));
    ids.push_back(cs.back()->id());
  }
  sim::Memory& region =
      w.add_shared_region("shm", ipcsim::scan::region_bytes_needed(p), ids, {.per_access = access_cost});
  Outcome out;
  {
    auto wl = ipcsim::scan::build_workload(w, cs, region, p);
    out.result = w.run({.max_steps = 5'000'000});
    for (Monitor* m : monitors) m->finish(out.result);
    std::uint64_t first = UINT64_MAX;
    for (Monitor* m : monitors) {
      if (m->violated() && m->violation()->record_seq < first) {
        first = m->violation()->record_seq;
        out.violated = m->property();
        out.message = m->violation()->message;
      }
    }
    out.retrievals = once.retrievals();
    out.deviations = order.deviations();
  }
  return out;
}

}  // namespace ipcsim::model::scan::testing

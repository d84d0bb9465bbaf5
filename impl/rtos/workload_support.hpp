// Small helpers shared by the workload builders (impl/rtos/workload_*.cpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "sim/rng.hpp"
#include "sim/time.hpp"
#include "sim/world.hpp"

namespace ipcsim::rtos::workloads::detail {

// Uniform in [lo, hi] (hi < lo counts as lo), from the workload's random stream.
inline sim::Duration between(sim::Rng& rng, sim::Duration lo, sim::Duration hi) {
  if (hi <= lo) return lo;
  return lo + sim::Duration{static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>((hi - lo).count()) + 1))};
}

inline std::vector<std::byte> word_bytes(std::uint32_t v) {
  std::vector<std::byte> b(4);
  std::memcpy(b.data(), &v, 4);
  return b;
}
inline std::uint32_t word_of(std::span<const std::byte> b) {
  std::uint32_t v = 0;
  std::memcpy(&v, b.data(), 4);
  return v;
}

// Where the RTOS lives: the home CPU's nonshared memory, or, when some tasks
// run on other CPUs, a shared region mapped into all of them.
inline sim::Memory& rtos_memory(sim::World& w, sim::Cpu& home, const std::vector<sim::Cpu*>& others,
                                std::uint32_t shared_bytes) {
  std::vector<sim::CpuId> ids{home.id()};
  for (const sim::Cpu* c : others) {
    bool known = false;
    for (sim::CpuId id : ids) known = known || id == c->id();
    if (!known) ids.push_back(c->id());
  }
  if (ids.size() == 1) return home.memory();
  return w.add_shared_region("rtos.mem", shared_bytes, ids);
}

}  // namespace ipcsim::rtos::workloads::detail

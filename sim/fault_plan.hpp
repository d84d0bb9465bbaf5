// Scheduled and probabilistic faults against CPUs, actors and buses.
//
// Each fault is a fault point: when its time comes, the chooser decides whether
// it fires (with probability 1 for a scheduled fault, `ppm` for a probabilistic
// one), within the World's fault budget. So a replay reproduces exactly the
// faults of the original run, the shrinker can remove faults one by one, and the
// model checker can explore runs with and without each.
//
//   FaultPlan plan;
//   plan.add({.type = FaultType::CrashCpu, .cpu = 1, .at = at_ns(5'000), .restart_after = 2ms});
//   plan.add({.type = FaultType::CrashCpu, .cpu = 2, .at = at_ns(0), .every = 1ms, .ppm = 10'000});
//   plan.install(world);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/ids.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace ipcsim::sim {

class World;

enum class FaultType : std::uint8_t { CrashCpu, RestartCpu, KillActor, Partition, Heal };
const char* to_string(FaultType t);

struct FaultSpec {
  FaultType type = FaultType::CrashCpu;
  CpuId cpu = kNoCpu;               // CrashCpu, RestartCpu
  std::string actor;                // KillActor: the live actor with this name (lowest id)
  std::size_t bus = 0;              // Partition, Heal
  std::vector<std::vector<CpuId>> groups;  // Partition
  Instant at{};                     // when (the first time, if periodic)
  Duration every{0};                // > 0: a fault point every period from `at`
  Instant until = kTimeNever;       // periodic: no fault point after this
  std::uint32_t ppm = kPpmOne;      // probability at each fault point
  Duration restart_after{0};        // CrashCpu: > 0 restarts the CPU this much later
};

class FaultPlan {
 public:
  void add(FaultSpec spec) { specs_.push_back(std::move(spec)); }
  const std::vector<FaultSpec>& specs() const { return specs_; }
  // Schedules the fault points. The plan must outlive the run.
  void install(World& world);

 private:
  static void on_fault_point(World& w, void* plan, std::uint64_t index);
  static void on_restart(World& w, void* plan, std::uint64_t cpu);
  void fire(World& w, const FaultSpec& spec);
  std::vector<FaultSpec> specs_;
};

}  // namespace ipcsim::sim

// A scenario: everything one scenario file says, validated and resolved.
//
// The loader (loader.hpp) turns a TOML file into a Scenario or into errors;
// the runner (runner.hpp) turns a Scenario plus a seed and a chooser into a run.
// Names of CPUs, buses and regions are resolved to indices at load time, so a
// Scenario is always internally consistent.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/bus.hpp"
#include "sim/fault_plan.hpp"
#include "sim/memory.hpp"
#include "sim/world.hpp"

namespace ipcsim::scenario {

class MechanismDriver;

// What a driver parsed out of [workload]; each driver defines its own.
class WorkloadConfig {
 public:
  virtual ~WorkloadConfig() = default;
};

struct CpuSpec {
  std::string name;
  sim::RunPolicy policy = sim::RunPolicy::Fifo;
  std::uint64_t memory_bytes = 64 * 1024;
  sim::MemoryCost memory_cost{};
};

struct RegionSpec {
  std::string name;
  std::uint64_t bytes = 0;
  std::vector<std::size_t> cpus;
  sim::MemoryCost cost{};
};

struct BusSpec {
  std::string name;
  std::vector<std::size_t> cpus;
  sim::Duration latency{0};
  std::uint64_t bytes_per_second = 0;
  std::uint32_t queue_limit = 1024;
  sim::BusFaults faults{};  // filled from [[fault]] entries of type drop/duplicate/delay/reorder
};

struct MachineSpec {
  std::vector<CpuSpec> cpus;
  std::vector<RegionSpec> regions;
  std::vector<BusSpec> buses;
  std::vector<std::string> cpu_names() const;
  std::vector<std::string> bus_names() const;
  std::vector<std::string> region_names() const;
};

struct RunSettings {
  std::uint64_t seed = 1;
  sim::Instant horizon = sim::kTimeNever;
  std::uint64_t max_steps = 10'000'000;
  std::uint32_t max_faults = UINT32_MAX;
};

// [check]: defaults for `ipcsim check` on this file (flags override them). A
// bound that may leave runs unexplored needs a reason in the file itself
// (bounded_because): a test that model-checks the scenario accepts an
// inconclusive search only then, and the command prints the reason with it.
struct CheckSpec {
  std::optional<std::uint32_t> preemptions;
  std::optional<std::uint32_t> max_depth;
  std::optional<std::uint64_t> max_executions;
  std::string bounded_because;  // required with any bound above, refused without one
};

struct OutputSpec {
  std::string trace;    // JSON Lines trace path, or empty
  std::string diagram;  // .svg, .mmd or .html, or empty
};

struct Scenario {
  std::string path;  // the file it came from, as given
  std::string name;
  std::string description;
  std::string mechanism;
  const MechanismDriver* driver = nullptr;
  MachineSpec machine;
  std::vector<sim::FaultSpec> faults;        // scheduled and periodic faults (bus message faults live in BusSpec)
  std::vector<std::string> properties;       // to check; built-ins included
  std::string expect = "pass";               // "pass", or the property a broken variant must violate
  RunSettings run;
  OutputSpec output;
  CheckSpec check;
  std::shared_ptr<const WorkloadConfig> workload;
  std::string text;                          // the file's bytes: counterexamples carry them
  std::uint64_t content_hash = 0;            // FNV-1a of `text`: counterexamples pin it
};

// Properties every scenario can check, whatever its mechanism.
inline constexpr const char* kDeadlockFree = "deadlock_free";  // the run did not end in a deadlock
inline constexpr const char* kNoUsageError = "no_usage_error";  // no actor misused the kernel
// The lock-order graph (model/explore's lockdep) closed no cycle: a potential
// deadlock is reported even on runs that did not deadlock. `run`, `fuzz` and
// `replay` keep one graph per run (both halves of the inversion in that run);
// `check` keeps one across every execution of its search.
inline constexpr const char* kLockOrder = "lock_order";

std::uint64_t fnv1a(std::string_view bytes);

}  // namespace ipcsim::scenario

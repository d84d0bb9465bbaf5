// Mechanism drivers: how a mechanism plugs into scenario files and the ipcsim
// command. A driver says which [workload] keys it accepts, which properties it
// can check, how it parses its workload, and how it builds one run (its
// monitors first, then its objects and actors).
//
//   class MyDriver final : public MechanismDriver { ... };
//   register_driver(std::make_unique<MyDriver>());   // done by cli/drivers/drivers.cpp
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/scenario/config_table.hpp"
#include "cli/scenario/scenario.hpp"
#include "model/monitor.hpp"

namespace ipcsim::scenario {

struct KeyDoc {
  std::string key;
  std::string type;         // "integer", "duration", "string", "cpu name", ...
  std::string default_value;  // "" for a required key
  std::string description;
};

struct PropertyDoc {
  std::string name;
  std::string description;
};

// The handles a driver gets to the built machine, by the indices of MachineSpec.
struct Machine {
  std::vector<sim::Cpu*> cpus;
  std::vector<sim::Memory*> regions;
  std::vector<sim::Bus*> buses;
};

// One run of a mechanism: owns its objects, actors' state and monitors.
class MechanismRun {
 public:
  virtual ~MechanismRun() = default;
  // The monitors of the requested properties, created before anything else so
  // they see every record. The runner attaches them.
  virtual std::vector<model::Monitor*> monitors() = 0;
  // Builds the mechanism's objects and spawns its actors on the machine.
  virtual void start(sim::World& world, const Machine& machine) = 0;
  // A digest of the mechanism's state kept outside the World (C++ side
  // tables, the workload's own books), for "distinct final states"; the
  // runner adds sim::World::state_digest(), which covers simulated memory,
  // kernel objects and actors.
  virtual std::uint64_t state_digest() const { return 0; }
  // Human-readable facts for the run summary ("rounds completed" -> "4").
  virtual std::vector<std::pair<std::string, std::string>> summary() const { return {}; }
};

class MechanismDriver {
 public:
  virtual ~MechanismDriver() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual std::vector<KeyDoc> workload_keys() const = 0;
  virtual std::vector<PropertyDoc> properties() const = 0;
  // Reads [workload] (and calls finish() on it). Errors go to the table's diagnostics.
  virtual std::unique_ptr<WorkloadConfig> parse_workload(ConfigTable& workload, const MachineSpec& machine) const = 0;
  // A fresh run for `properties` (a subset of properties(), never the built-ins).
  virtual std::unique_ptr<MechanismRun> instantiate(const WorkloadConfig& workload,
                                                    const std::vector<std::string>& properties) const = 0;
};

void register_driver(std::unique_ptr<MechanismDriver> driver);
const MechanismDriver* find_driver(std::string_view name);
// In registration order.
std::vector<const MechanismDriver*> all_drivers();

}  // namespace ipcsim::scenario

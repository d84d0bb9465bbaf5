#include "cli/list_command.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "cli/scenario/driver.hpp"
#include "cli/scenario/scenario.hpp"

namespace ipcsim::cli {
namespace {

void print_human() {
  for (const scenario::MechanismDriver* d : scenario::all_drivers()) {
    fmt::print("{}: {}\n", d->name(), d->description());
    fmt::print("  workload keys ([workload]):\n");
    for (const auto& k : d->workload_keys()) {
      fmt::print("    {}  {}, {}\n        {}\n", k.key, k.type,
                 k.default_value.empty() ? "required" : "default " + k.default_value, k.description);
    }
    fmt::print("  properties:\n");
    for (const auto& p : d->properties()) fmt::print("    {:<20} {}\n", p.name, p.description);
    fmt::print("    {:<20} {}\n", scenario::kDeadlockFree, "the run does not end in a deadlock (every scenario)");
    fmt::print("    {:<20} {}\n", scenario::kNoUsageError, "no actor misuses the kernel (every scenario)");
    fmt::print("    {:<20} {}\n", scenario::kLockOrder,
               "no cycle in the order locks are taken in, deadlocked or not (every scenario)");
    fmt::print("\n");
  }
}

void print_json() {
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const scenario::MechanismDriver* d : scenario::all_drivers()) {
    nlohmann::ordered_json m;
    m["name"] = d->name();
    m["description"] = d->description();
    for (const auto& k : d->workload_keys()) {
      m["workload_keys"].push_back({{"key", k.key}, {"type", k.type}, {"default", k.default_value},
                                    {"description", k.description}});
    }
    for (const auto& p : d->properties()) m["properties"].push_back({{"name", p.name}, {"description", p.description}});
    m["properties"].push_back({{"name", scenario::kDeadlockFree}, {"description", "the run does not end in a deadlock"}});
    m["properties"].push_back({{"name", scenario::kNoUsageError}, {"description", "no actor misuses the kernel"}});
    m["properties"].push_back({{"name", scenario::kLockOrder},
                               {"description", "no cycle in the order locks are taken in, deadlocked or not"}});
    all.push_back(m);
  }
  fmt::print("{}\n", all.dump(2));
}

}  // namespace

int list_command(const ListArgs& a) {
  if (a.json) {
    print_json();
  } else {
    print_human();
  }
  return 0;
}

}  // namespace ipcsim::cli

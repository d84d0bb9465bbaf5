#include "cli/scenario/driver.hpp"

#include "sim/check.hpp"

namespace ipcsim::scenario {
namespace {
std::vector<std::unique_ptr<MechanismDriver>>& registry() {
  static std::vector<std::unique_ptr<MechanismDriver>> drivers;
  return drivers;
}
}  // namespace

void register_driver(std::unique_ptr<MechanismDriver> driver) {
  IPCSIM_ASSERT_MSG(find_driver(driver->name()) == nullptr, "a mechanism driver registered twice");
  registry().push_back(std::move(driver));
}

const MechanismDriver* find_driver(std::string_view name) {
  for (const auto& d : registry()) {
    if (d->name() == name) return d.get();
  }
  return nullptr;
}

std::vector<const MechanismDriver*> all_drivers() {
  std::vector<const MechanismDriver*> out;
  for (const auto& d : registry()) out.push_back(d.get());
  return out;
}

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::vector<std::string> MachineSpec::cpu_names() const {
  std::vector<std::string> out;
  for (const auto& c : cpus) out.push_back(c.name);
  return out;
}
std::vector<std::string> MachineSpec::bus_names() const {
  std::vector<std::string> out;
  for (const auto& b : buses) out.push_back(b.name);
  return out;
}
std::vector<std::string> MachineSpec::region_names() const {
  std::vector<std::string> out;
  for (const auto& r : regions) out.push_back(r.name);
  return out;
}

}  // namespace ipcsim::scenario

// The properties of the transport mechanism (seed 004), by name, for drivers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/monitor.hpp"

namespace ipcsim::model::transport {

struct PropertyInfo {
  const char* name;
  const char* description;
};
const std::vector<PropertyInfo>& properties();
// The monitor of `name` (one of properties()), or null.
std::unique_ptr<Monitor> make_monitor(const std::string& name);

}  // namespace ipcsim::model::transport

// Scenario texts shared by the scenario layer's tests.
#pragma once

#include <string>

namespace ipcsim::scenario::testing {

// Ping-pong over a faulty bus; `dedupe = false` makes it the broken variant.
inline std::string pingpong_text(bool dedupe, int round_trips = 20) {
  return R"([scenario]
name = "pp"
mechanism = "pingpong"

[[cpu]]
name = "cpu0"

[[cpu]]
name = "cpu1"

[[bus]]
name = "bus0"
cpus = ["cpu0", "cpu1"]
latency = "1us"

[workload]
round_trips = )" + std::to_string(round_trips) +
         R"(
dedupe = )" + (dedupe ? "true" : "false") +
         R"(

[[fault]]
type = "duplicate"
bus = "bus0"
probability = 0.05

[[fault]]
type = "drop"
bus = "bus0"
probability = 0.05

[expect]
outcome = ")" + (dedupe ? "pass" : "no_double_delivery") +
         R"("
)";
}

}  // namespace ipcsim::scenario::testing

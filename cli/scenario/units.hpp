// Durations and sizes as people write them in scenario files and on the
// command line: "250ns", "1us", "1.5ms", "2s"; "512", "64KiB", "1MiB".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/time.hpp"

namespace ipcsim::scenario {

// A number with a unit (ns, us, ms, s); no unit is an error, so "1000" never
// silently means nanoseconds. The result is rounded to whole nanoseconds.
std::optional<sim::Duration> parse_duration(std::string_view text);
// Bytes: a plain integer, or a number with B, KiB, MiB, GiB.
std::optional<std::uint64_t> parse_size(std::string_view text);
// "1.5ms", "250ns": the largest unit that keeps the number readable.
std::string format_duration(sim::Duration d);

}  // namespace ipcsim::scenario

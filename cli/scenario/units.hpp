// Durations and sizes as people write them in scenario files and on the
// command line: "250ns", "1us", "1.5ms", "2s"; "512", "64KiB", "1MiB".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/time.hpp"

namespace ipcsim::scenario {

// Why parse_duration or parse_size gave no value. A well-formed quantity too
// large for 64 bits is not a typo: callers report it against their range,
// naming the limit, instead of as text they could not read.
enum class QuantityError : std::uint8_t { None, Malformed, TooLarge };

// A number with a unit (ns, us, ms, s); no unit is an error, so "1000" never
// silently means nanoseconds. The result is rounded to whole nanoseconds.
std::optional<sim::Duration> parse_duration(std::string_view text, QuantityError* why = nullptr);
// Bytes: a plain integer, or a number with B, KiB, MiB, GiB, TiB.
std::optional<std::uint64_t> parse_size(std::string_view text, QuantityError* why = nullptr);
// "1.5ms", "250ns": the largest unit that keeps the number readable.
std::string format_duration(sim::Duration d);
// "1GiB", "64KiB", "1500B": the largest binary unit that divides the size exactly.
std::string format_size(std::uint64_t bytes);

}  // namespace ipcsim::scenario

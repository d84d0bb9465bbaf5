#include "cli/scenario/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ipcsim::scenario {
namespace {

// Splits "1.5ms" into 1.5 and "ms". A number too long for a double (inf) is
// still a number: the caller reports it as too large.
bool split_number(std::string_view text, double& value, std::string_view& unit) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0) return false;
  const std::string number(text.substr(0, i));
  char* end = nullptr;
  value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return false;
  unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return !std::isnan(value);
}

template <class T>
std::optional<T> fail(QuantityError* why, QuantityError error) {
  if (why != nullptr) *why = error;
  return std::nullopt;
}

}  // namespace

std::optional<sim::Duration> parse_duration(std::string_view text, QuantityError* why) {
  if (why != nullptr) *why = QuantityError::None;
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) return fail<sim::Duration>(why, QuantityError::Malformed);
  double scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "s") scale = 1e9;
  else return fail<sim::Duration>(why, QuantityError::Malformed);
  const double ns = std::round(value * scale);
  // 2^63 is exactly representable; every double below it fits an int64.
  if (!(ns < 9223372036854775808.0)) return fail<sim::Duration>(why, QuantityError::TooLarge);
  return sim::Duration{static_cast<std::int64_t>(ns)};
}

std::optional<std::uint64_t> parse_size(std::string_view text, QuantityError* why) {
  if (why != nullptr) *why = QuantityError::None;
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) return fail<std::uint64_t>(why, QuantityError::Malformed);
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB") scale = 1024.0;
  else if (unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else if (unit == "TiB") scale = 1024.0 * 1024 * 1024 * 1024;
  else return fail<std::uint64_t>(why, QuantityError::Malformed);
  const double bytes = value * scale;
  // 2^64 is exactly representable; every double below it fits a uint64.
  if (!(bytes < 18446744073709551616.0)) return fail<std::uint64_t>(why, QuantityError::TooLarge);
  if (bytes != std::floor(bytes)) return fail<std::uint64_t>(why, QuantityError::Malformed);
  return static_cast<std::uint64_t>(bytes);
}

std::string format_duration(sim::Duration d) {
  const std::int64_t ns = d.count();
  char buf[48];
  const auto fmt = [&](double v, const char* unit) {
    std::snprintf(buf, sizeof buf, "%.6g%s", v, unit);
    return std::string(buf);
  };
  if (ns != 0 && ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns >= 1'000'000) return fmt(static_cast<double>(ns) / 1e6, "ms");
  if (ns >= 1'000) return fmt(static_cast<double>(ns) / 1e3, "us");
  return std::to_string(ns) + "ns";
}

std::string format_size(std::uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + kUnits[unit];
}

}  // namespace ipcsim::scenario

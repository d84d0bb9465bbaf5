#include "cli/scenario/units.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace ipcsim::scenario {
namespace {

// Splits "1.5ms" into 1.5 and "ms".
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
  return std::isfinite(value);
}

}  // namespace

std::optional<sim::Duration> parse_duration(std::string_view text) {
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) return std::nullopt;
  double scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "s") scale = 1e9;
  else return std::nullopt;
  const double ns = std::round(value * scale);
  if (ns > 9.2e18) return std::nullopt;
  return sim::Duration{static_cast<std::int64_t>(ns)};
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  double value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) return std::nullopt;
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB") scale = 1024.0;
  else if (unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else return std::nullopt;
  const double bytes = value * scale;
  if (bytes != std::floor(bytes) || bytes > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::string format_duration(sim::Duration d) {
  const std::int64_t ns = d.count();
  char buf[48];
  const auto fmt = [&](double v, const char* unit) {
    std::snprintf(buf, sizeof buf, "%.6g%s", v, unit);
    return std::string(buf);
  };
  if (ns != 0 && ns % 1'000'000'000 == 0) return fmt(static_cast<double>(ns) / 1e9, "s");
  if (ns >= 1'000'000) return fmt(static_cast<double>(ns) / 1e6, "ms");
  if (ns >= 1'000) return fmt(static_cast<double>(ns) / 1e3, "us");
  return std::to_string(ns) + "ns";
}

}  // namespace ipcsim::scenario

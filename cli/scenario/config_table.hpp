// Typed, position-aware reading of one TOML table, for the scenario loader and
// the mechanism drivers.
//
// Every getter marks its key as known; finish() then reports every key nobody
// asked for as unknown, with a "did you mean" suggestion. Wrong types, values
// out of range and missing required keys are reported with the file, line and
// column of the value (or of the table), the key's full path and what was
// expected. Getters always return a value (the fallback after an error), so a
// reader can go on and find every error in one pass.
//
//   ConfigTable bus = ...;
//   sim::Duration latency = bus.duration("latency", 1us, 0ns, 1s);
//   auto slaves = workload.integer("slaves", 3, 1, 64);
//   workload.finish();
//
// toml++ stays out of this header (it is heavy); the table is held opaquely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/scenario/diagnostics.hpp"
#include "sim/time.hpp"

namespace ipcsim::scenario {

enum class Need : std::uint8_t { Optional, Required };

class ConfigTable {
 public:
  // `toml_table` is a `const toml::table*`; `path` names the table in messages
  // ("bus[0]", "workload"; "" for the root).
  ConfigTable(const void* toml_table, std::string path, std::string file, Diagnostics& diag);

  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max,
                       Need need = Need::Optional);
  double number(std::string_view key, double fallback, double min, double max, Need need = Need::Optional);
  // A probability in [0, 1], as parts per million (sim/rng.hpp).
  std::uint32_t probability_ppm(std::string_view key, double fallback, Need need = Need::Optional);
  sim::Duration duration(std::string_view key, sim::Duration fallback, sim::Duration min, sim::Duration max,
                         Need need = Need::Optional);
  // An integer number of bytes or a string such as "64KiB".
  std::uint64_t bytes(std::string_view key, std::uint64_t fallback, std::uint64_t min, std::uint64_t max,
                      Need need = Need::Optional);
  std::string string(std::string_view key, std::string fallback, Need need = Need::Optional);
  // One of `options` (an enumeration), with a suggestion when misspelt.
  std::string choice(std::string_view key, const std::vector<std::string>& options, std::string fallback,
                     Need need = Need::Optional);
  bool boolean(std::string_view key, bool fallback, Need need = Need::Optional);
  std::vector<std::string> strings(std::string_view key, Need need = Need::Optional);
  // A list of lists of strings ([["cpu0"], ["cpu1", "cpu2"]]).
  std::vector<std::vector<std::string>> string_groups(std::string_view key, Need need = Need::Optional);
  std::optional<ConfigTable> table(std::string_view key, Need need = Need::Optional);
  // An array of tables ([[bus]]), each with its index in its path.
  std::vector<ConfigTable> tables(std::string_view key, Need need = Need::Optional);

  // Checks that `name` is one of `known` (a reference to a CPU, a bus, ...).
  // Returns its index in `known`, or nullopt after an error.
  std::optional<std::size_t> reference(std::string_view key, const std::string& name, const std::vector<std::string>& known,
                                       std::string_view what);

  bool has(std::string_view key) const;
  // The key holds an array with no element (an empty list is often a mistake
  // worth its own message, apart from a list of the wrong type).
  bool empty_array(std::string_view key) const;
  SourcePos where(std::string_view key) const;  // the value's position, or the table's when absent
  SourcePos where() const;
  std::string path_of(std::string_view key) const;
  const std::string& path() const { return path_; }
  // Reports an error about `key` (for checks that involve several keys).
  void error(std::string_view key, std::string message);
  Diagnostics& diagnostics() { return *diag_; }

  // Reports every key of this table that no getter asked for.
  void finish();

 private:
  const void* find(std::string_view key);
  void type_error(std::string_view key, const void* node, std::string_view expected);
  void range_error(std::string_view key, std::string expected, std::string got);
  void missing(std::string_view key, std::string_view expected, Need need);

  const void* table_;
  std::string path_;
  std::string file_;
  Diagnostics* diag_;
  std::vector<std::string> known_;
};

}  // namespace ipcsim::scenario

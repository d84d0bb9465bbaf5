// ParamTable: one table binding TOML keys to the fields of a parameter struct,
// used both to read [workload] and to document it (`ipcsim list`), so the
// documentation cannot drift from what is read.
//
//   ParamTable<BroadcastParams> t;
//   t.count("slaves", &BroadcastParams::slaves, 1, 64, "slave tasks");
//   t.duration("slave_work_min", &BroadcastParams::slave_work_min, "each slave's least work per round");
//   BroadcastParams p = t.read(table);   // defaults from BroadcastParams{}
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cli/scenario/config_table.hpp"
#include "cli/scenario/driver.hpp"
#include "cli/scenario/units.hpp"

namespace ipcsim::drivers {

template <class P>
class ParamTable {
 public:
  ParamTable& count(const char* key, std::uint32_t P::*member, std::uint32_t min, std::uint32_t max,
                    const char* description) {
    const P defaults{};
    add(key, "integer " + std::to_string(min) + ".." + std::to_string(max), std::to_string(defaults.*member),
        description, [=](scenario::ConfigTable& t, P& p) {
          p.*member = static_cast<std::uint32_t>(t.integer(key, p.*member, min, max));
        });
    return *this;
  }
  ParamTable& priority(const char* key, int P::*member, const char* description) {
    const P defaults{};
    add(key, "priority 0..255", std::to_string(defaults.*member), description,
        [=](scenario::ConfigTable& t, P& p) { p.*member = static_cast<int>(t.integer(key, p.*member, 0, 255)); });
    return *this;
  }
  ParamTable& duration(const char* key, sim::Duration P::*member, const char* description) {
    using namespace std::chrono_literals;
    const P defaults{};
    add(key, "duration", "\"" + scenario::format_duration(defaults.*member) + "\"", description,
        [=](scenario::ConfigTable& t, P& p) { p.*member = t.duration(key, p.*member, 0ns, 10s); });
    return *this;
  }

  // One of a few named values (an enum): `options` pairs each name with its value.
  template <class E>
  ParamTable& choice(const char* key, E P::*member, std::vector<std::pair<std::string, E>> options,
                     const char* description) {
    const P defaults{};
    std::string type = "one of ";
    std::string default_value;
    std::vector<std::string> names;
    for (const auto& [name, value] : options) {
      type += (names.empty() ? "" : ", ") + name;
      names.push_back(name);
      if (value == defaults.*member) default_value = "\"" + name + "\"";
    }
    add(key, std::move(type), std::move(default_value), description,
        [=](scenario::ConfigTable& t, P& p) {
          std::string fallback;
          for (const auto& [name, value] : options) {
            if (value == p.*member) fallback = name;
          }
          const std::string picked = t.choice(key, names, fallback);
          for (const auto& [name, value] : options) {
            if (name == picked) p.*member = value;
          }
        });
    return *this;
  }

  P read(scenario::ConfigTable& t) const {
    P p{};
    for (const auto& f : fields_) f.read(t, p);
    return p;
  }
  // `context` prefixes each description ("broadcast: slave tasks").
  void document(std::vector<scenario::KeyDoc>& out, const std::string& key_prefix, const std::string& context) const {
    for (const auto& f : fields_) out.push_back({key_prefix + f.key, f.type, f.default_value, context + f.description});
  }

 private:
  struct Field {
    std::string key;
    std::string type;
    std::string default_value;
    std::string description;
    std::function<void(scenario::ConfigTable&, P&)> read;
  };
  void add(const char* key, std::string type, std::string default_value, const char* description,
           std::function<void(scenario::ConfigTable&, P&)> read) {
    fields_.push_back({key, std::move(type), std::move(default_value), description, std::move(read)});
  }
  std::vector<Field> fields_;
};

}  // namespace ipcsim::drivers

#include "cli/scenario/config_table.hpp"

#include <algorithm>
#include <cmath>
#include <toml++/toml.h>

#include "cli/scenario/units.hpp"
#include "sim/rng.hpp"

namespace ipcsim::scenario {
namespace {

const toml::table& as_table(const void* p) { return *static_cast<const toml::table*>(p); }
const toml::node& as_node(const void* p) { return *static_cast<const toml::node*>(p); }

SourcePos pos_of(const toml::source_region& r, const std::string& file) {
  return SourcePos{file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

// "integer 1000", "string \"fast\"", "table": what the file had instead.
std::string describe(const toml::node& n) {
  if (auto v = n.as_integer()) return "integer " + std::to_string(v->get());
  if (auto v = n.as_floating_point()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v->get());
    return std::string("number ") + buf;
  }
  if (auto v = n.as_string()) return "string \"" + v->get() + "\"";
  if (auto v = n.as_boolean()) return std::string("boolean ") + (v->get() ? "true" : "false");
  if (n.is_array_of_tables()) return "an array of tables";
  if (n.is_array()) return "an array";
  if (n.is_table()) return "a table";
  return "a date or time";
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "\"" : ", \"") + i + "\"";
  return out;
}

}  // namespace

ConfigTable::ConfigTable(const void* toml_table, std::string path, std::string file, Diagnostics& diag)
    : table_(toml_table), path_(std::move(path)), file_(std::move(file)), diag_(&diag) {}

std::string ConfigTable::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const void* ConfigTable::find(std::string_view key) {
  known_.emplace_back(key);
  return as_table(table_).get(key);
}

bool ConfigTable::has(std::string_view key) const { return as_table(table_).contains(key); }

bool ConfigTable::empty_array(std::string_view key) const {
  const toml::node* n = as_table(table_).get(key);
  return n != nullptr && n->is_array() && n->as_array()->empty();
}

SourcePos ConfigTable::where() const {
  const auto& src = as_table(table_).source();
  if (src.begin.line == 0) return SourcePos{file_, 1, 1};
  return pos_of(src, file_);
}

SourcePos ConfigTable::where(std::string_view key) const {
  if (const toml::node* n = as_table(table_).get(key)) return pos_of(n->source(), file_);
  return where();
}

void ConfigTable::error(std::string_view key, std::string message) {
  diag_->error(where(key), path_of(key), std::move(message));
}

void ConfigTable::type_error(std::string_view key, const void* node, std::string_view expected) {
  diag_->error(pos_of(as_node(node).source(), file_), path_of(key),
               "expected " + std::string(expected) + ", got " + describe(as_node(node)));
}

void ConfigTable::range_error(std::string_view key, std::string expected, std::string got) {
  diag_->error(where(key), path_of(key), "expected " + expected + ", got " + got);
}

void ConfigTable::missing(std::string_view key, std::string_view expected, Need need) {
  if (need == Need::Optional) return;
  diag_->error(where(), path_of(key), "missing required key (expected " + std::string(expected) + ")");
}

std::int64_t ConfigTable::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max,
                                  Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  const std::string expected = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (n == nullptr) {
    missing(key, expected, need);
    return fallback;
  }
  const auto* v = n->as_integer();
  if (v == nullptr) {
    type_error(key, n, expected);
    return fallback;
  }
  if (v->get() < min || v->get() > max) {
    range_error(key, expected, std::to_string(v->get()));
    return fallback;
  }
  return v->get();
}

double ConfigTable::number(std::string_view key, double fallback, double min, double max, Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  char expected_buf[96];
  std::snprintf(expected_buf, sizeof expected_buf, "a number from %g to %g", min, max);
  const std::string expected = expected_buf;
  if (n == nullptr) {
    missing(key, expected, need);
    return fallback;
  }
  double value = 0;
  if (const auto* f = n->as_floating_point()) {
    value = f->get();
  } else if (const auto* i = n->as_integer()) {
    value = static_cast<double>(i->get());
  } else {
    type_error(key, n, expected);
    return fallback;
  }
  if (!(value >= min && value <= max)) {
    range_error(key, expected, describe(*n));
    return fallback;
  }
  return value;
}

std::uint32_t ConfigTable::probability_ppm(std::string_view key, double fallback, Need need) {
  const double p = number(key, fallback, 0.0, 1.0, need);
  return static_cast<std::uint32_t>(std::llround(p * sim::kPpmOne));
}

sim::Duration ConfigTable::duration(std::string_view key, sim::Duration fallback, sim::Duration min,
                                    sim::Duration max, Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  const std::string expected = "a duration with a unit such as \"1us\" (ns, us, ms, s)";
  if (n == nullptr) {
    missing(key, expected, need);
    return fallback;
  }
  const auto* s = n->as_string();
  std::optional<sim::Duration> d;
  QuantityError why = QuantityError::Malformed;
  if (s != nullptr) d = parse_duration(s->get(), &why);
  const std::string range = "a duration from " + format_duration(min) + " to " + format_duration(max);
  if (why == QuantityError::TooLarge) {
    range_error(key, range, "\"" + s->get() + "\"");
    return fallback;
  }
  if (!d) {
    type_error(key, n, expected);
    return fallback;
  }
  if (*d < min || *d > max) {
    range_error(key, range, "\"" + s->get() + "\"");
    return fallback;
  }
  return *d;
}

std::uint64_t ConfigTable::bytes(std::string_view key, std::uint64_t fallback, std::uint64_t min, std::uint64_t max,
                                 Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  const std::string range = "a size from " + format_size(min) + " to " + format_size(max);
  const std::string expected =
      range + " (a number of bytes, or a string with a unit B, KiB, MiB, GiB or TiB such as \"64KiB\")";
  if (n == nullptr) {
    missing(key, expected, need);
    return fallback;
  }
  // Too large for 64 bits, or negative: out of range, not unreadable.
  std::optional<std::uint64_t> b;
  bool out_of_range = false;
  if (const auto* i = n->as_integer()) {
    if (i->get() >= 0) b = static_cast<std::uint64_t>(i->get());
    out_of_range = i->get() < 0;
  }
  if (const auto* s = n->as_string()) {
    QuantityError why = QuantityError::None;
    b = parse_size(s->get(), &why);
    out_of_range = why == QuantityError::TooLarge;
  }
  if (out_of_range || (b && (*b < min || *b > max))) {
    range_error(key, range, describe(*n));
    return fallback;
  }
  if (!b) {
    type_error(key, n, expected);
    return fallback;
  }
  return *b;
}

std::string ConfigTable::string(std::string_view key, std::string fallback, Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  if (n == nullptr) {
    missing(key, "a string", need);
    return fallback;
  }
  const auto* s = n->as_string();
  if (s == nullptr) {
    type_error(key, n, "a string");
    return fallback;
  }
  return s->get();
}

std::string ConfigTable::choice(std::string_view key, const std::vector<std::string>& options, std::string fallback,
                                Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  const std::string expected = "one of " + quoted_list(options);
  if (n == nullptr) {
    missing(key, expected, need);
    return fallback;
  }
  const auto* s = n->as_string();
  if (s == nullptr) {
    type_error(key, n, expected);
    return fallback;
  }
  if (std::find(options.begin(), options.end(), s->get()) != options.end()) return s->get();
  std::string message = "expected " + expected + ", got \"" + s->get() + "\"";
  const std::string guess = closest_match(s->get(), options);
  if (!guess.empty()) message += " (did you mean \"" + guess + "\"?)";
  diag_->error(pos_of(n->source(), file_), path_of(key), message);
  return fallback;
}

bool ConfigTable::boolean(std::string_view key, bool fallback, Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  if (n == nullptr) {
    missing(key, "true or false", need);
    return fallback;
  }
  const auto* b = n->as_boolean();
  if (b == nullptr) {
    type_error(key, n, "true or false");
    return fallback;
  }
  return b->get();
}

std::vector<std::string> ConfigTable::strings(std::string_view key, Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  if (n == nullptr) {
    missing(key, "an array of strings", need);
    return {};
  }
  const auto* a = n->as_array();
  if (a == nullptr) {
    type_error(key, n, "an array of strings");
    return {};
  }
  std::vector<std::string> out;
  for (const toml::node& e : *a) {
    if (const auto* s = e.as_string()) {
      out.push_back(s->get());
    } else {
      diag_->error(pos_of(e.source(), file_), path_of(key), "expected an array of strings, got " + describe(e) + " in it");
      return {};
    }
  }
  return out;
}

std::vector<std::vector<std::string>> ConfigTable::string_groups(std::string_view key, Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  const std::string expected = "an array of arrays of strings, such as [[\"cpu0\"], [\"cpu1\"]]";
  if (n == nullptr) {
    missing(key, expected, need);
    return {};
  }
  const auto* a = n->as_array();
  if (a == nullptr) {
    type_error(key, n, expected);
    return {};
  }
  std::vector<std::vector<std::string>> out;
  for (const toml::node& g : *a) {
    const auto* inner = g.as_array();
    if (inner == nullptr) {
      diag_->error(pos_of(g.source(), file_), path_of(key), "expected " + expected + ", got " + describe(g) + " in it");
      return {};
    }
    auto& group = out.emplace_back();
    for (const toml::node& e : *inner) {
      const auto* s = e.as_string();
      if (s == nullptr) {
        diag_->error(pos_of(e.source(), file_), path_of(key), "expected " + expected + ", got " + describe(e) + " in it");
        return {};
      }
      group.push_back(s->get());
    }
  }
  return out;
}

std::optional<ConfigTable> ConfigTable::table(std::string_view key, Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  if (n == nullptr) {
    missing(key, "a table", need);
    return std::nullopt;
  }
  const auto* t = n->as_table();
  if (t == nullptr) {
    type_error(key, n, "a table");
    return std::nullopt;
  }
  return ConfigTable(t, path_of(key), file_, *diag_);
}

std::vector<ConfigTable> ConfigTable::tables(std::string_view key, Need need) {
  const auto* n = static_cast<const toml::node*>(find(key));
  const std::string expected = "an array of tables ([[" + std::string(key) + "]])";
  if (n == nullptr) {
    missing(key, expected, need);
    return {};
  }
  const auto* a = n->as_array();
  if (a == nullptr || !a->is_array_of_tables()) {
    type_error(key, n, expected);
    return {};
  }
  std::vector<ConfigTable> out;
  std::size_t i = 0;
  for (const toml::node& e : *a) {
    out.emplace_back(e.as_table(), path_of(key) + "[" + std::to_string(i++) + "]", file_, *diag_);
  }
  return out;
}

std::optional<std::size_t> ConfigTable::reference(std::string_view key, const std::string& name,
                                                  const std::vector<std::string>& known, std::string_view what) {
  auto it = std::find(known.begin(), known.end(), name);
  if (it != known.end()) return static_cast<std::size_t>(it - known.begin());
  std::string message = "unknown " + std::string(what) + " \"" + name + "\"";
  const std::string guess = closest_match(name, known);
  if (!guess.empty()) {
    message += " (did you mean \"" + guess + "\"?)";
  } else if (known.empty()) {
    message += " (none is defined)";
  } else {
    message += " (expected one of " + quoted_list(known) + ")";
  }
  error(key, message);
  return std::nullopt;
}

void ConfigTable::finish() {
  const toml::table& t = as_table(table_);
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string message = "unknown key";
    const std::string guess = closest_match(key, known_);
    if (!guess.empty()) {
      message += " (did you mean \"" + guess + "\"?)";
    } else if (!known_.empty()) {
      std::vector<std::string> sorted = known_;
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      message += " (expected one of " + quoted_list(sorted) + ")";
    }
    diag_->error(pos_of(k.source(), file_), path_of(key), message);
  }
}

}  // namespace ipcsim::scenario

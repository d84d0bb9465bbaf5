#include "cli/scenario/counterexample.hpp"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ipcsim::scenario {
namespace {

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Line and column of a byte offset in `text`.
SourcePos position_of(const std::string& text, std::size_t offset, const std::string& path) {
  SourcePos p{path, 1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

// Where `"key"` first appears, for errors about a key's value (JSON values carry no positions).
SourcePos position_of_key(const std::string& text, const std::string& key, const std::string& path) {
  const std::size_t at = text.find("\"" + key + "\"");
  return at == std::string::npos ? SourcePos{path, 1, 1} : position_of(text, at, path);
}

}  // namespace

std::string format_counterexample(const Counterexample& c) {
  nlohmann::ordered_json j;
  j["format"] = "ipcsim-counterexample";
  j["version"] = 1;
  j["scenario"] = c.scenario_path;
  j["scenario_hash"] = hex64(c.scenario_hash);
  j["seed"] = c.seed;
  j["max_faults"] = c.max_faults ? nlohmann::ordered_json(*c.max_faults) : nlohmann::ordered_json(nullptr);
  j["property"] = c.property;
  j["message"] = c.message;
  j["found_by"] = c.found_by;
  j["choices"] = sim::format_choices(c.choices);
  j["original_choices"] = sim::format_choices(c.original_choices);
  return j.dump(2) + "\n";
}

bool write_counterexample(const Counterexample& c, const std::string& path, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    error = "cannot write \"" + path + "\"";
    return false;
  }
  out << format_counterexample(c);
  return static_cast<bool>(out);
}

std::optional<Counterexample> parse_counterexample(const std::string& text, const std::string& path,
                                                   Diagnostics& diag) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    diag.error(position_of(text, e.byte == 0 ? 0 : e.byte - 1, path), "", std::string("JSON syntax: ") + e.what());
    return std::nullopt;
  }
  if (!j.is_object()) {
    diag.error(SourcePos{path, 1, 1}, "", "expected a JSON object (an ipcsim counterexample)");
    return std::nullopt;
  }
  const auto bad = [&](const std::string& key, const std::string& message) {
    diag.error(position_of_key(text, key, path), key, message);
  };
  const auto get_string = [&](const std::string& key, bool required) -> std::string {
    if (!j.contains(key)) {
      if (required) diag.error(SourcePos{path, 1, 1}, key, "missing required key (expected a string)");
      return "";
    }
    if (!j[key].is_string()) {
      bad(key, "expected a string, got " + std::string(j[key].type_name()));
      return "";
    }
    return j[key].get<std::string>();
  };
  Counterexample c;
  if (get_string("format", true) != "ipcsim-counterexample" && j.contains("format")) {
    bad("format", "expected \"ipcsim-counterexample\"");
  }
  if (!j.contains("version") || j["version"] != 1) bad("version", "expected version 1");
  c.scenario_path = get_string("scenario", true);
  const std::string hash = get_string("scenario_hash", true);
  if (!hash.empty()) {
    char* end = nullptr;
    c.scenario_hash = std::strtoull(hash.c_str(), &end, 16);
    if (hash.size() != 16 || *end != '\0') bad("scenario_hash", "expected 16 hexadecimal digits");
  }
  if (!j.contains("seed") || !j["seed"].is_number_unsigned()) {
    bad("seed", "expected a non-negative integer");
  } else {
    c.seed = j["seed"].get<std::uint64_t>();
  }
  if (j.contains("max_faults") && !j["max_faults"].is_null()) {
    // get<std::uint32_t>() would silently keep the low 32 bits of a larger number.
    if (!j["max_faults"].is_number_unsigned() || j["max_faults"].get<std::uint64_t>() > UINT32_MAX) {
      bad("max_faults", "expected an integer from 0 to " + std::to_string(UINT32_MAX) + ", or null");
    } else {
      c.max_faults = j["max_faults"].get<std::uint32_t>();
    }
  }
  c.property = get_string("property", true);
  c.message = get_string("message", false);
  c.found_by = get_string("found_by", false);
  for (const auto& [key, out] : {std::pair<std::string, sim::ChoiceList*>{"choices", &c.choices},
                                 std::pair<std::string, sim::ChoiceList*>{"original_choices", &c.original_choices}}) {
    const std::string list = get_string(key, key == "choices");
    sim::ChoiceParseError err;
    if (!sim::parse_choices(list, *out, err)) {
      bad(key, "expected " + err.expected + " at character " + std::to_string(err.column) + " of the choice list");
    }
  }
  for (const auto& [k, v] : j.items()) {
    static const char* known[] = {"format",   "version", "scenario", "scenario_hash", "seed",
                                  "max_faults", "property", "message", "found_by", "choices", "original_choices"};
    bool ok = false;
    for (const char* n : known) ok = ok || k == n;
    if (!ok) bad(k, "unknown key");
  }
  if (!diag.ok()) return std::nullopt;
  return c;
}

std::optional<Counterexample> load_counterexample(const std::string& path, Diagnostics& diag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diag.error(SourcePos{path, 0, 0}, "", "cannot open the file");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_counterexample(text.str(), path, diag);
}

}  // namespace ipcsim::scenario

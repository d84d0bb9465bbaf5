#include "cli/scenario/counterexample.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/scenario/scenario.hpp"
#include "sim/check.hpp"

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

// Where each key of the top-level object starts (the first time it appears).
// JSON values carry no positions, and a plain search for "\"seed\"" could land
// inside scenario_text or a message; this scan knows strings and nesting.
std::map<std::string, std::size_t> top_level_keys(const std::string& text) {
  std::map<std::string, std::size_t> out;
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == '"') {
      const std::size_t start = i;
      std::string s;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;  // the escaped character cannot end the string
        if (i < text.size()) s += text[i];
      }
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r')) ++j;
      if (depth == 1 && j < text.size() && text[j] == ':') out.emplace(s, start);
    }
  }
  return out;
}

}  // namespace

std::string format_counterexample(const Counterexample& c) {
  IPCSIM_ASSERT_MSG(c.scenario_text.has_value(), "a counterexample is written with its scenario's text");
  nlohmann::ordered_json j;
  j["format"] = "ipcsim-counterexample";
  j["version"] = kCounterexampleVersion;
  j["scenario"] = c.scenario_path;
  j["scenario_hash"] = hex64(fnv1a(*c.scenario_text));
  j["seed"] = c.seed;
  j["max_faults"] = c.max_faults ? nlohmann::ordered_json(*c.max_faults) : nlohmann::ordered_json(nullptr);
  j["property"] = c.property;
  j["message"] = c.message;
  j["found_by"] = c.found_by;
  j["choices"] = sim::format_choices(c.choices);
  j["original_choices"] = sim::format_choices(c.original_choices);
  j["scenario_text"] = *c.scenario_text;  // last: the long one
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
                                                   Diagnostics& diag, bool scenario_given) {
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
  const std::map<std::string, std::size_t> keys = top_level_keys(text);
  const auto where = [&](const std::string& key) {
    auto it = keys.find(key);
    return it == keys.end() ? SourcePos{path, 1, 1} : position_of(text, it->second, path);
  };
  const auto bad = [&](const std::string& key, const std::string& message) { diag.error(where(key), key, message); };
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
  if (j.contains("version") && (j["version"] == 1 || j["version"] == kCounterexampleVersion)) {
    c.version = j["version"].get<int>();
  } else {
    bad("version", "expected version 1 or " + std::to_string(kCounterexampleVersion) +
                       " (this ipcsim reads no other; a newer file needs a newer ipcsim)");
  }
  c.scenario_path = get_string("scenario", true);
  const std::string hash = get_string("scenario_hash", true);
  bool hash_ok = false;
  if (!hash.empty()) {
    char* end = nullptr;
    c.scenario_hash = std::strtoull(hash.c_str(), &end, 16);
    hash_ok = hash.size() == 16 && *end == '\0';
    if (!hash_ok) bad("scenario_hash", "expected 16 hexadecimal digits");
  }
  if (c.version >= 2 || j.contains("scenario_text")) {
    const std::string scenario_text = get_string("scenario_text", true);
    if (j.contains("scenario_text") && j["scenario_text"].is_string()) {
      c.scenario_text = scenario_text;
      // Anything else in the file may be edited by hand; the scenario may not
      // be, unnoticed: a replay would show a run of some other scenario.
      if (hash_ok && fnv1a(scenario_text) != c.scenario_hash) {
        bad("scenario_hash", "the embedded scenario_text hashes to " + hex64(fnv1a(scenario_text)) +
                                 ", not " + hash + ": it was changed after the counterexample was recorded");
      }
    }
  }
  if (!c.scenario_text && c.version == 1 && !scenario_given && hash_ok) {
    bad("version", "a version 1 counterexample does not carry its scenario: replay it against the scenario file it "
                   "was recorded from (\"" + c.scenario_path + "\", hash " + hash +
                   ") with --scenario PATH, or record it again with fuzz or check");
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
    static const char* known[] = {"format",   "version",  "scenario", "scenario_hash", "scenario_text",   "seed",
                                  "max_faults", "property", "message", "found_by",     "choices", "original_choices"};
    bool ok = false;
    for (const char* n : known) ok = ok || k == n;
    if (!ok) bad(k, "unknown key");
  }
  if (!diag.ok()) return std::nullopt;
  return c;
}

std::optional<Counterexample> load_counterexample(const std::string& path, Diagnostics& diag, bool scenario_given) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diag.error(SourcePos{path, 0, 0}, "", "cannot open the file");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_counterexample(text.str(), path, diag, scenario_given);
}

}  // namespace ipcsim::scenario

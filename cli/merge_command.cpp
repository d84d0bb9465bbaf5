#include "cli/merge_command.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "cli/check_command.hpp"
#include "cli/command_support.hpp"
#include "cli/output_files.hpp"
#include "cli/scenario/fuzz.hpp"
#include "cli/shard_results.hpp"

namespace ipcsim::cli {
namespace {

using Json = nlohmann::ordered_json;

// Bad input: the message names the file (and the key), exit code 2.
struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ShardFile {
  std::string path;
  Json j;
  unsigned index = 0;
};

// "line:column" of a byte offset, for parse errors.
std::string position(const std::string& text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

ShardFile load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Refused(path + ": error: cannot open the file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  ShardFile f;
  f.path = path;
  try {
    f.j = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Refused(path + ":" + position(text, e.byte == 0 ? 0 : e.byte - 1) + ": error: not JSON: " + e.what());
  }
  auto need = [&](const char* key) -> const Json& {
    if (!f.j.is_object() || !f.j.contains(key)) {
      throw Refused(path + ": error: \"" + key + "\" is missing: expected an ipcsim shard file (written by fuzz or "
                    "check --out)");
    }
    return f.j.at(key);
  };
  if (need("format") != kShardFormat) {
    throw Refused(path + ": error: \"format\": expected \"" + kShardFormat + "\", got " + need("format").dump());
  }
  if (need("version") != kShardVersion) {
    throw Refused(path + ": error: \"version\": expected " + std::to_string(kShardVersion) + ", got " +
                  need("version").dump());
  }
  const Json& kind = need("kind");
  if (kind != "check" && kind != "fuzz") {
    throw Refused(path + ": error: \"kind\": expected \"check\" or \"fuzz\", got " + kind.dump());
  }
  need("scenario_hash");
  need("options");
  const Json& shard = need("shard");
  try {
    f.index = shard.at("index").get<unsigned>();
    const unsigned count = shard.at("count").get<unsigned>();
    if (f.index < 1 || f.index > count) throw Refused("");
  } catch (const std::exception&) {
    throw Refused(path + ": error: \"shard\": expected {\"index\": I, \"count\": K} with 1 <= I <= K, got " +
                  shard.dump());
  }
  return f;
}

// Every file of one campaign: same kind, scenario, shard count, split and
// options; each shard once. Returns them in shard order.
std::vector<ShardFile> gather(const std::vector<std::string>& paths) {
  std::vector<ShardFile> files;
  for (const std::string& p : paths) files.push_back(load(p));
  const ShardFile& first = files.front();
  for (const ShardFile& f : files) {
    for (const char* key : {"kind", "scenario_hash", "options"}) {
      if (f.j.at(key) != first.j.at(key)) {
        std::string detail;
        if (f.j.at(key).is_object()) {
          for (const auto& [k, v] : first.j.at(key).items()) {
            if (!f.j.at(key).contains(k) || f.j.at(key).at(k) != v) {
              detail = " (\"" + k + "\": " + (f.j.at(key).contains(k) ? f.j.at(key).at(k).dump() : "absent") +
                       " there, " + v.dump() + " here)";
              break;
            }
          }
        } else {
          detail = " (" + f.j.at(key).dump() + " there, " + first.j.at(key).dump() + " here)";
        }
        throw Refused(f.path + ": error: \"" + key + "\" differs from " + first.path + detail +
                      ": shards of one campaign must agree");
      }
    }
    for (const char* key : {"count", "split_depth"}) {
      if (f.j.at("shard").value(key, Json()) != first.j.at("shard").value(key, Json())) {
        throw Refused(f.path + ": error: \"shard\": \"" + key + "\" is " + f.j.at("shard").value(key, Json()).dump() +
                      ", but " + first.path + " has " + first.j.at("shard").value(key, Json()).dump());
      }
    }
  }
  const unsigned count = first.j.at("shard").at("count").get<unsigned>();
  std::map<unsigned, const ShardFile*> by_index;
  for (const ShardFile& f : files) {
    auto [it, fresh] = by_index.emplace(f.index, &f);
    if (!fresh) {
      throw Refused("shard " + std::to_string(f.index) + "/" + std::to_string(count) + " is given twice: " +
                    it->second->path + " and " + f.path);
    }
  }
  std::string missing;
  for (unsigned i = 1; i <= count; ++i) {
    if (by_index.count(i) == 0) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
  }
  if (!missing.empty()) {
    throw Refused("shard" + std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing +
                  (missing.find(',') == std::string::npos ? " is" : " are") + " missing (" +
                  std::to_string(files.size()) + " of " + std::to_string(count) + " files given)");
  }
  std::vector<ShardFile> ordered;
  for (const auto& [i, f] : by_index) ordered.push_back(*f);
  return ordered;
}

bool write_text(const std::string& path, const std::string& text) { return write_files({{path, text}}, "merge"); }

// ---- check ----

int merge_check(const std::vector<ShardFile>& files, const MergeArgs& a) {
  const Json& first = files.front().j;
  const std::string expect = first.at("expect").get<std::string>();
  const std::uint64_t seed = first.at("options").at("seed").get<std::uint64_t>();
  std::vector<explore::ExploreReport> parts;
  for (const ShardFile& f : files) {
    explore::ExploreReport r;
    try {
      r = report_from_json(f.j.at("report"));
      if (!f.j.at("counterexample").is_null()) r.counterexample = counterexample_from_json(f.j.at("counterexample"), seed);
    } catch (const std::exception& e) {
      throw Refused(f.path + ": error: " + e.what());
    }
    // Shards that walked the whole prefix tree saw the same subtrees (one that
    // stopped at a violation or a budget saw fewer).
    if (!parts.empty() && r.end == explore::SearchEnd::Exhausted && parts.front().end == explore::SearchEnd::Exhausted &&
        r.units_total != parts.front().units_total) {
      throw Refused(f.path + ": error: its shard saw " + std::to_string(r.units_total) + " subtrees, " +
                    files.front().path + " saw " + std::to_string(parts.front().units_total) +
                    ": the shards walked different trees (another version of ipcsim, or a nondeterministic "
                    "scenario)");
    }
    parts.push_back(std::move(r));
  }
  const MergedReport merged = merge_reports(parts, first.at("options").at("shortest").get<bool>());
  explore::ExploreReport m = merged.report;
  const std::uint64_t skipped_runs = m.skipped_runs;
  m.skipped_runs = 0;
  m.skipped_transitions = 0;
  const ShardFile* cex_from = merged.counterexample_from ? &files[*merged.counterexample_from] : nullptr;
  const Json* c = cex_from != nullptr ? &cex_from->j.at("counterexample") : nullptr;
  std::string cex_path;
  const CheckVerdict v = check_verdict(m, expect);
  if (c != nullptr) {
    cex_path = a.out_dir + "/" + first.at("scenario").get<std::string>() + "-check.cex.json";
    if (!write_text(cex_path, c->at("file_text").get<std::string>())) return kExitBadInput;
  }
  const unsigned count = first.at("shard").at("count").get<unsigned>();
  const unsigned split = first.at("shard").value("split_depth", 0u);
  if (a.json) {
    Json j;
    j["kind"] = "check";
    j["scenario"] = first.at("scenario");
    j["file"] = first.at("file");
    j["expected"] = expect;
    // What the unsharded search (same split depth) reports: comparable as a whole.
    Json search = report_to_json(m);
    search.erase("skipped_runs");
    search.erase("skipped_transitions");
    search.erase("units_explored");
    j["search"] = search;
    j["shards"] = {{"count", count}, {"split_depth", split}, {"skipped_runs", skipped_runs}};
    j["files"] = Json::array();
    for (const ShardFile& f : files) j["files"].push_back(f.path);
    j["budget_hit"] = m.budget_hits();
    j["assumptions"] = m.assumptions();
    if (c != nullptr) {
      j["counterexample"] = {{"property", v.found},
                             {"message", m.counterexample->message},
                             {"choices", m.counterexample->choices.size()},
                             {"unit", m.counterexample->unit},
                             {"replay_reproduces", m.counterexample->replay_reproduces},
                             {"file", cex_path},
                             {"shard", cex_from->index},
                             {"shard_execution", m.counterexample->execution}};
    } else {
      j["counterexample"] = nullptr;
    }
    j["outcome"] = v.outcome;
    j["as_expected"] = v.outcome == "inconclusive" ? Json(nullptr) : Json(v.as_expected);
    j["exit_code"] = v.exit_code;
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print("merge: check of {} from {} shard(s), split depth {}\n", first.at("scenario").get<std::string>(),
               count, split);
    std::cout << m.summary();
    if (c != nullptr) {
      fmt::print("counterexample: {} (found by shard {}/{}, in its run {}; subtree {}): {}  (ipcsim replay {})\n",
                 cex_path, cex_from->index, count, m.counterexample->execution, m.counterexample->unit, v.found,
                 cex_path);
    }
    if (v.outcome == "inconclusive") {
      fmt::print("expected {}, got no violation in {} executions, but the search was cut short: INCONCLUSIVE\n", expect,
                 m.executions);
    } else {
      fmt::print("expected {}, got {}: {}\n", expect, v.found.empty() ? "pass" : v.found,
                 v.as_expected ? "as expected" : "NOT as expected");
    }
  }
  return v.exit_code;
}

// ---- fuzz ----

int merge_fuzz(const std::vector<ShardFile>& files, const MergeArgs& a) {
  const Json& first = files.front().j;
  const std::string expect = first.at("expect").get<std::string>();
  const bool keep_going = first.at("options").at("keep_going").get<bool>();
  std::vector<const Json*> findings;
  std::uint64_t runs = 0, planned = 0;
  for (const ShardFile& f : files) {
    runs += f.j.at("runs").get<std::uint64_t>();
    planned += f.j.at("runs_planned").get<std::uint64_t>();
    for (const Json& x : f.j.at("findings")) findings.push_back(&x);
  }
  std::sort(findings.begin(), findings.end(),
            [](const Json* x, const Json* y) { return x->at("run").get<std::uint64_t>() < y->at("run").get<std::uint64_t>(); });
  // Unsharded, the campaign stops at its lowest finding: every run before it
  // was run by some shard (each went on to its own first finding or its end).
  if (!keep_going && !findings.empty()) {
    findings.resize(1);
    runs = findings.front()->at("run").get<std::uint64_t>() + 1;
  }
  scenario::FuzzResult r;
  r.runs_done = runs;
  r.runs_planned = planned;
  for (const Json* x : findings) {
    scenario::FuzzFinding f;
    f.run_index = x->at("run").get<std::uint64_t>();
    f.property = x->at("property").get<std::string>();
    r.findings.push_back(std::move(f));
  }
  scenario::judge_fuzz(r, expect);
  const std::string name = first.at("scenario").get<std::string>();
  Json j;
  j["scenario"] = first.at("scenario");
  j["file"] = first.at("file");
  j["first_seed"] = first.at("options").at("first_seed");
  j["shards"] = first.at("shard").at("count");
  j["policy"] = first.at("options").at("policy");
  if (j["policy"] == "pct") j["depth"] = first.at("options").at("depth");
  j["runs_planned"] = planned;
  j["runs"] = runs;
  j["findings"] = Json::array();
  for (const Json* x : findings) {
    const std::string path = a.out_dir + "/" + name + "-seed" + std::to_string(x->at("seed").get<std::uint64_t>()) +
                             ".cex.json";
    if (!write_text(path, x->at("file_text").get<std::string>())) return kExitBadInput;
    Json y = *x;
    y.erase("file_text");
    y["counterexample"] = path;
    j["findings"].push_back(y);
  }
  j["as_expected"] = r.as_expected;
  j["verdict"] = r.verdict;
  if (a.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print("merge: fuzz of {} from {} shard(s): {} runs from seed {}\n", name, files.size(), planned,
               j["first_seed"].get<std::uint64_t>());
    for (const Json& x : j["findings"]) {
      fmt::print("found: run {} (seed {}) violates {}: {}\n", x.at("run").get<std::uint64_t>(),
                 x.at("seed").get<std::uint64_t>(), x.at("property").get<std::string>(),
                 x.at("message").get<std::string>());
      fmt::print("  counterexample: {}  (ipcsim replay {})\n", x.at("counterexample").get<std::string>(),
                 x.at("counterexample").get<std::string>());
    }
    fmt::print("result: {} ({} runs): {}\n", r.verdict, runs, r.as_expected ? "as expected" : "NOT as expected");
  }
  return r.as_expected ? kExitOk : kExitMismatch;
}

}  // namespace

int merge_command(const MergeArgs& a) {
  try {
    if (!check_writable_dir("merge", "--out-dir", a.out_dir)) return kExitBadInput;
    const std::vector<ShardFile> files = gather(a.files);
    if (files.front().j.at("kind") == "check") return merge_check(files, a);
    return merge_fuzz(files, a);
  } catch (const Refused& e) {
    std::cerr << "ipcsim merge: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "ipcsim merge: a shard file lacks a key or has one of the wrong type: " << e.what() << "\n";
    return kExitBadInput;
  }
}

}  // namespace ipcsim::cli

#include "cli/shard_selection.hpp"

#include <cstdlib>

namespace ipcsim::cli {
namespace {

constexpr unsigned long kMaxShards = 100000;

std::optional<unsigned long> whole(const std::string& text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::stoul(text);
}

}  // namespace

std::optional<ShardChoice> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const auto i = whole(text.substr(0, slash));
  const auto k = whole(text.substr(slash + 1));
  if (!i || !k || *i < 1 || *k < 1 || *i > *k || *k > kMaxShards) return std::nullopt;
  return ShardChoice{static_cast<unsigned>(*i), static_cast<unsigned>(*k), "--shard"};
}

std::optional<ShardChoice> select_shard(const std::string& flag, const GetEnv& getenv, std::string& error) {
  if (!flag.empty()) {
    auto s = parse_shard(flag);
    if (!s) error = "--shard: expected I/K with 1 <= I <= K <= 100000, got \"" + flag + "\"";
    return s;
  }
  auto var = [&](const char* name) -> std::optional<std::string> {
    const char* v = getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
  // index0: 0-based index; count: the number of shards.
  auto from = [&](const char* index_name, const char* count_name, const std::string& index_text,
                  const std::optional<std::string>& count_text, unsigned long first) -> std::optional<ShardChoice> {
    const std::string engine = std::string(index_name) + " is set";
    if (!count_text) {
      error = engine + " but " + count_name + " is not: set it to the number of shards, or give --shard I/K";
      return std::nullopt;
    }
    const auto i = whole(index_text);
    const auto k = whole(*count_text);
    if (!i || *i < first) {
      error = std::string(index_name) + ": expected a whole number" + (first > 0 ? " from " + std::to_string(first) : "") +
              ", got \"" + index_text + "\"";
      return std::nullopt;
    }
    if (!k || *k < 1 || *k > kMaxShards) {
      error = std::string(count_name) + ": expected a whole number from 1 to 100000, got \"" + *count_text + "\"";
      return std::nullopt;
    }
    const unsigned long index0 = *i - first;
    if (index0 >= *k) {
      error = std::string(index_name) + " = " + index_text + " is past the last of " + *count_text + " shards (" +
              count_name + ")";
      return std::nullopt;
    }
    return ShardChoice{static_cast<unsigned>(index0 + 1), static_cast<unsigned>(*k),
                       std::string(index_name) + "/" + count_name};
  };
  if (auto i = var("JOB_COMPLETION_INDEX")) return from("JOB_COMPLETION_INDEX", "JOB_COMPLETIONS", *i, var("JOB_COMPLETIONS"), 0);
  if (auto i = var("SLURM_ARRAY_TASK_ID")) {
    unsigned long first = 0;
    if (auto m = var("SLURM_ARRAY_TASK_MIN")) {
      const auto v = whole(*m);
      if (!v) {
        error = "SLURM_ARRAY_TASK_MIN: expected a whole number, got \"" + *m + "\"";
        return std::nullopt;
      }
      first = *v;
    }
    return from("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", *i, var("SLURM_ARRAY_TASK_COUNT"), first);
  }
  return ShardChoice{1, 1, ""};
}

std::optional<ShardChoice> select_shard(const std::string& flag, std::string& error) {
  return select_shard(flag, [](const char* name) { return std::getenv(name); }, error);
}

}  // namespace ipcsim::cli

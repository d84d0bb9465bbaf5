#include "cli/scenario/diagnostics.hpp"

#include <algorithm>

namespace ipcsim::scenario {

void Diagnostics::error(SourcePos at, std::string key, std::string message) {
  if (errors_.size() >= kMaxErrors) {
    ++dropped_;
    return;
  }
  errors_.push_back(Diagnostic{std::move(at), std::move(key), std::move(message)});
}

std::string Diagnostics::format() const {
  // In file order, whatever order the checks ran in.
  std::vector<Diagnostic> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.at.file != b.at.file) return false;
    return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.column < b.at.column;
  });
  std::string out;
  for (const Diagnostic& d : sorted) {
    out += d.at.file;
    if (d.at.line > 0) out += ":" + std::to_string(d.at.line) + ":" + std::to_string(d.at.column);
    out += ": error: ";
    if (!d.key.empty()) out += d.key + ": ";
    out += d.message;
    out += '\n';
  }
  if (dropped_ > 0) out += "(" + std::to_string(dropped_) + " more errors not shown)\n";
  return out;
}

namespace {
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (!best.empty() || word.size() < 3) return best;
  // A truncated or extended name ("queue" for "queue_limit") is a typo too,
  // when it points at exactly one candidate.
  std::string prefix_match;
  for (const std::string& c : candidates) {
    const bool related = c.compare(0, word.size(), word) == 0 || word.compare(0, c.size(), c) == 0;
    if (!related) continue;
    if (!prefix_match.empty() && prefix_match != c) return "";
    prefix_match = c;
  }
  return prefix_match;
}

}  // namespace ipcsim::scenario

// Diagnostics: errors in input files, each with file:line:column, the key at
// fault and what was expected.
//
//   scenarios/rtos/x.toml:12:11: error: bus[0].latency: expected a duration with a unit such as "1us", got integer 1000
//
// Loading collects every error it can find before giving up, so that a user
// fixes a file in one pass; nothing runs on a file with any error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ipcsim::scenario {

struct SourcePos {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

struct Diagnostic {
  SourcePos at;
  std::string key;  // "bus[0].latency"; empty for syntax errors
  std::string message;
};

class Diagnostics {
 public:
  // The limit keeps a badly broken file from flooding the terminal.
  static constexpr std::size_t kMaxErrors = 20;

  void error(SourcePos at, std::string key, std::string message);
  bool ok() const { return errors_.empty(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  // One line per error, "file:line:column: error: key: message\n".
  std::string format() const;

 private:
  std::vector<Diagnostic> errors_;
  std::size_t dropped_ = 0;
};

// The closest of `candidates` to `word`, or "" when none is close enough to be a
// plausible typo: edit distance at most max(2, |word|/3), or else the only
// candidate that extends `word` (or that `word` extends).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace ipcsim::scenario

// The progress line of a long fuzz or check, on stderr: work done, the rate,
// the estimated total and the time left. Shown only when stderr is a terminal
// or --progress asks for it; it reads the wall clock, so it never goes to
// stdout (which stays a pure function of the inputs). On a terminal it
// redraws one line at most ten times a second; elsewhere (a log file, a
// cluster job's output) it prints a line at most every two seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ipcsim::cli {

class ProgressLine {
 public:
  // `what`: "executions", "runs".
  ProgressLine(std::string verb, std::string what, bool forced);
  bool enabled() const { return enabled_; }
  // `estimated_total`: 0 when unknown. `note`: appended as is ("2 findings").
  void update(std::uint64_t done, double estimated_total, const std::string& note = "");
  // Ends the line on a terminal.
  void end();

  // "12.3 k", "4.5 M": a count for people.
  static std::string count_text(double n);
  // "45 s", "12 min", "3.1 h".
  static std::string duration_text(double seconds);

 private:
  std::string verb_;
  std::string what_;
  bool enabled_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace ipcsim::cli

#include "cli/progress_line.hpp"

#include <fmt/core.h>
#include <unistd.h>

namespace ipcsim::cli {

ProgressLine::ProgressLine(std::string verb, std::string what, bool forced)
    : verb_(std::move(verb)),
      what_(std::move(what)),
      enabled_(forced || ::isatty(STDERR_FILENO) == 1),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}  // last_ at the epoch: the first update shows

std::string ProgressLine::count_text(double n) {
  if (n < 10'000) return fmt::format("{:.0f}", n);
  if (n < 10'000'000) return fmt::format("{:.1f} k", n / 1e3);
  if (n < 10'000'000'000.0) return fmt::format("{:.1f} M", n / 1e6);
  return fmt::format("{:.2g}", n);
}

std::string ProgressLine::duration_text(double s) {
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 7200) return fmt::format("{:.0f} min", s / 60);
  if (s < 48 * 3600) return fmt::format("{:.1f} h", s / 3600);
  return fmt::format("{:.1f} days", s / 86400);
}

void ProgressLine::update(std::uint64_t done, double estimated_total, const std::string& note) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < (tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000))) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  std::string line = fmt::format("{}: {} {}, {}/s", verb_, count_text(static_cast<double>(done)), what_, count_text(rate));
  if (estimated_total > 0) {
    const double total = std::max(estimated_total, static_cast<double>(done));
    line += fmt::format(", of ~{} ({:.0f}%)", count_text(total), 100.0 * static_cast<double>(done) / total);
    if (rate > 0) line += ", ~" + duration_text((total - static_cast<double>(done)) / rate) + " left";
  }
  if (!note.empty()) line += ", " + note;
  if (tty_) {
    fmt::print(stderr, "\r\033[K{}", line);
    drawn_ = true;
  } else {
    fmt::print(stderr, "{}\n", line);
  }
}

void ProgressLine::end() {
  if (drawn_) fmt::print(stderr, "\n");
  drawn_ = false;
}

}  // namespace ipcsim::cli

// A wall-clock deadline that can end a run from inside (internal to
// model/explore).
//
// A search's time limit used to be looked at between runs only, so one long
// run (a branch where a scheduled crash does not fire and the survivors wait
// until the step limit: millions of steps) kept `check --time-limit 20s`
// running for minutes with nothing printed. Attached to a run as one more
// observer, WallDeadline looks at the clock every kEvery steps and records,
// and once the deadline has passed it asks the run to stop after the current
// step. The clock only ever stops a run early; it never steers one, so a
// search it did not cut is the same as without it, and a run it cut is
// reported as not covered (the caller's job: see passed()).
#pragma once

#include <chrono>
#include <cstdint>

#include "model/explore/program.hpp"
#include "sim/trace.hpp"

namespace ipcsim::explore::detail {

class WallDeadline final : public sim::Observer {
 public:
  using Clock = std::chrono::steady_clock;
  // A clock read costs about 20 ns; a step about 100 ns and more.
  static constexpr std::uint32_t kEvery = 4096;

  explicit WallDeadline(Clock::time_point at) : at_(at) {}
  // The instant `seconds` after `from` (a time limit given in seconds).
  static Clock::time_point after(Clock::time_point from, double seconds) {
    return from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }

  // The run to stop (RunContext::request_stop).
  void set_context(RunContext& cx) { cx_ = &cx; }
  // This run was asked to stop because the deadline passed.
  bool passed() const { return passed_; }

  void on_step(const sim::StepInfo&) override { tick(); }
  void on_record(const sim::TraceRecord&) override { tick(); }

 private:
  void tick() {
    if (passed_ || ++count_ % kEvery != 0 || Clock::now() < at_) return;
    passed_ = true;
    if (cx_ != nullptr) cx_->request_stop("the search's time limit passed during this run");
  }

  Clock::time_point at_;
  RunContext* cx_ = nullptr;
  std::uint32_t count_ = 0;
  bool passed_ = false;
};

}  // namespace ipcsim::explore::detail

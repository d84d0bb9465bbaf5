// Simulated time.
//
// Time in ipcsim is an integer count of nanoseconds on a clock that only the
// simulation advances. The user API speaks std::chrono (as SimGrid's
// this_actor::sleep_for does), so `co_await cx.sleep(5us)` reads naturally and
// unit mistakes are caught by the type system; underneath everything is int64 ns.
//
//   using namespace std::chrono_literals;
//   sim::Duration d = 1500ns;            // any chrono duration converts losslessly
//   sim::Instant t = world.now() + 2us;
#pragma once

#include <chrono>
#include <cstdint>

namespace ipcsim::sim {

// A clock tag with no now(): simulated instants can only come from a World.
struct SimClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<SimClock>;
  static constexpr bool is_steady = true;
};

using Duration = SimClock::duration;
using Instant = SimClock::time_point;

inline constexpr Instant kTimeZero{};
inline constexpr Instant kTimeNever{Duration{INT64_MAX}};

constexpr std::int64_t to_ns(Duration d) { return d.count(); }
constexpr std::int64_t to_ns(Instant t) { return t.time_since_epoch().count(); }
constexpr Instant at_ns(std::int64_t ns) { return Instant{Duration{ns}}; }

}  // namespace ipcsim::sim

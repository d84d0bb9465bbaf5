// Invariant checks of viz/, always on.
//
// viz/ reads trace files and must not link the kernel's runtime (DESIGN.md:
// "viz reads traces"), so it has its own twin of IPCSIM_ASSERT (sim/check.hpp).
// A broken invariant here is a bug in viz/, never bad input: bad input is a
// VizError (errors.hpp).
//
//   VIZ_ASSERT(lane < lanes.size());
//   VIZ_ASSERT_MSG(row <= last_row, "an item after the last row");
#pragma once

namespace ipcsim::viz {

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line, const char* why);

}  // namespace ipcsim::viz

#define VIZ_ASSERT(expr)                                                         \
  do {                                                                           \
    if (!(expr)) ::ipcsim::viz::assertion_failed(#expr, __FILE__, __LINE__, ""); \
  } while (0)

#define VIZ_ASSERT_MSG(expr, why)                                                 \
  do {                                                                            \
    if (!(expr)) ::ipcsim::viz::assertion_failed(#expr, __FILE__, __LINE__, why); \
  } while (0)

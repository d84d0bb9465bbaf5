// Assertions and the error types of the kernel.
//
// Two kinds of failure exist (STYLE.md, rule 3):
//  - a broken invariant inside ipcsim: IPCSIM_ASSERT, always on (release builds
//    too), aborts with file:line; these are bugs in ipcsim itself;
//  - a programmer error in code that uses the kernel (unlocking a mutex one does
//    not own, touching another CPU's nonshared memory, waiting on a destroyed
//    object): UsageError, thrown with a message that names the actor and the
//    object. The World also marks the run as failed, so catching the exception
//    inside an actor cannot hide the error.
#pragma once

#include <stdexcept>
#include <string>

namespace ipcsim::sim {

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line, const char* why);

// A mistake in code that drives the kernel. Never thrown for conditions a
// correct program can meet (a timeout, a lost message, a crashed peer).
class UsageError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// A replayed choice list that does not match the run it is replayed into.
class ReplayDivergence : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ipcsim::sim

#define IPCSIM_ASSERT(expr)                                                      \
  do {                                                                           \
    if (!(expr)) ::ipcsim::sim::assertion_failed(#expr, __FILE__, __LINE__, ""); \
  } while (0)

#define IPCSIM_ASSERT_MSG(expr, why)                                              \
  do {                                                                            \
    if (!(expr)) ::ipcsim::sim::assertion_failed(#expr, __FILE__, __LINE__, why); \
  } while (0)

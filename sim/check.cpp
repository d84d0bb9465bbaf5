#include "sim/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace ipcsim::sim {

void assertion_failed(const char* expr, const char* file, int line, const char* why) {
  std::fprintf(stderr, "%s:%d: ipcsim invariant broken: %s %s\n", file, line, expr, why);
  std::abort();
}

}  // namespace ipcsim::sim

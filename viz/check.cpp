#include "viz/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace ipcsim::viz {

void assertion_failed(const char* expr, const char* file, int line, const char* why) {
  std::fprintf(stderr, "%s:%d: ipcsim viz invariant broken: %s %s\n", file, line, expr, why);
  std::abort();
}

}  // namespace ipcsim::viz

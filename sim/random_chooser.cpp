#include "sim/random_chooser.hpp"

#include "sim/check.hpp"

namespace ipcsim::sim {

std::uint32_t RandomChooser::choose(const ChoicePoint& point) {
  IPCSIM_ASSERT(point.n >= 2);
  if (is_fault(point.kind)) {
    IPCSIM_ASSERT(point.n == 2);
    return rng_.chance_ppm(point.ppm) ? 1 : 0;
  }
  return static_cast<std::uint32_t>(rng_.below(point.n));
}

}  // namespace ipcsim::sim

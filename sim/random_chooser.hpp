// Seeded uniform random choices: the fuzzing policy. Schedule and message-order
// choices are uniform; fault points fire with their configured probability.
#pragma once

#include "sim/choice.hpp"
#include "sim/rng.hpp"

namespace ipcsim::sim {

class RandomChooser final : public Chooser {
 public:
  explicit RandomChooser(std::uint64_t seed) : rng_(seed) {}
  std::uint32_t choose(const ChoicePoint& point) override;

 private:
  Rng rng_;
};

}  // namespace ipcsim::sim

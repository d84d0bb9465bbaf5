// The deterministic pseudo-random generator of a World.
//
// xoshiro256** (Blackman and Vigna, 2018), seeded through splitmix64. We use our
// own bounded-integer routine instead of std::*_distribution, whose output is not
// specified by the standard and differs between standard libraries; and no
// floating point, so a seed gives the same numbers on every platform (as
// TigerBeetle's stdx/prng.zig does).
//
//   Rng rng(42);
//   uint64_t die = rng.below(6);          // uniform in [0, 6)
//   bool hit = rng.chance_ppm(250'000);   // true with probability 0.25
#pragma once

#include <array>
#include <cstdint>

namespace ipcsim::sim {

// Probabilities are integers in parts per million: exact and platform-independent.
inline constexpr std::uint32_t kPpmOne = 1'000'000;

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t next();
  // Uniform in [0, n); n must be at least 1. Lemire's multiply-and-reject method:
  // no modulo bias, and usually a single draw.
  std::uint64_t below(std::uint64_t n);
  // True with probability ppm / 1e6; ppm above 1e6 counts as certainty.
  bool chance_ppm(std::uint32_t ppm);
  // A new, independent stream derived from this one (for a chooser, say).
  Rng split();

 private:
  std::array<std::uint64_t, 4> s_{};
};

// One splitmix64 step: also used to derive seeds of sub-streams.
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace ipcsim::sim

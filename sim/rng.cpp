#include "sim/rng.hpp"

#include "sim/check.hpp"

namespace ipcsim::sim {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Rng::Rng(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (auto& word : s_) word = splitmix64(state);
  // xoshiro must not start from the all-zero state; splitmix64 cannot give four
  // zero words in a row, but the invariant is cheap to keep visible.
  IPCSIM_ASSERT((s_[0] | s_[1] | s_[2] | s_[3]) != 0);
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Rng::below(std::uint64_t n) {
  IPCSIM_ASSERT(n >= 1);
  unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  const auto result = static_cast<std::uint64_t>(m >> 64);
  IPCSIM_ASSERT(result < n);
  return result;
}

bool Rng::chance_ppm(std::uint32_t ppm) {
  if (ppm == 0) return false;
  if (ppm >= kPpmOne) return true;
  return below(kPpmOne) < ppm;
}

Rng Rng::split() { return Rng(next() ^ 0x5851f42d4c957f2dULL); }

}  // namespace ipcsim::sim

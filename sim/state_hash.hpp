// A digest of simulated state: values, strings and bytes folded into 64 bits,
// the same on every platform (bytes are read as little-endian words), never
// from pointer values or hash-table order. World::state_digest() builds one
// over the whole machine; kernel objects add their own state through
// Waitable::digest().
//
//   sim::StateHash h;
//   h.add(count).add(name).add_bytes(memory_bytes);
//   std::uint64_t d = h.value();
#pragma once

#include <bit>
#include <cstddef>
#include <cstring>
#include <cstdint>
#include <span>
#include <string_view>

namespace ipcsim::sim {

class StateHash {
 public:
  StateHash& add(std::uint64_t v) {
    mix(v);
    return *this;
  }
  StateHash& add(std::string_view s) {
    mix(s.size());
    return add_bytes(std::as_bytes(std::span<const char>(s.data(), s.size())));
  }
  // Eight bytes at a time: hashing every simulated memory of a run costs a few
  // microseconds, not a step's worth per byte.
  StateHash& add_bytes(std::span<const std::byte> bytes) {
    mix(bytes.size());
    const std::byte* p = bytes.data();
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    if (n >= 32) {
      // Four independent lanes over 32-byte blocks, folded into the state in
      // order. Blocks of zeros (most of a simulated memory) add nothing; the
      // others add their offset too, so where the bytes are still counts.
      std::uint64_t a = h_, b = h_ ^ 0x243f6a8885a308d3ULL, c = h_ ^ 0x13198a2e03707344ULL,
                    d = h_ ^ 0xa4093822299f31d0ULL;
      for (; i + 32 <= n; i += 32) {
        const std::uint64_t w0 = word(p + i, 8), w1 = word(p + i + 8, 8), w2 = word(p + i + 16, 8),
                            w3 = word(p + i + 24, 8);
        if ((w0 | w1 | w2 | w3) == 0) continue;
        a = step(step(a, i), w0);
        b = step(b, w1);
        c = step(c, w2);
        d = step(d, w3);
      }
      mix(a);
      mix(b);
      mix(c);
      mix(d);
    }
    for (; i + 8 <= n; i += 8) mix(word(p + i, 8));
    if (i < n) mix(word(p + i, n - i));
    return *this;
  }
  std::uint64_t value() const {
    // splitmix64's finaliser: every input bit reaches every output bit.
    std::uint64_t z = h_ + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  static std::uint64_t word(const std::byte* p, std::size_t n) {
    if constexpr (std::endian::native == std::endian::little) {
      if (n == 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        return w;
      }
    }
    std::uint64_t w = 0;
    for (std::size_t k = 0; k < n; ++k) w |= static_cast<std::uint64_t>(p[k]) << (8 * k);
    return w;
  }
  static std::uint64_t step(std::uint64_t h, std::uint64_t v) {
    // Order-sensitive: rotate, then multiply by an odd constant.
    h ^= v;
    return (h << 29 | h >> 35) * 0x9e3779b97f4a7c15ULL;
  }
  void mix(std::uint64_t v) { h_ = step(h_, v); }
  std::uint64_t h_ = 0x6a09e667f3bcc908ULL;
};

}  // namespace ipcsim::sim

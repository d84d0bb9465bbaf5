// Shared-memory IPC (seed 000): the native cost of its buddy allocator.
//
// Issue 12's target: at most 100 ns per allocate+free pair of mixed sizes.
// Sizes come from a fixed-seed generator of this file (splitmix64, no
// std::*_distribution), drawn log-uniformly between 1 B and 64 KiB, from a
// 64 MiB range of 64-byte minimum blocks (orders 0..20); they are drawn before
// timing starts, so the figure is the allocator's alone. Wall-clock time per
// iteration is the ns per pair.
//
//  - BM_BuddyPairSteadyState: W allocations stay live; each iteration frees a
//    pseudo-randomly chosen one and allocates a new size in its place, so
//    frees coalesce into and allocations split from a fragmented range (the
//    realistic case). W is the argument.
//  - BM_BuddyPairImmediate: allocate then free at once on an otherwise empty
//    range: the worst case, as every allocation splits the single free block
//    all the way down (up to max_order levels) and every free merges it all the
//    way back up, each level touching the bookkeeping of a block far away in
//    memory. The argument is max_order (14: a 1 MiB range, 20: 64 MiB).
#include <benchmark/benchmark.h>

#include <vector>

#include "impl/shm/buddy_allocator.hpp"

namespace ipcsim::shm {
namespace {

constexpr BuddyConfig kConfig{.min_block_bytes = 64, .max_order = 20};
constexpr std::size_t kSequence = 1 << 14;  // sizes and slots drawn in advance (a power of two)

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Log-uniform in [1, 64 KiB]: a power of two up to 2^16, then a value below the next one.
std::vector<std::uint64_t> mixed_sizes(std::uint64_t seed) {
  std::vector<std::uint64_t> sizes(kSequence);
  for (std::uint64_t& s : sizes) {
    const std::uint64_t r = splitmix64(seed);
    const unsigned bits = static_cast<unsigned>(r % 17);  // 0..16
    const std::uint64_t base = std::uint64_t{1} << bits;
    s = base + (r >> 8) % base;  // [2^bits, 2^(bits+1)) ...
    if (s > 65536) s = 65536;    // ... capped at 64 KiB
  }
  return sizes;
}

void BM_BuddyPairSteadyState(benchmark::State& state) {
  const std::size_t window = static_cast<std::size_t>(state.range(0));
  BuddyAllocator a(kConfig);
  const std::vector<std::uint64_t> sizes = mixed_sizes(1);
  std::vector<std::size_t> slots(kSequence);
  std::uint64_t seed = 2;
  for (std::size_t& s : slots) s = splitmix64(seed) % window;
  std::vector<std::uint64_t> live(window);
  for (std::size_t k = 0; k < window; ++k) live[k] = a.allocate(sizes[k]).offset;
  std::size_t n = 0;
  std::uint64_t failures = 0;
  for (auto _ : state) {
    const std::size_t slot = slots[n & (kSequence - 1)];
    failures += a.free(live[slot]) != BuddyError::None;
    const BuddyAlloc b = a.allocate(sizes[n & (kSequence - 1)]);
    failures += !b;
    live[slot] = b.offset;
    ++n;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["failures"] = static_cast<double>(failures);  // must stay 0: the range is far from full
  state.counters["free_MiB"] = static_cast<double>(a.free_bytes()) / (1 << 20);
}
BENCHMARK(BM_BuddyPairSteadyState)->Arg(16)->Arg(256)->Arg(1024);

void BM_BuddyPairImmediate(benchmark::State& state) {
  BuddyAllocator a({.min_block_bytes = 64, .max_order = static_cast<unsigned>(state.range(0))});
  const std::vector<std::uint64_t> sizes = mixed_sizes(3);
  std::size_t n = 0;
  std::uint64_t failures = 0;
  for (auto _ : state) {
    const BuddyAlloc b = a.allocate(sizes[n++ & (kSequence - 1)]);
    failures += !b;
    failures += a.free(b.offset) != BuddyError::None;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["failures"] = static_cast<double>(failures);
}
BENCHMARK(BM_BuddyPairImmediate)->Arg(14)->Arg(20);

}  // namespace
}  // namespace ipcsim::shm

BENCHMARK_MAIN();

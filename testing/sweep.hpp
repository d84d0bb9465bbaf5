// How much of a broad sweep a test runs.
//
// The default build runs every sweep in full. The sanitizer build (ASan + UBSan,
// which the compiler announces with __SANITIZE_ADDRESS__) runs everything 5-10x
// slower, and a sweep over hundreds of random programs is there for breadth of
// inputs, which the default build already gives; the sanitizers' job is to watch
// every code path, which the first programs of a sweep already take. So there a
// sweep runs a quarter of its programs, and CI's second suite stays small. A
// single case that is all breadth (tens of thousands of plain-search runs) may
// skip there instead, with GTEST_SKIP saying so.
#pragma once

#include <algorithm>
#include <cstdint>

namespace ipcsim {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

// `n` in the default build; a quarter of it (at least 1) under the sanitizers.
constexpr std::uint64_t sweep(std::uint64_t n) { return kSanitized ? std::max<std::uint64_t>(1, n / 4) : n; }

}  // namespace ipcsim

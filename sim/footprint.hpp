// Footprints: which objects a step touched, and how.
//
// The model checker derives dependence from footprints (two steps are dependent
// when they touch a common object and one writes it) and the lock-order monitor
// reads lock acquisitions from the trace. A memory access names a byte range of
// its memory object; any other access covers the whole object (range [0, 0)).
#pragma once

#include <cstdint>

#include "sim/ids.hpp"

namespace ipcsim::sim {

// Update is a commutative write: two updates of one object can be swapped
// without changing the outcome (signals of a semaphore add up; blocking at a
// gate joins a set that is released all at once), but an update still
// conflicts with any read or write of the object.
enum class AccessMode : std::uint8_t { Read, Write, Update };

// Footprint key of an actor (join, kill): kept apart from object ids by the top bit.
constexpr std::uint64_t actor_key(ActorId id) { return (1ULL << 63) | id; }
// Footprint key of the World's workload generator: every draw writes it, since
// the value a step draws depends on how many draws came before.
inline constexpr std::uint64_t kWorldRngKey = 1ULL << 62;

struct Access {
  std::uint64_t object = kNoObject;  // an ObjectId, or actor_key(id)
  AccessMode mode = AccessMode::Read;
  std::uint64_t lo = 0;  // byte range [lo, hi) for memory; [0, 0) = whole object
  std::uint64_t hi = 0;

  bool whole() const { return lo == 0 && hi == 0; }
  friend bool operator==(const Access&, const Access&) = default;
};

// True when the two accesses could not be swapped without changing an outcome.
constexpr bool conflicts(const Access& a, const Access& b) {
  if (a.object != b.object) return false;
  if (a.mode == b.mode && a.mode != AccessMode::Write) return false;  // read/read, update/update
  if (a.whole() || b.whole()) return true;
  return a.lo < b.hi && b.lo < a.hi;
}

}  // namespace ipcsim::sim

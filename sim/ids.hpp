// Identifiers of simulated things. All are small integers handed out in creation
// order, so they are deterministic and can appear in traces (pointers never do).
#pragma once

#include <cstdint>

namespace ipcsim::sim {

// Actors are numbered from 1 in spawn order; 0 means "the kernel" (an event, not an actor).
using ActorId = std::uint64_t;
inline constexpr ActorId kNoActor = 0;

// Every kernel object (CPU, memory, bus, port, mutex, semaphore, ...) and every
// mechanism object that appears in footprints gets an ObjectId from its World.
using ObjectId = std::uint32_t;
inline constexpr ObjectId kNoObject = 0;

using CpuId = std::uint32_t;
inline constexpr CpuId kNoCpu = UINT32_MAX;

}  // namespace ipcsim::sim

// The administrative memory (region "shm.admin"): real bytes, laid out here.
//
//   [0, 64)                      header: the lock word (variant check_then_lock),
//                                registrants waiting for space, the grant counter
//   [64, 64 + 88 * slots)        the registry: one record per process slot
//   [.., + 88 * records)             the location records of pending transfers
//
// A process slot is a process of the workload (its name); each registration
// of it (a restart registers again) fills the slot's record anew. Every write
// is done by the admin lock's holder (except where a broken variant skips the
// lock); the engine reads a record whose registered flag is set without the
// lock (the record is complete before the flag is set).
#pragma once

#include <cstdint>

namespace ipcsim::shm {

struct AdminHeader {
  std::uint64_t lock_word = 0;      // check_then_lock only: the holder's pid, 0 free
  std::uint64_t space_waiters = 0;  // registrants waiting on "space freed"
  std::uint64_t grants = 0;         // grants given so far: orders the destination's loads
  std::uint64_t reserved[5] = {};
};
static_assert(sizeof(AdminHeader) == 64);

// Registry flags.
inline constexpr std::uint64_t kRegistered = 1;    // the seed's "registered" flag
inline constexpr std::uint64_t kDeregistering = 2; // planned exit: the process asked to leave

struct RegistryRecord {
  std::uint64_t pid = 0;         // the process's actor id; 0: the slot is empty
  std::uint64_t flags = 0;
  std::uint64_t rel = 0;         // its block, as an offset in shm.data
  std::uint64_t bytes = 0;
  std::uint64_t event = 0;       // ObjectId of its notification event
  std::uint64_t block_lock = 0;  // ObjectId of its block lock
  std::uint64_t mgr = 0;         // its memory manager (0: none assigned yet)
  std::uint64_t handle = 0;      // the process handle: actor slot << 32 | generation
  std::uint64_t cpu = 0;         // its CPU << 32 | that CPU's incarnation at registration
  std::uint64_t generation = 0;  // registrations of this slot so far (a restart adds one)
  std::uint64_t ended = 0;       // processes of this slot that ended so far (the engine counts them)
};
static_assert(sizeof(RegistryRecord) == 88);

// Location record states.
enum class LocState : std::uint64_t {
  Free = 0,
  Published = 1,  // written by the sender: the engine has not granted it yet
  Granted = 2,    // the engine granted the destination read access and notified it
  Consumed = 3,   // the destination read it and asks the engine to release it
};

struct LocationRecord {
  LocState state = LocState::Free;
  std::uint64_t xfer = 0;
  std::uint64_t src = 0;       // sender pid
  std::uint64_t dst = 0;       // destination pid
  std::uint64_t rel = 0;       // the sub-block, as an offset in shm.data
  std::uint64_t bytes = 0;     // payload length
  std::uint64_t order = 0;     // the grant's number (AdminHeader::grants): first granted, first loaded
  std::uint64_t src_slot = 0;
  std::uint64_t mgr = 0;       // the manager the sub-block came from
  // Trace bookkeeping only (flow ids of the diagrams' arrows: sender ->
  // engine, engine -> destination); no decision reads them.
  std::uint64_t publish_flow = 0;
  std::uint64_t notify_flow = 0;
};
static_assert(sizeof(LocationRecord) == 88);

struct AdminLayout {
  std::uint32_t slots = 0;
  std::uint32_t records = 0;
  static constexpr std::uint64_t header() { return 0; }
  std::uint64_t registry(std::uint32_t slot) const { return 64 + std::uint64_t{88} * slot; }
  std::uint64_t location(std::uint32_t index) const {
    return 64 + std::uint64_t{88} * slots + std::uint64_t{88} * index;
  }
  std::uint64_t bytes() const { return location(records); }
};

}  // namespace ipcsim::shm

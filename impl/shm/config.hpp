// The configuration of one shared-memory communications platform (seed 000):
// sizes, simulated costs, the transport, and the deliberately broken variants.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sim/memory.hpp"
#include "sim/time.hpp"

namespace ipcsim::shm {

using namespace std::chrono_literals;

// How a payload travels from one process to another.
enum class Transport : std::uint8_t {
  Engine,  // zero-copy: the destination is granted the sender's sub-block (the seed's mechanism)
  Pipe,    // the baseline the seed argues against: copy into a pipe buffer, copy out
};
const char* to_string(Transport t);

// Deliberately broken variants (DESIGN.md), all off = the design of
// /work/notes/shm-design.md. Each is caught by a property of model/shm (named
// after each switch) and has a bundled scenario expecting it.
struct Bugs {
  // The sender writes its location record without taking the admin lock
  // (admin_exclusion).
  bool skip_admin_lock = false;
  // The sender keeps its block lock while it takes the admin lock: block ->
  // admin, against the engine's admin -> block (lock_order, even on runs that
  // do not deadlock).
  bool block_before_admin = false;
  // Termination cleanup frees nothing (coalesced_at_end, crash_cleanup).
  bool leak_on_termination = false;
  // Every manager's buddy allocator frees without merging (coalesced_at_end).
  bool no_coalesce = false;
  // A process's read of a peer's block passes the isolation check (isolation).
  bool direct_access = false;
  // The admin lock is a word in admin memory, tested by one load and set by a
  // later store (the claims' check-then-lock race; admin_exclusion, only on
  // some schedules).
  bool check_then_lock = false;
  // The seed's literal registration order: flag and engine signal before the
  // manager is assigned (published_complete, only on some schedules).
  bool signal_before_manager = false;
  // The destination's notification wakes only a current waiter (a gate
  // pulse): a signal sent while it is not waiting is lost (deadlock_free /
  // no_loss, only on some schedules).
  bool one_shot_signal = false;
  // The location record is published before the payload is written
  // (transfer_intact, only on some schedules).
  bool publish_before_write = false;
  // The literal "destination's manager": the sender fills a sub-block of the
  // destination's block, a third party at that block's lock (two_contenders).
  bool fill_destination_block = false;
};

// Simulated CPU time of the platform's own work (memory accesses are charged
// by the regions' MemoryCost on top).
struct Costs {
  sim::Duration api_call = 100ns;    // a process's API entry (register, send, receive, deregister)
  sim::Duration engine_op = 100ns;   // the engine's work per record it handles
  sim::Duration poll = 1us;          // a process's pause before it looks again (a peer not yet registered)
};

struct ShmConfig {
  std::uint64_t data_bytes = 1 << 20;   // the data region: a power of two, a multiple of block_bytes
  std::uint64_t min_block = 64;         // smallest sub-block (a power of two)
  std::uint64_t block_bytes = 64 << 10; // each process's block (a power of two)
  std::uint32_t records = 64;           // location records in admin memory
  Transport transport = Transport::Engine;
  std::uint64_t pipe_bytes = 0;         // pipe transport: each destination's pipe buffer (0: block_bytes)
  sim::MemoryCost admin_cost{10ns, 0};
  sim::MemoryCost data_cost{10ns, 4};   // 4 bytes per ns: copies grow with their size
  Costs costs{};
  Bugs bugs{};
};

// FNV-1a 64 over bytes: the checksum of a payload (sender and receiver alike).
std::uint64_t fnv1a64(const std::byte* data, std::size_t n);

}  // namespace ipcsim::shm

// Configuration of an Rtos: the CPU time each service costs, the sizes of the
// control-block pools, and the deliberately broken variants.
//
//   rtos::Rtos os(world, cpu.memory(), {.costs = {.msg_get = 400ns},
//                                      .bugs = {.release_to_wrong_pool = true}});
//
// Costs are simulated CPU time charged to the calling actor (sim::World::charge:
// it runs for that long at the end of its step). The defaults follow the seed's
// point that making a message (a control block to take and initialise, an
// owner to record) is substantially costlier than taking a bare block, which is
// why an ISR takes bare blocks and a task makes them messages later.
#pragma once

#include <chrono>
#include <cstdint>

#include "impl/rtos/space.hpp"
#include "sim/time.hpp"

namespace ipcsim::rtos {

using namespace std::chrono_literals;

struct RtosCosts {
  sim::Duration block_get_bare = 40ns;  // sb_BlockGet: pop a free list
  sim::Duration block_rel_bare = 40ns;  // sb_BlockRel: push it back
  sim::Duration block_get = 250ns;      // BlockGet: a block and a BCB
  sim::Duration block_make = 150ns;     // BlockMake: a BCB for a bare block
  sim::Duration block_unmake = 100ns;
  sim::Duration block_rel = 200ns;
  sim::Duration msg_get = 400ns;   // MsgGet: a block and an MCB, fields initialised
  sim::Duration msg_make = 250ns;  // MsgMake: an MCB for a bare block (or a proxy)
  sim::Duration msg_unmake = 150ns;
  sim::Duration msg_rel = 300ns;
  sim::Duration heap_malloc = 500ns;  // first fit: a walk of the free list
  sim::Duration heap_free = 450ns;    // with coalescing
  sim::Duration send = 300ns;         // MsgSend, wake-up included
  sim::Duration receive = 300ns;
  sim::Duration pipe_op = 80ns;         // put or get of one word
  sim::Duration field = 10ns;           // reading or setting one control-block field
  sim::Duration task_delete = 1us;      // plus the releases it performs
  std::uint32_t copy_bytes_per_ns = 4;  // msg_write / block_write / reads; 0: free
};

// Deliberately broken variants (DESIGN.md): each one is caught by a monitor of
// model/rtos in a test. All off is the correct RTOS.
struct Bugs {
  // Release paths pick the body's pool by its size (the first pool whose blocks
  // are that large) instead of the pool of origin recorded in the control block.
  // Caught by pool_origin, from what the pools record receiving.
  bool release_to_wrong_pool = false;
  // Broadcast slaves (workloads) do not wait at the gate semaphore semG between
  // rounds, so a fast slave reads one broadcast twice. Caught by no_double_delivery.
  bool broadcast_without_gate = false;
  // Releasing a proxy returns the shared body to the real message's pool too.
  // Caught by pool_origin.
  bool proxy_release_frees_body = false;
  // Deleting a task (or its exit) frees its TCB but not the blocks it owns.
  // Caught by pool_origin.
  bool delete_leaks_owned = false;
  // Pass exchanges deliver like normal ones: the receiver keeps its own priority.
  // Caught by priority_pass.
  bool pass_keeps_receiver_priority = false;
  // The assembly client (workloads) waits for one reply fewer than it sent
  // proxies (an off-by-one threshold), so it may forward before every section is
  // filled. Caught by sections_filled.
  bool assembly_threshold_off_by_one = false;
  // The exchange's priority insertion walks past strictly higher priorities
  // only (`>` where `>=` belongs): a message goes in front of the equal ones,
  // so equals come out last-in-first-out. Caught by exchange_order.
  bool lifo_among_equals = false;
  // Inserting a message into an exchange's queue in front of another forgets to
  // link it to its successor (the new message ends the queue, as an append
  // would): every message behind it is lost. Caught by no_message_loss.
  bool insert_forgets_successor = false;
  // A broadcast resumes only the first waiting task (the normal exchange's
  // hand-over, copied); the others keep waiting for a later round. Caught by
  // broadcast_reaches_waiters.
  bool broadcast_wakes_one = false;
  // Sending a message that is on show at a broadcast exchange on to a normal or
  // pass exchange leaves it on show, so a late receiver there is handed a
  // message another task or exchange now holds. Caught by one_holder.
  bool forward_leaves_on_show = false;
  // Deleting a task releases what it owns in one scan of the MCB pool, in
  // address order, instead of proxies first: a real message can go while its
  // proxies are still live. Caught by no_dangling_proxy.
  bool delete_frees_real_before_proxies = false;

  // Schedule-dependent variants: only some interleavings expose them (slaves on
  // other CPUs than their master; see impl/rtos/README.md and the explorer
  // benchmark for how often a random schedule does).
  //
  // The broadcast master (workloads) pulses semG before it puts the next round
  // on show, the seed's order reversed ("perform one of the above operations
  // and then signal the gate"): a slave the pulse releases can reach the
  // broadcast exchange while the old round is still on show and read it again.
  bool broadcast_pulse_before_send = false;
  // Broadcast slaves (workloads) signal semT, then test the broadcast exchange
  // and wait at semG only if the next round is not on show yet: a check-then-act
  // across two ops, the tempting fix of the seed's lost pulse. The master can
  // rebroadcast and pulse between the test and the wait: the pulse is lost
  // all the same, and the next round never completes.
  bool broadcast_peek_then_gate = false;
};

struct RtosConfig {
  SpaceRange range{};          // the part of the memory this RTOS manages (all of it by default)
  std::uint32_t bcbs = 64;     // limit: standard blocks alive at once
  std::uint32_t mcbs = 128;    // limit: messages and proxies alive at once
  std::uint32_t tcbs = 32;     // limit: tasks alive at once
  std::uint32_t replies = 64;  // limit: reply handles
  RtosCosts costs{};
  Bugs bugs{};
  // BlockRel on a bare block checks that the dbp is a block of the pool named
  // (the seed's base blocks have no such check: "low security"). Off lets a
  // wrong release corrupt the pool, as on the real thing.
  bool check_bare_release = true;
};

}  // namespace ipcsim::rtos

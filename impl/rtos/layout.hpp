// The records the RTOS keeps in simulated memory, as byte offsets of 32-bit
// little-endian words. A handle is the address of a record; a data-block
// pointer (dbp) is the address of a block's first byte.
//
// Control blocks (BCB, MCB, TCB) come from pools of fixed-size records, like
// data blocks do; a record's word 0 threads the pool's free list while it is
// free, and word 1 says what it is (a "state" magic), so a stale or forged
// handle is recognised and a task's deletion can find what it owns by scanning
// the control-block pools, as an RTOS without a side table would.
//
// Only RTOS state lives here. The simulator's trace bookkeeping (the flow ids
// that pair a send's record with its receive's) stays in the C++ objects: it
// is no RTOS state, and ids drawn by different tasks must not make two
// equivalent runs end in different bytes (sim::World::state_digest).
#pragma once

#include <cstdint>

namespace ipcsim::rtos::layout {

// State words (word 1 of control blocks, word 0 of the others).
inline constexpr std::uint32_t kFree = 0xF4EEF4EE;       // a control block on its pool's free list
inline constexpr std::uint32_t kPcb = 0x31424350;        // "PCB1": a block pool
inline constexpr std::uint32_t kHcb = 0x31424348;        // "HCB1": a heap
inline constexpr std::uint32_t kBcb = 0x31424342;        // "BCB1": a standard block's control block
inline constexpr std::uint32_t kMcbReal = 0x3142434D;    // "MCB1": a real message
inline constexpr std::uint32_t kMcbProxy = 0x5042434D;   // "MCBP": a proxy message (no body of its own)
inline constexpr std::uint32_t kTcb = 0x31424354;        // "TCB1": a task
inline constexpr std::uint32_t kXcb = 0x31424358;        // "XCB1": an exchange
inline constexpr std::uint32_t kPipe = 0x31455050;       // "PPE1": a pipe
inline constexpr std::uint32_t kChunkUsed = 0x45535548;  // "HUSE": a heap chunk in use

// Pool control block: one per block pool (data blocks and control blocks alike).
namespace pcb {
inline constexpr std::uint32_t kMagic = 0;
inline constexpr std::uint32_t kKind = 4;        // PoolKind
inline constexpr std::uint32_t kBlockSize = 8;   // bytes per block
inline constexpr std::uint32_t kBlocks = 12;     // number of blocks
inline constexpr std::uint32_t kFirst = 16;      // address of block 0
inline constexpr std::uint32_t kFreeHead = 20;   // first free block, 0 when exhausted
inline constexpr std::uint32_t kFreeCount = 24;  // free blocks
inline constexpr std::uint32_t kIndex = 28;      // the pool's index in its RTOS (body sources)
inline constexpr std::uint32_t kSize = 32;
}  // namespace pcb

// Heap control block: a first-fit heap with coalescing.
namespace hcb {
inline constexpr std::uint32_t kMagic = 0;
inline constexpr std::uint32_t kFirst = 4;       // first chunk
inline constexpr std::uint32_t kBytes = 8;       // arena size
inline constexpr std::uint32_t kFreeHead = 12;   // first free chunk, address order
inline constexpr std::uint32_t kFreeBytes = 16;  // bytes in free chunks (headers included)
inline constexpr std::uint32_t kIndex = 20;      // index among the RTOS's body sources
inline constexpr std::uint32_t kUsed = 24;       // chunks in use
inline constexpr std::uint32_t kSize = 32;
}  // namespace hcb

// Heap chunk header; the data block (dbp) starts right after it.
namespace chunk {
inline constexpr std::uint32_t kSizeWord = 0;  // chunk bytes, header included (multiple of 8)
inline constexpr std::uint32_t kLink = 4;      // free: next free chunk (0 = none); used: kChunkUsed
inline constexpr std::uint32_t kHeader = 8;
inline constexpr std::uint32_t kMin = 16;  // a chunk must hold its header and one word
}  // namespace chunk

// Block control block: a standard block (seed: "dbp, a pointer to the PCB and an owner").
namespace bcb {
inline constexpr std::uint32_t kLink = 0;   // free-list link while free
inline constexpr std::uint32_t kState = 4;  // kFree or kBcb
inline constexpr std::uint32_t kDbp = 8;
inline constexpr std::uint32_t kPool = 12;   // PCB or HCB of the body's origin
inline constexpr std::uint32_t kOwner = 16;  // TCB, or 0
inline constexpr std::uint32_t kBytes = 20;  // body size
inline constexpr std::uint32_t kSize = 24;
}  // namespace bcb

// Message control block: the BCB fields plus priority, reply handle and exchange linkage.
namespace mcb {
inline constexpr std::uint32_t kLink = 0;    // free-list link while free; message-queue link while queued
inline constexpr std::uint32_t kState = 4;   // kFree, kMcbReal or kMcbProxy
inline constexpr std::uint32_t kDbp = 8;     // body, or the proxy's section of the real body
inline constexpr std::uint32_t kPool = 12;   // PCB or HCB of the body's origin; 0 for a proxy
inline constexpr std::uint32_t kOwner = 16;  // TCB; the XCB while queued at an exchange; 0 for none
inline constexpr std::uint32_t kPriority = 20;
inline constexpr std::uint32_t kReply = 24;    // reply handle (Rtos::add_reply), 0 for none
inline constexpr std::uint32_t kBytes = 28;    // body bytes visible through this message
inline constexpr std::uint32_t kProxyOf = 32;  // the real message of a proxy, 0 for a real one
inline constexpr std::uint32_t kSticky = 36;   // the broadcast exchange (XCB) it sticks to, 0 for none
inline constexpr std::uint32_t kSize = 48;     // 40..47 spare (trace flow ids live outside: Exchange)
}  // namespace mcb

// Task control block.
namespace tcb {
inline constexpr std::uint32_t kLink = 0;
inline constexpr std::uint32_t kState = 4;  // kFree or kTcb
inline constexpr std::uint32_t kActor = 8;  // the actor's id (low 32 bits)
inline constexpr std::uint32_t kNormalPriority = 12;
inline constexpr std::uint32_t kSlot = 16;  // index in the RTOS's task table
inline constexpr std::uint32_t kSize = 24;
}  // namespace tcb

// Exchange control block.
namespace xcb {
inline constexpr std::uint32_t kMagic = 0;
inline constexpr std::uint32_t kType = 4;       // ExchangeType
inline constexpr std::uint32_t kQueueHead = 8;  // message queue (by priority), 0 when empty
inline constexpr std::uint32_t kQueued = 12;    // messages in the queue
inline constexpr std::uint32_t kSticky = 16;    // broadcast: the message on show, 0 for none
inline constexpr std::uint32_t kRound = 20;     // broadcast: sends so far (the current round)
                                                // 24: spare (trace flow ids live outside: Exchange)
inline constexpr std::uint32_t kIndex = 28;     // index among the RTOS's exchanges
inline constexpr std::uint32_t kSize = 32;
}  // namespace xcb

// Pipe control block and its ring of words (one word a slot).
namespace pipe {
inline constexpr std::uint32_t kMagic = 0;
inline constexpr std::uint32_t kCapacity = 4;
inline constexpr std::uint32_t kHead = 8;  // index of the oldest entry
inline constexpr std::uint32_t kCount = 12;
inline constexpr std::uint32_t kRing = 16;  // address of the ring (capacity words)
inline constexpr std::uint32_t kSize = 24;
}  // namespace pipe

}  // namespace ipcsim::rtos::layout

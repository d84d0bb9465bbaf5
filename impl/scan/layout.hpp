// The message section's bytes: a header and an array of message slots, laid
// out in one shared region (sim) or one byte vector (the native benchmark).
//
// Slots are numbered from 1; 0 is the null link. A slot holds the next and
// previous links of the ordered message-list, a generation count bumped every
// time the slot is freed (so a pointer cached as (slot, generation) is known
// stale after the slot was removed or reused: the seed's ABA trap), its state,
// the message's sequence number and posting time, the recipients that have not
// yet retrieved it (a 256-bit map), how many have not finished processing it,
// and a small payload. A free slot's next link threads the free list.
#pragma once

#include <cstdint>

namespace ipcsim::scan {

inline constexpr std::uint32_t kMaxProcessors = 256;
inline constexpr std::uint32_t kMaxSlots = 1u << 20;
inline constexpr std::uint32_t kNull = 0;

// Header.
inline constexpr std::uint64_t kHeaderBytes = 64;
inline constexpr std::uint64_t kHdrMagic = 0;        // u32
inline constexpr std::uint64_t kHdrSlots = 4;        // u32: capacity
inline constexpr std::uint64_t kHdrHead = 8;         // u32: first slot of the list
inline constexpr std::uint64_t kHdrTail = 12;        // u32: last slot of the list
inline constexpr std::uint64_t kHdrFree = 16;        // u32: first free slot
inline constexpr std::uint64_t kHdrLive = 20;        // u32: slots in the list
inline constexpr std::uint64_t kHdrNextSeq = 24;     // u64: the next message's sequence number
inline constexpr std::uint64_t kHdrPosted = 32;      // u32: postings made by processors (not the backlog)
inline constexpr std::uint32_t kMagic = 0x5343414e;  // "SCAN"

// One slot.
inline constexpr std::uint64_t kSlotBytes = 96;
inline constexpr std::uint64_t kSlotNext = 0;         // u32
inline constexpr std::uint64_t kSlotPrev = 4;         // u32
inline constexpr std::uint64_t kSlotGen = 8;          // u32: bumped at every free
inline constexpr std::uint64_t kSlotState = 12;       // u32: kFree or kLive
inline constexpr std::uint64_t kSlotSeq = 16;         // u64: the message's number, from 1
inline constexpr std::uint64_t kSlotPosted = 24;      // i64: posting time, ns
inline constexpr std::uint64_t kSlotRemaining = 32;   // u32: recipients that have not finished processing it
inline constexpr std::uint64_t kSlotFlags = 36;       // u32: kUrgent
inline constexpr std::uint64_t kSlotSender = 40;      // u32: the posting processor
inline constexpr std::uint64_t kSlotPayloadLen = 44;  // u32
inline constexpr std::uint64_t kSlotPending = 48;     // 32 bytes: recipients that have not retrieved it
inline constexpr std::uint64_t kSlotPayload = 80;     // 16 bytes
inline constexpr std::uint64_t kPayloadBytes = 16;

inline constexpr std::uint32_t kFree = 0;
inline constexpr std::uint32_t kLive = 1;
inline constexpr std::uint32_t kUrgent = 1;

static_assert(kSlotPending + kMaxProcessors / 8 == kSlotPayload);
static_assert(kSlotPayload + kPayloadBytes == kSlotBytes);

// After the slots, one u32 per processor: how many of its planned postings it
// made. It survives a crash of the processor's CPU, so the restarted processor
// resumes its postings where the crashed one stopped.
constexpr std::uint64_t posted_by_offset(std::uint32_t slots, std::uint32_t proc) {
  return kHeaderBytes + kSlotBytes * slots + 4 * proc;
}
constexpr std::uint64_t section_bytes(std::uint32_t slots) { return posted_by_offset(slots, kMaxProcessors); }
constexpr std::uint64_t slot_offset(std::uint32_t slot) { return kHeaderBytes + kSlotBytes * (slot - 1); }

// A processor's cache in its local memory (the seed's S2, S7): the look-ahead
// pointer as (slot, generation, mode), the scans since the last reset, and the
// adaptive threshold. All zero (a fresh or restarted CPU) means "start at the
// head".
inline constexpr std::uint64_t kCacheBytes = 32;
inline constexpr std::uint64_t kCacheSlot = 0;        // u32: 0 none; kCachedNull: a null successor (bug)
inline constexpr std::uint64_t kCacheGen = 4;         // u32
inline constexpr std::uint64_t kCacheMode = 8;        // u32: kStartAt or kResumeAfter
inline constexpr std::uint64_t kCacheScans = 12;      // u32: scans since the last reset
inline constexpr std::uint64_t kCacheThreshold = 16;  // u32: the adaptive threshold (0: not set yet)
inline constexpr std::uint32_t kStartAt = 0;          // the next scan inspects this slot first
inline constexpr std::uint32_t kResumeAfter = 1;      // the next scan inspects this slot's successor first
inline constexpr std::uint32_t kCachedNull = 0xffffffffu;

}  // namespace ipcsim::scan

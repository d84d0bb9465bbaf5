// The message-list operations on the section's bytes, written once for any
// memory: sim::Memory through SimBytes (costed, footprinted, traced) and a plain
// byte vector through NativeBytes (the benchmark). The caller holds the section
// lock around each one (the seed's FIGs 4 and 14 do not say so; the README does).
//
// A Bytes type has get32/put32/get64/put64 at section offsets. A Tracer type
// has link(from, to) (from 0: the head pointer), tail(slot) and inspect(...);
// the native one does nothing.
#pragma once

#include <cstdint>
#include <span>

#include "impl/scan/config.hpp"
#include "impl/scan/layout.hpp"

namespace ipcsim::scan {

template <class B>
std::uint32_t next_of(B& b, std::uint32_t s) {
  return b.get32(slot_offset(s) + kSlotNext);
}
template <class B>
std::uint32_t prev_of(B& b, std::uint32_t s) {
  return b.get32(slot_offset(s) + kSlotPrev);
}
template <class B>
std::uint32_t gen_of(B& b, std::uint32_t s) {
  return b.get32(slot_offset(s) + kSlotGen);
}
template <class B>
bool live(B& b, std::uint32_t s) {
  return b.get32(slot_offset(s) + kSlotState) == kLive;
}
template <class B>
bool pending_for(B& b, std::uint32_t s, std::uint32_t proc) {
  const std::uint64_t word = slot_offset(s) + kSlotPending + 8 * (proc / 64);
  return ((b.get64(word) >> (proc % 64)) & 1) != 0;
}
template <class B>
void clear_pending(B& b, std::uint32_t s, std::uint32_t proc) {
  const std::uint64_t word = slot_offset(s) + kSlotPending + 8 * (proc / 64);
  b.put64(word, b.get64(word) & ~(1ULL << (proc % 64)));
}

// An empty list and every slot on the free list, in order.
template <class B>
void list_init(B& b, std::uint32_t slots) {
  b.put32(kHdrMagic, kMagic);
  b.put32(kHdrSlots, slots);
  b.put32(kHdrHead, kNull);
  b.put32(kHdrTail, kNull);
  b.put32(kHdrFree, slots == 0 ? kNull : 1);
  b.put32(kHdrLive, 0);
  b.put64(kHdrNextSeq, 1);
  for (std::uint32_t s = 1; s <= slots; ++s) {
    b.put32(slot_offset(s) + kSlotNext, s < slots ? s + 1 : kNull);
    b.put32(slot_offset(s) + kSlotState, kFree);
  }
}

struct Posting {
  std::int64_t posted_ns = 0;
  std::uint32_t sender = 0;
  bool urgent = false;  // linked in at the head instead of the tail
  std::span<const std::uint32_t> recipients;
  std::uint64_t payload = 0;
};

struct Added {
  std::uint32_t slot = kNull;  // kNull: the section is full
  std::uint64_t seq = 0;
  std::uint32_t gen = 0;
};

// FIG. 4: take a free slot, fill it, link it in at the tail (or, urgent, at
// the head: the list is only "typically" in time order).
template <class B, class T>
Added list_add(B& b, T& t, const Posting& p) {
  const std::uint32_t s = b.get32(kHdrFree);
  if (s == kNull) return {};
  const std::uint64_t at = slot_offset(s);
  b.put32(kHdrFree, b.get32(at + kSlotNext));
  const std::uint64_t seq = b.get64(kHdrNextSeq);
  b.put64(kHdrNextSeq, seq + 1);
  b.put64(at + kSlotSeq, seq);
  b.put64(at + kSlotPosted, static_cast<std::uint64_t>(p.posted_ns));
  b.put32(at + kSlotRemaining, static_cast<std::uint32_t>(p.recipients.size()));
  b.put32(at + kSlotFlags, p.urgent ? kUrgent : 0);
  b.put32(at + kSlotSender, p.sender);
  b.put32(at + kSlotPayloadLen, 8);
  b.put64(at + kSlotPayload, p.payload);
  std::uint64_t words[kMaxProcessors / 64] = {};
  for (std::uint32_t r : p.recipients) words[r / 64] |= 1ULL << (r % 64);
  for (std::uint32_t w = 0; w < kMaxProcessors / 64; ++w) b.put64(at + kSlotPending + 8 * w, words[w]);
  b.put32(at + kSlotState, kLive);
  const std::uint32_t head = b.get32(kHdrHead);
  if (!p.urgent || head == kNull) {
    const std::uint32_t tail = b.get32(kHdrTail);
    b.put32(at + kSlotNext, kNull);
    b.put32(at + kSlotPrev, tail);
    t.link(s, kNull);
    if (tail != kNull) {
      b.put32(slot_offset(tail) + kSlotNext, s);
      t.link(tail, s);
    } else {
      b.put32(kHdrHead, s);
      t.link(0, s);
    }
    b.put32(kHdrTail, s);
    t.tail(s);
  } else {
    b.put32(at + kSlotNext, head);
    b.put32(at + kSlotPrev, kNull);
    t.link(s, head);
    b.put32(slot_offset(head) + kSlotPrev, s);
    b.put32(kHdrHead, s);
    t.link(0, s);
  }
  b.put32(kHdrLive, b.get32(kHdrLive) + 1);
  return {s, seq, b.get32(at + kSlotGen)};
}

// FIG. 14: unlink a slot from the list, bump its generation, free it.
template <class B, class T>
void list_remove(B& b, T& t, std::uint32_t s, const Bugs& bugs) {
  const std::uint64_t at = slot_offset(s);
  const std::uint32_t next = b.get32(at + kSlotNext);
  const std::uint32_t prev = b.get32(at + kSlotPrev);
  if (prev != kNull) {
    if (!bugs.dangling_next) {
      b.put32(slot_offset(prev) + kSlotNext, next);
      t.link(prev, next);
    }
  } else {
    b.put32(kHdrHead, next);
    t.link(0, next);
  }
  if (next != kNull) {
    b.put32(slot_offset(next) + kSlotPrev, prev);
  } else {
    b.put32(kHdrTail, prev);
    t.tail(prev);
  }
  b.put32(at + kSlotState, kFree);
  b.put32(at + kSlotGen, b.get32(at + kSlotGen) + 1);
  b.put32(at + kSlotNext, b.get32(kHdrFree));  // the free list reuses the link
  b.put32(kHdrFree, s);
  b.put32(kHdrLive, b.get32(kHdrLive) - 1);
}

}  // namespace ipcsim::scan

#include "impl/rtos/heap.hpp"

#include <algorithm>

namespace ipcsim::rtos {

namespace hl = layout::hcb;
namespace cl = layout::chunk;

namespace {
std::uint32_t round8(std::uint32_t n) { return (n + 7) & ~7u; }
}  // namespace

Heap::Heap(Space& space, sim::ObjectId rtos, sim::ObjectId id, std::string name, std::uint32_t bytes,
           std::uint32_t index)
    : BodySource(space, Kind::Heap, rtos, id, std::move(name), index), bytes_(bytes & ~7u) {
  IPCSIM_ASSERT_MSG(bytes_ >= cl::kMin, "a heap holds at least one chunk");
  handle_ = space.carve(hl::kSize, 8, "the control block of heap '" + name_ + "'");
  first_ = space.carve(bytes_, 8, "the arena of heap '" + name_ + "'");
  limit_ = first_ + bytes_;
  format();
}

void Heap::format() {
  Space& s = *space_;
  s.st(handle_ + hl::kMagic, layout::kHcb);
  s.st(handle_ + hl::kFirst, first_);
  s.st(handle_ + hl::kBytes, bytes_);
  s.st(handle_ + hl::kFreeHead, first_);
  s.st(handle_ + hl::kFreeBytes, bytes_);
  s.st(handle_ + hl::kIndex, index_);
  s.st(handle_ + hl::kUsed, 0);
  s.st(first_ + cl::kSizeWord, bytes_);
  s.st(first_ + cl::kLink, kNull);
}

Addr Heap::malloc(std::uint32_t size) {
  Space& s = *space_;
  if (size > bytes_) return kNull;
  const std::uint32_t need = std::max(round8(size + cl::kHeader), cl::kMin);
  Addr prev = kNull;
  // Bounded walk: a free list can hold at most one chunk per kMin bytes.
  std::uint32_t steps_left = bytes_ / cl::kMin + 1;
  for (Addr c = s.ld(handle_ + hl::kFreeHead); c != kNull; prev = c, c = s.ld(c + cl::kLink)) {
    IPCSIM_ASSERT_MSG(steps_left-- > 0, "heap free list longer than the arena allows");
    const std::uint32_t have = s.ld(c + cl::kSizeWord);
    if (have < need) continue;
    Addr next = s.ld(c + cl::kLink);
    std::uint32_t taken = have;
    if (have - need >= cl::kMin) {
      // Split: the tail stays free, in c's place on the list.
      const Addr tail = c + need;
      s.st(tail + cl::kSizeWord, have - need);
      s.st(tail + cl::kLink, next);
      next = tail;
      taken = need;
    }
    s.st(prev == kNull ? handle_ + hl::kFreeHead : prev + cl::kLink, next);
    s.st(c + cl::kSizeWord, taken);
    s.st(c + cl::kLink, layout::kChunkUsed);
    s.st(handle_ + hl::kFreeBytes, s.ld(handle_ + hl::kFreeBytes) - taken);
    s.st(handle_ + hl::kUsed, s.ld(handle_ + hl::kUsed) + 1);
    if (s.world().tracing()) {
      s.world().emit("rtos.heap.take", id_,
                     {{"rtos", rtos_}, {"heap", handle_}, {"dbp", c + cl::kHeader}, {"bytes", size}});
    }
    return c + cl::kHeader;
  }
  return kNull;
}

void Heap::free(Addr dbp) {
  // A chunk that is not in use (freed twice: only a broken variant gets here,
  // e.g. a proxy release freeing its real message's heap body) is refused, as a
  // checking heap would, rather than corrupting the free list; the monitors
  // report the misuse from the trace, and the run goes on to show its effects.
  if (!owns(dbp)) return;
  Space& s = *space_;
  if (s.world().tracing()) s.world().emit("rtos.heap.put", id_, {{"rtos", rtos_}, {"heap", handle_}, {"dbp", dbp}});
  const Addr c = dbp - cl::kHeader;
  std::uint32_t size = s.ld(c + cl::kSizeWord);
  // Clear the in-use mark first: when c merges into the chunk before it, its
  // header stays behind inside that free chunk and must not look in use (a
  // second HeapFree of dbp is then refused, not a corruption).
  s.st(c + cl::kLink, kNull);
  // Find the free neighbours in address order.
  Addr prev = kNull;
  Addr next = s.ld(handle_ + hl::kFreeHead);
  std::uint32_t steps_left = bytes_ / cl::kMin + 1;
  while (next != kNull && next < c) {
    IPCSIM_ASSERT_MSG(steps_left-- > 0, "heap free list longer than the arena allows");
    prev = next;
    next = s.ld(next + cl::kLink);
  }
  s.st(handle_ + hl::kFreeBytes, s.ld(handle_ + hl::kFreeBytes) + size);
  s.st(handle_ + hl::kUsed, s.ld(handle_ + hl::kUsed) - 1);
  Addr link = next;
  if (next != kNull && c + size == next) {  // merge with the chunk after
    size += s.ld(next + cl::kSizeWord);
    link = s.ld(next + cl::kLink);
  }
  if (prev != kNull && prev + s.ld(prev + cl::kSizeWord) == c) {  // merge into the chunk before
    s.st(prev + cl::kSizeWord, s.ld(prev + cl::kSizeWord) + size);
    s.st(prev + cl::kLink, link);
    return;
  }
  s.st(c + cl::kSizeWord, size);
  s.st(c + cl::kLink, link);
  s.st(prev == kNull ? handle_ + hl::kFreeHead : prev + cl::kLink, c);
}

bool Heap::owns(Addr dbp) const {
  if (dbp < first_ + cl::kHeader || dbp >= limit_ || (dbp - first_) % 8 != 0) return false;
  const Addr c = dbp - cl::kHeader;
  const std::uint32_t size = space_->ld(c + cl::kSizeWord);
  return space_->ld(c + cl::kLink) == layout::kChunkUsed && size >= cl::kMin && size <= limit_ - c && size % 8 == 0;
}

std::uint32_t Heap::bytes_of(Addr dbp) const { return space_->ld(dbp - cl::kHeader + cl::kSizeWord) - cl::kHeader; }

std::uint32_t Heap::free_bytes() const { return space_->ld(handle_ + hl::kFreeBytes); }
std::uint32_t Heap::used_chunks() const { return space_->ld(handle_ + hl::kUsed); }

std::string Heap::check() const {
  const Space& s = *space_;
  const std::string who = "heap '" + name_ + "': ";
  std::uint32_t free_total = 0;
  std::uint32_t used = 0;
  std::uint32_t free_chunks = 0;
  bool prev_free = false;
  Addr c = first_;
  while (c < limit_) {
    const std::uint32_t size = s.ld(c + cl::kSizeWord);
    if (size < cl::kMin || size % 8 != 0 || size > limit_ - c) return who + "bad chunk size at " + std::to_string(c);
    const bool is_used = s.ld(c + cl::kLink) == layout::kChunkUsed;
    if (!is_used) {
      if (prev_free) return who + "two adjacent free chunks at " + std::to_string(c) + " (not coalesced)";
      free_total += size;
      ++free_chunks;
    } else {
      ++used;
    }
    prev_free = !is_used;
    c += size;
  }
  if (c != limit_) return who + "chunks do not tile the arena";
  std::uint32_t listed = 0;
  Addr last = kNull;
  for (Addr f = s.ld(handle_ + hl::kFreeHead); f != kNull; f = s.ld(f + cl::kLink)) {
    if (f < first_ || f >= limit_) return who + "free list leaves the arena";
    if (last != kNull && f <= last) return who + "free list not in address order";
    if (++listed > free_chunks) return who + "free list holds more chunks than are free";
    last = f;
  }
  if (listed != free_chunks) return who + "free list misses free chunks";
  if (free_total != s.ld(handle_ + hl::kFreeBytes)) return who + "free byte count disagrees";
  if (used != s.ld(handle_ + hl::kUsed)) return who + "used chunk count disagrees";
  return "";
}

}  // namespace ipcsim::rtos

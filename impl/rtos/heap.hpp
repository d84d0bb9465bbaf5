// A variable-size heap in the RTOS's memory: first fit over an address-ordered
// free list, splitting on allocation and coalescing with both neighbours on
// free. Each chunk has an 8-byte header in memory (its size, and its free-list
// link or an in-use mark); the data block starts after it.
//
// Heap blocks can be bare (HeapMalloc / HeapFree) or the bodies of messages
// (Rtos::msg_get(heap, bytes)): the MCB's pool field then holds the heap's
// handle (its HCB address), so MsgRel frees the body to the right heap, as the
// seed's extension says.
//
//   Heap& h = os.create_heap("heap", 8 * 1024);
//   Addr dbp = os.heap_malloc_now(h, 100);
//   os.heap_free_now(h, dbp);
#pragma once

#include <cstdint>
#include <string>

#include "impl/rtos/block_pool.hpp"

namespace ipcsim::rtos {

class Heap final : public BodySource {
 public:
  Heap(Space& space, sim::ObjectId rtos, sim::ObjectId id, std::string name, std::uint32_t bytes, std::uint32_t index);
  // The bytes a heap of this arena carves (its HCB and the arena).
  static std::size_t bytes_needed(std::uint32_t bytes) { return layout::hcb::kSize + (bytes & ~7u); }

  std::uint32_t bytes() const { return bytes_; }
  Addr first() const { return first_; }

  // One free chunk spanning the arena (set-up, restart).
  void format();

  // A data block of at least `size` bytes, or 0 when no free chunk is large
  // enough. Traced as rtos.heap.take (the heap's own word, as for pools).
  Addr malloc(std::uint32_t size);
  // Frees the chunk of dbp and merges it with free neighbours (rtos.heap.put).
  // A dbp that is no chunk in use is refused silently (see heap.cpp).
  void free(Addr dbp);

  bool owns(Addr dbp) const override;
  std::uint32_t bytes_of(Addr dbp) const override;
  void release(Addr dbp) override { free(dbp); }

  std::uint32_t free_bytes() const;
  std::uint32_t used_chunks() const;
  // Walks the arena chunk by chunk and the free list (tests): "" when the
  // chunks tile the arena, the free list is address-ordered, holds exactly the
  // free chunks, has no two adjacent free chunks (coalescing), and the counters agree.
  std::string check() const;

 private:
  std::uint32_t bytes_;
  Addr first_ = kNull;
  Addr limit_ = kNull;
};

}  // namespace ipcsim::rtos

#include "sim/body.hpp"

#include <new>

namespace ipcsim::sim::body_pool {

constinit thread_local Lists lists{};

namespace {
std::size_t block_bytes(std::uint32_t cls, std::size_t n) { return cls < kClasses ? std::size_t{16} << cls : n; }

void free_all() {
  for (std::uint32_t c = 0; c < kClasses; ++c) {
    while (FreeBlock* b = lists.head[c]) {
      lists.head[c] = b->next;
      ::operator delete(static_cast<void*>(b));
    }
    lists.count[c] = 0;
  }
}

// Gives the thread's free blocks back to the heap when the thread ends, and
// sends the blocks of bodies destroyed after that straight to the heap.
struct Reaper {
  ~Reaper() {
    lists.closed = true;
    free_all();
  }
};
}  // namespace

std::byte* allocate_slow(std::uint32_t cls, std::size_t n) {
  // The first block a thread takes from the heap arms the clean-up at its end.
  static thread_local Reaper reaper;
  (void)reaper;
  // Unpooled (AddressSanitizer), a block is exactly the body's size, so that a
  // read past its end is caught too.
  return static_cast<std::byte*>(::operator new(kPooled ? block_bytes(cls, n) : n));
}

void release_slow(std::byte* p, std::uint32_t) { ::operator delete(static_cast<void*>(p)); }

}  // namespace ipcsim::sim::body_pool

// Body: the bytes a message carries (Message::body), with the vector-like API
// the mechanisms read it through (data, size, begin/end, [], conversion to and
// from std::vector<std::byte>).
//
// Why not a std::vector: a message costs a body, and a heap allocation and
// free were about 5% of a message's instructions in BM_PingPong. A Body takes
// its block from a per-thread list of freed blocks of its size class (16 bytes
// to 4 KiB, powers of two) and gives it back there, so a protocol that sends
// and drops bodies of a few sizes reaches the heap only while its lists fill.
// It is 16 bytes (a vector is 24), so a message and a receive waiting for one
// are no bigger than before. Bytes are bytes: a Body's contents are exactly
// what a vector's would be (new bytes are zero), so no trace or digest can
// tell the two apart. Pointer values never reach a trace or a schedule.
//
// Under AddressSanitizer every block goes to the heap and back, so a body read
// after it was freed is still caught.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <utility>
#include <vector>

#include "sim/check.hpp"

namespace ipcsim::sim {

namespace body_pool {
// Size classes 16 << k for k < kClasses; larger blocks come from the heap.
inline constexpr std::uint32_t kClasses = 9;  // 16 bytes .. 4 KiB
inline constexpr std::uint32_t kHeap = kClasses;
// Per class and thread, at most this many free blocks are kept.
inline constexpr std::uint32_t kKeep = 64;

struct FreeBlock {
  FreeBlock* next;
};
// Trivial and constant-initialised (constinit), so that reaching it is a plain
// thread-local access, with no initialisation check; body.cpp frees what it
// holds when the thread ends.
struct Lists {
  FreeBlock* head[kClasses];
  std::uint32_t count[kClasses];
  bool closed;  // the thread is ending: blocks go back to the heap
};
extern thread_local constinit Lists lists;

// The class whose blocks hold n bytes (n >= 1), or kHeap.
inline std::uint32_t class_of(std::size_t n) {
  if (n > (std::size_t{16} << (kClasses - 1))) return kHeap;
  if (n <= 16) return 0;
  return static_cast<std::uint32_t>(std::bit_width(n - 1) - 4);
}
std::byte* allocate_slow(std::uint32_t cls, std::size_t n);
void release_slow(std::byte* p, std::uint32_t cls);

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kPooled = false;
#else
inline constexpr bool kPooled = true;
#endif

inline std::byte* allocate(std::uint32_t cls, std::size_t n) {
  if (kPooled && cls < kClasses) {
    if (FreeBlock* b = lists.head[cls]) {
      lists.head[cls] = b->next;
      --lists.count[cls];
      return reinterpret_cast<std::byte*>(b);
    }
  }
  return allocate_slow(cls, n);
}
inline void release(std::byte* p, std::uint32_t cls) {
  if (kPooled && cls < kClasses && lists.count[cls] < kKeep && !lists.closed) {
    auto* b = reinterpret_cast<FreeBlock*>(p);
    b->next = lists.head[cls];
    lists.head[cls] = b;
    ++lists.count[cls];
    return;
  }
  release_slow(p, cls);
}
}  // namespace body_pool

class Body {
 public:
  using value_type = std::byte;
  using size_type = std::size_t;
  using iterator = std::byte*;
  using const_iterator = const std::byte*;

  Body() = default;
  // n zero bytes, like std::vector<std::byte>(n).
  explicit Body(std::size_t n) {
    if (n == 0) return;
    reserve_exactly(n);
    std::memset(p_, 0, n);
  }
  Body(std::span<const std::byte> bytes) { assign(bytes.data(), bytes.size()); }
  Body(const std::vector<std::byte>& bytes) { assign(bytes.data(), bytes.size()); }
  Body(std::initializer_list<std::byte> bytes) { assign(bytes.begin(), bytes.size()); }
  Body(const Body& other) { assign(other.p_, other.size_); }
  Body(Body&& other) noexcept
      : p_(std::exchange(other.p_, nullptr)), size_(std::exchange(other.size_, 0)), cls_(other.cls_) {}
  Body& operator=(const Body& other) {
    if (this != &other) {
      Body copy(other);
      swap(copy);
    }
    return *this;
  }
  Body& operator=(Body&& other) noexcept {
    if (this != &other) {
      free();
      p_ = std::exchange(other.p_, nullptr);
      size_ = std::exchange(other.size_, 0);
      cls_ = other.cls_;
    }
    return *this;
  }
  ~Body() { free(); }

  std::byte* data() { return p_; }
  const std::byte* data() const { return p_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::byte* begin() { return p_; }
  std::byte* end() { return p_ + size_; }
  const std::byte* begin() const { return p_; }
  const std::byte* end() const { return p_ + size_; }
  std::byte& operator[](std::size_t i) { return p_[i]; }
  const std::byte& operator[](std::size_t i) const { return p_[i]; }
  void clear() { free(); }

  // Where a vector is needed (a mechanism keeps the bytes, or edits them).
  std::vector<std::byte> to_vector() const { return std::vector<std::byte>(begin(), end()); }
  operator std::vector<std::byte>() const { return to_vector(); }
  operator std::span<const std::byte>() const { return {p_, size_}; }

  void swap(Body& other) noexcept {
    std::swap(p_, other.p_);
    std::swap(size_, other.size_);
    std::swap(cls_, other.cls_);
  }
  friend bool operator==(const Body& a, const Body& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.p_, b.p_, a.size_) == 0);
  }

 private:
  void reserve_exactly(std::size_t n) {
    IPCSIM_ASSERT_MSG(n <= UINT32_MAX, "a message body of 4 GiB or more");
    cls_ = body_pool::class_of(n);
    p_ = body_pool::allocate(cls_, n);
    size_ = static_cast<std::uint32_t>(n);
  }
  void assign(const std::byte* bytes, std::size_t n) {
    if (n == 0) return;
    reserve_exactly(n);
    std::memcpy(p_, bytes, n);
  }
  void free() {
    if (p_ != nullptr) body_pool::release(p_, cls_);
    p_ = nullptr;
    size_ = 0;
  }
  std::byte* p_ = nullptr;
  std::uint32_t size_ = 0;
  std::uint32_t cls_ = 0;  // the block's size class (body_pool::class_of(size_)), kHeap for a heap block
};

}  // namespace ipcsim::sim

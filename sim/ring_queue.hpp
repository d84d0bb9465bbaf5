// A growable ring buffer: O(1) push and pop at both ends and O(1) indexing.
// Used for CPU ready queues and port mailboxes, where std::deque's per-instance
// allocation (hundreds of bytes even when empty) would dominate small queues.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "sim/check.hpp"

namespace ipcsim::sim {

template <class T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  T& operator[](std::size_t i) {
    IPCSIM_ASSERT(i < size_);
    return buf_[(head_ + i) & (buf_.size() - 1)];
  }
  const T& operator[](std::size_t i) const {
    IPCSIM_ASSERT(i < size_);
    return buf_[(head_ + i) & (buf_.size() - 1)];
  }
  T& front() { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }

  void push_back(T v) {
    grow_if_full();
    buf_[(head_ + size_) & (buf_.size() - 1)] = std::move(v);
    ++size_;
  }
  void push_front(T v) {
    grow_if_full();
    head_ = (head_ + buf_.size() - 1) & (buf_.size() - 1);
    buf_[head_] = std::move(v);
    ++size_;
  }
  T pop_front() {
    IPCSIM_ASSERT(size_ > 0);
    T v = std::move(buf_[head_]);
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
    return v;
  }
  // Removes element i, keeping the order of the others (O(n); for rare removals).
  void erase(std::size_t i) {
    IPCSIM_ASSERT(i < size_);
    for (std::size_t k = i; k + 1 < size_; ++k) (*this)[k] = std::move((*this)[k + 1]);
    --size_;
  }
  void clear() {
    head_ = 0;
    size_ = 0;
    buf_.clear();
  }

 private:
  void grow_if_full() {
    if (size_ < buf_.size()) return;
    std::vector<T> bigger(buf_.empty() ? 4 : buf_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move((*this)[i]);
    buf_ = std::move(bigger);
    head_ = 0;
  }
  std::vector<T> buf_;  // capacity is always a power of two
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace ipcsim::sim

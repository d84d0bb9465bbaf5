// The future event list: timed callbacks ordered by (time, sequence number).
//
// The sequence number is handed out at push time, so two events at the same
// instant run in the order they were scheduled: never by address or hash.
// Cancellation is lazy: an event's handler checks a generation number it carries
// (see World), which keeps push and pop at O(log n) with no search.
//
// The heap is 4-ary: half the depth of a binary heap and children on one cache
// line, which matters with 100,000 pending timers (bench/sim_kernel_bench).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/check.hpp"
#include "sim/time.hpp"

namespace ipcsim::sim {

class World;
using EventFn = void (*)(World& world, void* ctx, std::uint64_t arg);

struct QueuedEvent {
  std::int64_t time_ns = 0;
  std::uint64_t seq = 0;  // low 63 bits: sequence; top bit: daemon flag
  EventFn fn = nullptr;
  void* ctx = nullptr;
  std::uint64_t arg = 0;

  static constexpr std::uint64_t kDaemonBit = 1ULL << 63;
  // A daemon event (a periodic fault tick, say) does not keep a run alive: when
  // only daemon events remain and no actor can run, the run is over.
  bool daemon() const { return (seq & kDaemonBit) != 0; }
  std::uint64_t sequence() const { return seq & ~kDaemonBit; }
  Instant time() const { return at_ns(time_ns); }
};

// push and pop are inline: a message costs one of each, and the call was a
// fair share of their price.
class EventQueue {
 public:
  void push(Instant time, EventFn fn, void* ctx, std::uint64_t arg, bool daemon = false) {
    IPCSIM_ASSERT(fn != nullptr);
    IPCSIM_ASSERT(next_seq_ < QueuedEvent::kDaemonBit);
    const QueuedEvent e{to_ns(time), next_seq_++ | (daemon ? QueuedEvent::kDaemonBit : 0), fn, ctx, arg};
    std::size_t hole = heap_.size();
    // In place at the end when it goes there, the usual case for a short queue
    // (a message in flight, a timer): no empty slot to fill and then overwrite.
    if (hole == 0 || !before(e, heap_[(hole - 1) / kArity])) {
      heap_.push_back(e);
      return;
    }
    heap_.emplace_back();
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / kArity;
      if (!before(e, heap_[parent])) break;
      heap_[hole] = heap_[parent];
      hole = parent;
    }
    heap_[hole] = e;
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const QueuedEvent& top() const { return heap_.front(); }
  QueuedEvent pop() {
    IPCSIM_ASSERT(!heap_.empty());
    const QueuedEvent result = heap_.front();
    // The only event (a message in flight, a lone timer): nothing to sift.
    if (heap_.size() == 1) {
      heap_.pop_back();
      return result;
    }
    const QueuedEvent last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return result;
    std::size_t hole = 0;
    for (;;) {
      const std::size_t first = hole * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
      if (!before(heap_[best], last)) break;
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = last;
    return result;
  }
  void reserve(std::size_t n) { heap_.reserve(n); }
  void clear() { heap_.clear(); }

 private:
  static constexpr std::size_t kArity = 4;
  static bool before(const QueuedEvent& a, const QueuedEvent& b) {
    if (a.time_ns != b.time_ns) return a.time_ns < b.time_ns;
    return a.sequence() < b.sequence();
  }
  std::vector<QueuedEvent> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace ipcsim::sim

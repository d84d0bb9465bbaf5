#include "sim/event_queue.hpp"

#include <utility>

#include "sim/check.hpp"

namespace ipcsim::sim {

namespace {
constexpr std::size_t kArity = 4;
}

void EventQueue::push(Instant time, EventFn fn, void* ctx, std::uint64_t arg, bool daemon) {
  IPCSIM_ASSERT(fn != nullptr);
  IPCSIM_ASSERT(next_seq_ < QueuedEvent::kDaemonBit);
  QueuedEvent e{to_ns(time), next_seq_++ | (daemon ? QueuedEvent::kDaemonBit : 0), fn, ctx, arg};
  std::size_t hole = heap_.size();
  heap_.emplace_back();
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = e;
}

QueuedEvent EventQueue::pop() {
  IPCSIM_ASSERT(!heap_.empty());
  QueuedEvent result = heap_.front();
  QueuedEvent last = heap_.back();
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

}  // namespace ipcsim::sim

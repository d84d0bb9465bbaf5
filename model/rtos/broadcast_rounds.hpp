// A monitor's own numbering of broadcast rounds. Each rtos.msg.send to a
// broadcast exchange opens the next round there (1, 2, ...); a receive takes
// the round whose send handed it over (its flow_in is that send's flow_out).
// The RTOS's own `round` field is never read: it is the implementation's word
// about itself, and the message handle is reused every round, so the order of
// the sends is the only independent way to tell rounds apart.
//
//   BroadcastRounds rounds;
//   std::uint64_t n = rounds.open(key(r, "xchg"), u(r, "flow_out"));        // at a broadcast send
//   std::uint64_t taken = rounds.of_flow(key(r, "xchg"), u(r, "flow_in"));  // at a receive: 0 if no send made it
#pragma once

#include <cstdint>
#include <map>

namespace ipcsim::model::rtos {

class BroadcastRounds {
 public:
  // A send to broadcast exchange `xkey` (key(rtos, xchg)) with hand-off id
  // `flow`: returns the round it opens.
  std::uint64_t open(std::uint64_t xkey, std::uint64_t flow) {
    Books& b = books_[xkey];
    ++b.sent;
    b.by_flow[flow] = b.sent;
    return b.sent;
  }
  // The round a hand-off `flow` at `xkey` belongs to; 0 when no send there made it.
  std::uint64_t of_flow(std::uint64_t xkey, std::uint64_t flow) const {
    auto it = books_.find(xkey);
    if (it == books_.end()) return 0;
    auto f = it->second.by_flow.find(flow);
    return f == it->second.by_flow.end() ? 0 : f->second;
  }
  // RTOS `rtos` lost or formatted its memory: its exchanges start over.
  void forget(std::uint64_t rtos) {
    for (auto it = books_.lower_bound(rtos << 32); it != books_.end() && (it->first >> 32) == rtos;) {
      it = books_.erase(it);
    }
  }

 private:
  struct Books {
    std::uint64_t sent = 0;                          // rounds opened so far
    std::map<std::uint64_t, std::uint64_t> by_flow;  // flow_out of each send -> its round
  };
  std::map<std::uint64_t, Books> books_;  // by key(rtos, xchg)
};

}  // namespace ipcsim::model::rtos

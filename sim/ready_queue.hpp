// The ready queue of one CPU.
//
// Actors wait here for their CPU, grouped by priority level (one level for a FIFO
// CPU), FIFO by the instant they became ready within a level. Actors that became
// ready at the same instant at the top level are "equals": the run policy cannot
// tell them apart, so the World lets the chooser pick among them. The size of that
// head group is kept up to date, so picking among a million equals is O(1).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/ring_queue.hpp"

namespace ipcsim::sim {

struct Actor;

class ReadyQueue {
 public:
  explicit ReadyQueue(bool by_priority) : by_priority_(by_priority) {}

  // `stamp` is the instant (ns) the actor became ready.
  void push_back(Actor& a, std::int64_t stamp);
  // A preempted actor goes back ahead of its level, alone in its group.
  void push_front(Actor& a);
  bool remove(Actor& a);

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  int top_priority() const;
  // The actors tied for the next dispatch, and taking the i-th of them.
  // Inline: the World asks for the head group at every step.
  std::uint32_t head_group() const {
    if (size_ == 0) return 0;
    const Level* level = top();
    return level == nullptr ? 0 : level->head_group;
  }
  Actor* at(std::uint32_t i) const;
  Actor* take(std::uint32_t i);

 private:
  struct Entry {
    Actor* actor = nullptr;
    std::int64_t stamp = 0;
  };
  struct Level {
    int priority = 0;
    RingQueue<Entry> q;
    std::uint32_t head_group = 0;  // leading entries sharing q[0].stamp
  };
  int level_key(const Actor& a) const;
  // The level of `key`: the first one on a FIFO CPU (it has only one), and on a
  // preemptive CPU most often too (the highest priority present).
  Level& level_for(int key) {
    if (!levels_.empty() && levels_.front().priority == key) return levels_.front();
    return find_or_add_level(key);
  }
  Level& find_or_add_level(int key);
  const Level* top() const {
    for (const auto& level : levels_) {
      if (!level.q.empty()) return &level;
    }
    return nullptr;
  }
  Level* top() { return const_cast<Level*>(static_cast<const ReadyQueue*>(this)->top()); }
  static void recount(Level& level);

  std::vector<Level> levels_;  // by descending priority; empty levels are kept for reuse
  bool by_priority_;
  std::int64_t next_front_stamp_ = -1;  // below any instant, unique per push_front
  std::size_t size_ = 0;
};

}  // namespace ipcsim::sim

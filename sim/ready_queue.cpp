#include "sim/ready_queue.hpp"

#include "sim/actor.hpp"
#include "sim/check.hpp"

namespace ipcsim::sim {

int ReadyQueue::level_key(const Actor& a) const { return by_priority_ ? a.priority : 0; }

ReadyQueue::Level& ReadyQueue::find_or_add_level(int key) {
  std::size_t i = 0;
  while (i < levels_.size() && levels_[i].priority > key) ++i;
  if (i == levels_.size() || levels_[i].priority != key) {
    Level fresh;
    fresh.priority = key;
    levels_.insert(levels_.begin() + static_cast<std::ptrdiff_t>(i), std::move(fresh));
  }
  return levels_[i];
}

void ReadyQueue::recount(Level& level) {
  level.head_group = 0;
  if (level.q.empty()) return;
  const std::int64_t stamp = level.q[0].stamp;
  while (level.head_group < level.q.size() && level.q[level.head_group].stamp == stamp) ++level.head_group;
}

void ReadyQueue::push_back(Actor& a, std::int64_t stamp) {
  Level& level = level_for(level_key(a));
  if (level.q.empty()) {
    // The usual case of a CPU with few actors: it heads a group of its own.
    level.q.push_back(Entry{&a, stamp});
    level.head_group = 1;
    ++size_;
    return;
  }
  const bool all_in_group = level.head_group == level.q.size();
  IPCSIM_ASSERT(level.q.empty() || level.q.back().stamp <= stamp || level.q.back().stamp < 0);
  level.q.push_back(Entry{&a, stamp});
  if (level.q.size() == 1) {
    level.head_group = 1;
  } else if (all_in_group && level.q[0].stamp == stamp) {
    ++level.head_group;
  }
  ++size_;
}

void ReadyQueue::push_front(Actor& a) {
  Level& level = level_for(level_key(a));
  level.q.push_front(Entry{&a, next_front_stamp_--});
  level.head_group = 1;
  ++size_;
}

bool ReadyQueue::remove(Actor& a) {
  for (auto& level : levels_) {
    for (std::size_t i = 0; i < level.q.size(); ++i) {
      if (level.q[i].actor != &a) continue;
      level.q.erase(i);
      --size_;
      recount(level);
      return true;
    }
  }
  return false;
}

int ReadyQueue::top_priority() const {
  const Level* level = top();
  IPCSIM_ASSERT(level != nullptr);
  return level->priority;
}

Actor* ReadyQueue::at(std::uint32_t i) const {
  const Level* level = top();
  IPCSIM_ASSERT(level != nullptr && i < level->head_group);
  return level->q[i].actor;
}

Actor* ReadyQueue::take(std::uint32_t i) {
  Level* level = top();
  IPCSIM_ASSERT(level != nullptr && i < level->head_group);
  // Members of the head group are interchangeable, so moving the front into the
  // hole keeps every other entry's group and order intact.
  if (i != 0) std::swap(level->q[i], level->q[0]);
  Actor* a = level->q.pop_front().actor;
  --size_;
  if (--level->head_group == 0) recount(*level);
  return a;
}

}  // namespace ipcsim::sim

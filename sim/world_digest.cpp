// World::state_digest(): the whole simulated state in 64 bits, for "distinct
// final states" of a search (explore::Execution::outcome_hash). What a run's
// history left only in the trace (record numbers, flow ids, the time things
// happened) is not state; what any actor or mechanism could still read is.
#include <algorithm>

#include "sim/state_hash.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

std::uint64_t World::state_digest() const {
  StateHash h;
  h.add("cpus");
  for (const Cpu& c : cpus_) {
    h.add(c.name_).add(c.up_ ? 1 : 0).add(c.incarnation_).add(c.current_ != nullptr ? c.current_->id : kNoActor);
  }
  // Every byte of every memory: nonshared ones and shared regions alike. A
  // lost memory (its CPU is down) holds poison, not state.
  h.add("memories");
  for (const Memory& m : memories_) {
    h.add(m.name_).add(m.lost_ ? 1 : 0).add(m.incarnation_);
    if (!m.lost_) h.add_bytes(m.bytes_);
  }
  // Kernel objects in id order (buses and ports included): their own state and
  // who waits there, in queue order.
  h.add("objects");
  for (ObjectId id = 1; id < waitables_.size(); ++id) {
    const Waitable* w = waitables_[id];
    if (w == nullptr) continue;
    h.add(id).add(objects_[id].type).add(objects_[id].name);
    h.add(w->waiters().size());
    w->waiters().for_each([&](const Actor& a) { h.add(a.id); });
    w->digest(h);
  }
  // Actors by id: how each ended, or where each live one stands.
  std::vector<const Actor*> live;
  for (const Actor& a : actors_) {
    if (a.live()) live.push_back(&a);
  }
  std::sort(live.begin(), live.end(), [](const Actor* x, const Actor* y) { return x->id < y->id; });
  h.add("actors").add(next_actor_id_);
  auto next_live = live.begin();
  for (ActorId id = 1; id < next_actor_id_; ++id) {
    h.add(id);
    if (next_live != live.end() && (*next_live)->id == id) {
      const Actor& a = **next_live++;
      h.add(a.name).add(a.cpu->id_).add(static_cast<std::uint64_t>(static_cast<std::int64_t>(a.priority)));
      h.add(static_cast<std::uint64_t>(a.state)).add(a.daemon ? 1 : 0);
      h.add(a.blocked_on != nullptr ? a.blocked_on->id() : kNoObject).add(a.join_target.id);
    } else {
      const ActorEnd end = id < actor_ends_.size() ? actor_ends_[id] : ActorEnd::Live;
      h.add(100 + static_cast<std::uint64_t>(end));
    }
  }
  return h.value();
}

}  // namespace ipcsim::sim

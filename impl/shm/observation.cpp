// What the platform holds when a run ends (sim::World::add_end_hook): every
// free block and live allocation of every live manager, and every location
// record still in admin memory. Observations, not verdicts: the monitors of
// model/shm compare them with their own books. And the digest of the native
// books for MechanismRun::state_digest.
#include "impl/shm/shm.hpp"

#include "sim/state_hash.hpp"

namespace ipcsim::shm {

void Shm::observe_end() {
  if (!w_->tracing()) return;
  for (const auto& [mgr, m] : managers_) {
    for (const BuddyBlock& b : m.alloc.free_blocks_by_address()) {
      w_->emit("shm.end.free", sim::kNoObject, {{"mgr", mgr}, {"rel", m.base + b.offset}, {"bytes", m.alloc.block_bytes(b.order)}});
    }
  }
  for (const auto& [mgr, m] : managers_) {
    for (const BuddyBlock& b : m.alloc.allocations_by_address()) {
      w_->emit("shm.end.live", sim::kNoObject, {{"mgr", mgr}, {"rel", m.base + b.offset}, {"bytes", m.alloc.block_bytes(b.order)}});
    }
  }
  for (std::uint32_t i = 0; i < layout_.records; ++i) {
    LocationRecord r;
    if (!admin_->peek(layout_.location(i), std::as_writable_bytes(std::span<LocationRecord, 1>(&r, 1)))) continue;
    if (r.state == LocState::Free) continue;
    w_->emit("shm.end.pending", sim::kNoObject, {{"xfer", r.xfer}, {"src", r.src}, {"dst", r.dst}});
  }
}

std::uint64_t Shm::books_digest() const {
  sim::StateHash h;
  for (const auto& [mgr, m] : managers_) {
    h.add(mgr);
    h.add(m.base);
    h.add(m.owner);
    for (const BuddyBlock& b : m.alloc.allocations_by_address()) {
      h.add(b.offset);
      h.add(b.order);
    }
  }
  for (const Grant& g : grants_) {
    h.add(g.xfer);
    h.add(g.pid);
  }
  for (const EngineSlot& e : engine_slots_) h.add(e.pid);
  for (const ProcSide& p : proc_) {
    h.add(p.pid);
    h.add(p.registered);
  }
  for (const Zombie& z : zombies_) h.add(z.pid);
  h.add(received_);
  return h.value();
}

}  // namespace ipcsim::shm

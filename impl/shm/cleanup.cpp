// Termination, planned (the process deregistered, then returned) or not (its
// CPU crashed, or it was killed): the engine alone cleans up, never the
// survivors. It recovers every lock the dead process held (a robust-mutex
// recovery), removes its registry record, fails the transfers to it that it
// can no longer complete (told to their senders), and frees its sub-blocks and
// its block, coalescing in the space manager, once no location record points
// into the block any more (a destination still reading keeps it). Registrants
// waiting for space and every registered process are woken.
#include "impl/shm/shm.hpp"

namespace ipcsim::shm {

void Shm::recover_locks(sim::ActorId dead) {
  auto recover = [&](sim::Mutex& m) {
    if (!m.locked() || m.owner() != dead) return;
    if (w_->tracing()) w_->emit("shm.lock.recover", m.id(), {{"lock", m.id()}, {"dead", dead}});
    m.recover_dead_owner();
  };
  if (admin_lock_) {
    recover(*admin_lock_);
  } else {
    const std::uint64_t at = AdminLayout::header() + offsetof(AdminHeader, lock_word);
    if (admin_->get<std::uint64_t>(at) == dead) {
      if (w_->tracing()) w_->emit("shm.lock.recover", sim::kNoObject, {{"lock", sim::kNoObject}, {"dead", dead}});
      admin_->put<std::uint64_t>(at, 0);
    }
  }
  for (Handles& h : handles_) recover(*h.block_lock);
}

sim::Task<> Shm::terminate(sim::Ctx cx, Termination t, std::vector<Notice>& notices) {
  co_await cx.compute(cfg_.costs.engine_op);
  const RegistryRecord seen = read_registry(t.slot);
  const sim::Cpu& cpu = w_->cpu(t.cpu);
  const char* how = (seen.pid == t.pid && (seen.flags & kDeregistering) != 0) ? "exit"
                    : (!cpu.up() || cpu.incarnation() != t.cpu_incarnation) ? "crash"
                    : t.killed ? "killed"
                               : "exit";
  if (w_->tracing()) w_->emit("shm.terminate", sim::kNoObject, {{"pid", t.pid}, {"how", how}});
  recover_locks(t.pid);
  co_await lock_admin(cx);
  // Under the lock, the cache is what the registry says: every process
  // registered now is told below (one that registered after this wake-up's
  // first look may already be waiting for the slot that ended), and every
  // one that registers later reads the registry after this step.
  cache_registrations();
  RegistryRecord r = read_registry(t.slot);
  ++r.ended;  // peers waiting for this slot learn that it ended (however far it got)
  if (r.pid != t.pid) write_registry(t.slot, r);
  if (r.pid == t.pid) {
    touch_books(sim::AccessMode::Write);
    zombies_.push_back(Zombie{.pid = t.pid, .slot = t.slot, .mgr = static_cast<std::uint32_t>(r.mgr),
                              .rel = r.rel, .bytes = r.bytes});
    RegistryRecord cleared;
    cleared.generation = r.generation;  // the slot's history stays
    cleared.ended = r.ended;
    write_registry(t.slot, cleared);
    if (w_->tracing()) w_->emit("shm.registry.clear", sim::kNoObject, {{"pid", t.pid}, {"slot", t.slot}});
    if (engine_slots_[t.slot].pid == t.pid) engine_slots_[t.slot] = EngineSlot{};
  }
  // Transfers to the dead process: it will never read them.
  for (std::uint32_t i = 0; i < layout_.records; ++i) {
    const LocationRecord rec = read_location(i);
    if (rec.state == LocState::Free || rec.dst != t.pid) continue;
    if (rec.state == LocState::Consumed) {  // it read this one: an ordinary release
      co_await release_record(cx, i, rec);
      continue;
    }
    touch_books(sim::AccessMode::Write);
    if (rec.state == LocState::Granted) {
      std::erase_if(grants_, [&](const Grant& g) { return g.xfer == rec.xfer; });
      if (w_->tracing()) w_->emit("shm.unmap", sim::kNoObject, {{"xfer", rec.xfer}, {"pid", rec.dst}});
    }
    if (w_->tracing()) {
      w_->emit("shm.send.failed", sim::kNoObject,
               {{"xfer", rec.xfer}, {"src", rec.src}, {"dst", rec.dst}, {"reason", "dst_terminated"}});
    }
    if (!cfg_.bugs.leak_on_termination) co_await free_sub_block(cx, rec);
    write_location(i, LocationRecord{});
    if (w_->tracing()) w_->emit("shm.loc.clear", sim::kNoObject, {{"xfer", rec.xfer}});
    if (std::optional<std::uint32_t> src = live_slot_of(static_cast<sim::ActorId>(rec.src))) {
      notices.push_back(Notice{.xfer = 0, .slot = *src, .dst = static_cast<sim::ActorId>(rec.src)});
    }
  }
  // Grants the dead process held as a destination are gone with it.
  std::erase_if(grants_, [&](const Grant& g) { return g.pid == t.pid; });
  const std::uint64_t waiters = free_dead_blocks(cx);
  co_await unlock_admin(cx);
  co_await release_space(waiters);
  // Waiting processes are told: a receiver whose senders are all gone stops waiting.
  for (std::uint32_t s = 0; s < slots(); ++s) {
    if (engine_slots_[s].pid != sim::kNoActor) notices.push_back(Notice{.xfer = 0, .slot = s, .dst = engine_slots_[s].pid});
  }
}

std::uint64_t Shm::free_dead_blocks(sim::Ctx& cx) {
  touch_books(sim::AccessMode::Write);
  std::uint64_t wake = 0;
  for (std::size_t z = 0; z < zombies_.size();) {
    const Zombie dead = zombies_[z];
    bool referenced = false;
    for (std::uint32_t i = 0; i < layout_.records && !referenced; ++i) {
      const LocationRecord rec = read_location(i);
      referenced = rec.state != LocState::Free && rec.rel >= dead.rel && rec.rel < dead.rel + dead.bytes;
    }
    if (referenced) {
      ++z;
      continue;
    }
    zombies_.erase(zombies_.begin() + static_cast<std::ptrdiff_t>(z));
    std::uint64_t blocks = 0;
    if (!cfg_.bugs.leak_on_termination) {
      if (dead.mgr != 0 && managers_.count(dead.mgr) != 0) {
        // Sub-blocks the process still held (a send it never published, a crash mid-way).
        for (const BuddyBlock& b : managers_.at(dead.mgr).alloc.allocations_by_address()) {
          manager_free(dead.mgr, dead.rel + b.offset, cx.id());
          ++blocks;
        }
        retire_manager(dead.mgr, dead.pid);
      }
      manager_free(0, dead.rel, cx.id());
      ++blocks;
      AdminHeader h = read_header();
      wake += h.space_waiters;
      h.space_waiters = 0;
      write_header(h);
    }
    if (w_->tracing()) w_->emit("shm.cleanup", sim::kNoObject, {{"pid", dead.pid}, {"blocks", blocks}});
  }
  return wake;
}

}  // namespace ipcsim::shm

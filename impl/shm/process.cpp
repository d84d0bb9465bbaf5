// The process side of registration (the seed's rendezvous) and planned
// termination, and the small helpers every flow shares: ringing the engine,
// notifying a process, waiting for a notification, looking a peer up.
#include "impl/shm/shm.hpp"

#include "sim/check.hpp"

namespace ipcsim::shm {

sim::Task<> Shm::signal_engine(sim::Ctx cx, std::string_view what) {
  if (w_->tracing()) w_->emit("shm.engine.signal", sim::kNoObject, {{"pid", cx.id()}, {"what", what}});
  co_await doorbell_->signal();
}

sim::Task<> Shm::notify_process(std::uint32_t slot) {
  if (handles_[slot].pulse) {
    co_await handles_[slot].pulse->pulse();  // one_shot_signal: only a current waiter hears it
  } else {
    co_await handles_[slot].event->signal();  // a pending count that stays set
  }
}

sim::Task<> Shm::wait_notification(std::uint32_t slot) {
  if (handles_[slot].pulse) {
    co_await handles_[slot].pulse->wait();
  } else {
    co_await handles_[slot].event->wait();
  }
}

sim::Task<> Shm::release_space(std::uint64_t waiters) {
  if (waiters != 0) co_await space_->signal(waiters);
}

sim::Task<> Shm::register_process(sim::Ctx cx, std::uint32_t slot) {
  IPCSIM_ASSERT(slot < slots());
  proc_[slot] = ProcSide{.pid = cx.id()};  // a new incarnation knows nothing yet
  if (w_->tracing()) w_->emit("shm.register.begin", sim::kNoObject, {{"pid", cx.id()}});
  co_await cx.compute(cfg_.costs.api_call);
  BuddyAlloc block;
  for (;;) {
    co_await lock_admin(cx);
    // The slot's previous incarnation must be gone from the registry first
    // (the engine clears it when it learns of the termination).
    const RegistryRecord old = read_registry(slot);
    if (old.pid == 0) block = manager_alloc(0, cfg_.block_bytes, cx.id());
    if (old.pid == 0 && block) break;
    // "Locked full": wait for space, without holding the admin lock. The
    // count of waiters is kept under the lock and the semaphore counts, so a
    // wake-up between the unlock and the wait is not lost.
    AdminHeader h = read_header();
    ++h.space_waiters;
    write_header(h);
    if (w_->tracing()) w_->emit("shm.block.wait", sim::kNoObject, {{"pid", cx.id()}, {"bytes", cfg_.block_bytes}});
    co_await unlock_admin(cx);
    co_await space_->wait();
  }
  Handles& hs = handles_[slot];
  if (w_->tracing()) {
    w_->emit("shm.handles", sim::kNoObject, {{"pid", cx.id()}, {"event", hs.event->id()}, {"block_lock", hs.block_lock->id()}});
  }
  RegistryRecord r = read_registry(slot);
  r.pid = cx.id();
  r.flags = 0;
  r.rel = block.offset;
  r.bytes = block.bytes;
  r.event = hs.event->id();
  r.block_lock = hs.block_lock->id();
  r.mgr = 0;
  const sim::ActorRef self = cx.self();
  r.handle = (std::uint64_t{self.slot} << 32) | self.gen;
  r.cpu = (std::uint64_t{cx.cpu().id()} << 32) | cx.cpu().incarnation();
  ++r.generation;
  write_registry(slot, r);
  if (w_->tracing()) {
    w_->emit("shm.registry.store", sim::kNoObject, {{"pid", cx.id()}, {"slot", slot}, {"rel", r.rel}, {"bytes", r.bytes}});
  }
  auto assign_manager = [&] {
    r.mgr = new_manager(cx.id(), r.rel, r.bytes);
    managers_.at(static_cast<std::uint32_t>(r.mgr)).slot = slot;
    write_registry(slot, r);
    if (w_->tracing()) {
      w_->emit("shm.manager.assign", sim::kNoObject, {{"pid", cx.id()}, {"mgr", r.mgr}, {"rel", r.rel}, {"bytes", r.bytes}});
    }
  };
  if (!cfg_.bugs.signal_before_manager) assign_manager();
  r.flags |= kRegistered;
  write_registry(slot, r);
  if (w_->tracing()) w_->emit("shm.registered", sim::kNoObject, {{"pid", cx.id()}});
  co_await signal_engine(cx, "registered");
  if (cfg_.bugs.signal_before_manager) assign_manager();  // the seed's literal order: too late
  co_await unlock_admin(cx);
  proc_[slot] = ProcSide{.pid = cx.id(), .rel = r.rel, .bytes = r.bytes,
                         .mgr = static_cast<std::uint32_t>(r.mgr), .registered = true};
  if (w_->tracing()) w_->emit("shm.register.end", sim::kNoObject, {{"pid", cx.id()}});
}

sim::Task<> Shm::deregister(sim::Ctx cx, std::uint32_t slot) {
  IPCSIM_ASSERT(slot < slots());
  if (!proc_[slot].registered) w_->usage_error("shm: '" + names_[slot] + "' deregisters without being registered");
  co_await cx.compute(cfg_.costs.api_call);
  co_await lock_admin(cx);
  RegistryRecord r = read_registry(slot);
  r.flags |= kDeregistering;
  write_registry(slot, r);
  co_await unlock_admin(cx);
  proc_[slot].registered = false;
  co_await signal_engine(cx, "deregister");
}

sim::Task<std::optional<std::uint64_t>> Shm::peer_block(sim::Ctx cx, std::uint32_t /*slot*/, std::uint32_t peer) {
  co_await lock_admin(cx);
  const RegistryRecord r = read_registry(peer);
  co_await unlock_admin(cx);
  if ((r.flags & kRegistered) == 0) co_return std::nullopt;
  co_return r.rel;
}

sim::Task<bool> Shm::await_registered(sim::Ctx cx, std::uint32_t /*slot*/, std::uint32_t peer) {
  for (;;) {
    co_await lock_admin(cx);
    const RegistryRecord r = read_registry(peer);
    co_await unlock_admin(cx);
    if ((r.flags & kRegistered) != 0) co_return true;
    if (r.pid == 0 && r.ended != 0) co_return false;
    co_await cx.sleep(cfg_.costs.poll);
  }
}

bool Shm::senders_gone(std::uint32_t slot, const std::vector<std::uint32_t>& senders) {
  if (senders.empty()) return false;
  for (std::uint32_t s : senders) {
    const RegistryRecord r = read_registry(s);
    // Registered now, or never ended yet (maybe not even registered yet).
    if (r.pid != 0 || r.ended == 0) return false;
  }
  // Nothing from them still to read for this process: a record published
  // (the engine's grant and notification will follow) or granted (it loads
  // it next). A consumed record is not pending for it: it has read it, and
  // the engine's release of it wakes nobody, so counting it would make the
  // receiver wait for a signal that never comes.
  for (std::uint32_t i = 0; i < layout_.records; ++i) {
    const LocationRecord rec = read_location(i);
    if (rec.state != LocState::Published && rec.state != LocState::Granted) continue;
    if (rec.dst != proc_[slot].pid) continue;
    for (std::uint32_t s : senders) {
      if (rec.src_slot == s) return false;
    }
  }
  return true;
}

}  // namespace ipcsim::shm

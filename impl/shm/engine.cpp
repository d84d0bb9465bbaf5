// The communications engine: a server actor woken by its doorbell. Each time
// it caches new registrations (without the admin lock: a record is complete
// once its flag is set), handles the terminations its watchers reported, then,
// under the admin lock, grants published transfers and releases consumed ones;
// last it notifies the destinations. Everything that touches another
// process's block or manager is done here, so a block's lock only ever has its
// owner and the engine as holders or waiters.
#include "impl/shm/shm.hpp"

#include "sim/check.hpp"

namespace ipcsim::shm {

void Shm::spawn_engine(sim::Cpu& cpu) {
  engine_cpu_ = &cpu;
  engine_ = w_->spawn(cpu, "engine", [this](sim::Ctx cx) -> sim::Task<> { return engine_loop(cx); },
                      {.daemon = true});
}

void Shm::attach(std::uint32_t slot, sim::ActorRef process) {
  IPCSIM_ASSERT(slot < slots());
  const sim::Actor* a = w_->find(process);
  IPCSIM_ASSERT_MSG(a != nullptr, "shm: attach a live process");
  const sim::CpuId cpu = a->cpu->id();
  const std::uint32_t incarnation = a->cpu->incarnation();
  w_->spawn(
      *engine_cpu_, "watch." + names_[slot],
      [this, slot, process, cpu, incarnation](sim::Ctx cx) -> sim::Task<> {
        const sim::JoinResult how = co_await cx.join(process);
        // The locks it died holding are recovered at once: the engine itself
        // may be waiting for one of them (it cannot learn of the death first).
        recover_locks(process.id);
        touch_books(sim::AccessMode::Write);
        terminations_.push_back(Termination{.slot = slot, .pid = process.id, .cpu = cpu,
                                            .cpu_incarnation = incarnation,
                                            .killed = how == sim::JoinResult::Killed});
        co_await doorbell_->signal();
      },
      {.daemon = true});
}

std::optional<std::uint32_t> Shm::live_slot_of(sim::ActorId pid) const {
  for (std::uint32_t s = 0; s < slots(); ++s) {
    if (engine_slots_[s].pid == pid && pid != sim::kNoActor) return s;
  }
  return std::nullopt;
}

void Shm::cache_registrations() {
  for (std::uint32_t s = 0; s < slots(); ++s) {
    const RegistryRecord r = read_registry(s);
    if ((r.flags & kRegistered) == 0 || r.pid == engine_slots_[s].pid) continue;
    touch_books(sim::AccessMode::Write);
    engine_slots_[s] = EngineSlot{.pid = static_cast<sim::ActorId>(r.pid), .mgr = static_cast<std::uint32_t>(r.mgr),
                                  .rel = r.rel, .bytes = r.bytes};
    if (w_->tracing()) w_->emit("shm.engine.cache", sim::kNoObject, {{"pid", r.pid}});
  }
}

sim::Task<> Shm::engine_loop(sim::Ctx cx) {
  std::vector<Notice> notices;
  for (;;) {
    co_await doorbell_->wait();
    co_await cx.compute(cfg_.costs.engine_op);
    cache_registrations();
    notices.clear();
    while (!terminations_.empty()) {
      touch_books(sim::AccessMode::Write);
      const Termination t = terminations_.front();
      terminations_.pop_front();
      co_await terminate(cx, t, notices);
    }
    co_await handle_records(cx, notices);
    for (const Notice& n : notices) {
      if (n.xfer != 0 && w_->tracing()) {
        w_->emit("shm.notify", sim::kNoObject, {{"xfer", n.xfer}, {"dst", n.dst}, {"flow_out", n.flow}});
      }
      co_await notify_process(n.slot);
    }
  }
}

sim::Task<> Shm::handle_records(sim::Ctx cx, std::vector<Notice>& notices) {
  co_await lock_admin(cx);
  // A destination may have registered after this wake-up's first look (its
  // own doorbell is still to come): a record published to it is for a live
  // process, not one that ended, so the cache is brought up to date under
  // the lock before the records are judged.
  cache_registrations();
  for (std::uint32_t i = 0; i < layout_.records; ++i) {
    LocationRecord rec = read_location(i);
    if (rec.state == LocState::Published) {
      co_await cx.compute(cfg_.costs.engine_op);
      const std::optional<std::uint32_t> dst = live_slot_of(static_cast<sim::ActorId>(rec.dst));
      if (!dst) {
        // The destination ended before it could be granted anything.
        if (w_->tracing()) {
          w_->emit("shm.send.failed", sim::kNoObject,
                   {{"xfer", rec.xfer}, {"src", rec.src}, {"dst", rec.dst}, {"reason", "dst_terminated"}});
        }
        co_await free_sub_block(cx, rec);
        write_location(i, LocationRecord{});
        if (w_->tracing()) w_->emit("shm.loc.clear", sim::kNoObject, {{"xfer", rec.xfer}});
        if (std::optional<std::uint32_t> src = live_slot_of(static_cast<sim::ActorId>(rec.src))) {
          notices.push_back(Notice{.xfer = 0, .slot = *src, .dst = static_cast<sim::ActorId>(rec.src)});
        }
        continue;
      }
      touch_books(sim::AccessMode::Write);
      grants_.push_back(Grant{rec.xfer, static_cast<sim::ActorId>(rec.dst), rec.rel, rec.bytes});
      AdminHeader h = read_header();
      rec.order = ++h.grants;
      write_header(h);
      rec.state = LocState::Granted;
      rec.notify_flow = w_->new_flow_id();
      write_location(i, rec);
      if (w_->tracing()) {
        w_->emit("shm.map", sim::kNoObject,
                 {{"xfer", rec.xfer}, {"pid", rec.dst}, {"rel", rec.rel}, {"bytes", rec.bytes},
                  {"flow_in", rec.publish_flow}});
      }
      notices.push_back(Notice{.xfer = rec.xfer, .slot = *dst, .dst = static_cast<sim::ActorId>(rec.dst),
                               .flow = rec.notify_flow});
    } else if (rec.state == LocState::Consumed) {
      co_await cx.compute(cfg_.costs.engine_op);
      co_await release_record(cx, i, rec);
    }
  }
  const std::uint64_t waiters = free_dead_blocks(cx);
  co_await unlock_admin(cx);
  co_await release_space(waiters);
}

sim::Task<> Shm::free_sub_block(sim::Ctx cx, const LocationRecord& rec) {
  const std::uint32_t mgr = static_cast<std::uint32_t>(rec.mgr);
  if (managers_.count(mgr) == 0) co_return;  // a leaked block's manager (leak_on_termination)
  // admin -> block: the one lock order.
  sim::Mutex& lock = *handles_[managers_.at(mgr).slot].block_lock;
  co_await lock.lock();
  manager_free(mgr, rec.rel, cx.id());
  if (w_->tracing()) w_->emit("shm.release", sim::kNoObject, {{"xfer", rec.xfer}, {"mgr", mgr}, {"rel", rec.rel}});
  co_await lock.unlock();
}

sim::Task<> Shm::release_record(sim::Ctx cx, std::uint32_t index, const LocationRecord& rec) {
  touch_books(sim::AccessMode::Write);
  std::erase_if(grants_, [&](const Grant& g) { return g.xfer == rec.xfer; });
  if (w_->tracing()) w_->emit("shm.unmap", sim::kNoObject, {{"xfer", rec.xfer}, {"pid", rec.dst}});
  co_await free_sub_block(cx, rec);
  write_location(index, LocationRecord{});
  if (w_->tracing()) w_->emit("shm.loc.clear", sim::kNoObject, {{"xfer", rec.xfer}});
}

}  // namespace ipcsim::shm

// Process-to-process transfer, zero-copy (the seed's second flow). The sender
// fills a sub-block of its OWN block (its own manager: only it and the engine
// ever contend for its block) and publishes a location record; the engine
// grants the destination read access to that sub-block and notifies it; the
// destination loads the record, reads in place, marks it consumed; the engine
// revokes the grant and frees the sub-block into the sender's manager.
#include "impl/shm/shm.hpp"

#include <vector>

#include "sim/check.hpp"

namespace ipcsim::shm {

sim::Task<SendResult> Shm::send(sim::Ctx cx, std::uint32_t slot, std::uint32_t dst_slot,
                                std::span<const std::byte> payload) {
  IPCSIM_ASSERT(slot < slots() && dst_slot < slots());
  if (!proc_[slot].registered) w_->usage_error("shm: '" + names_[slot] + "' sends without being registered");
  if (payload.empty()) w_->usage_error("shm: '" + names_[slot] + "' sends an empty payload");
  if (cfg_.transport == Transport::Pipe) co_return co_await send_pipe(cx, slot, dst_slot, payload);
  co_return co_await send_engine(cx, slot, dst_slot, payload);
}

sim::Task<SendResult> Shm::send_engine(sim::Ctx cx, std::uint32_t slot, std::uint32_t dst_slot,
                                       std::span<const std::byte> payload) {
  const Bugs& bugs = cfg_.bugs;
  co_await cx.compute(cfg_.costs.api_call);
  const std::uint64_t xfer = w_->new_flow_id();
  const std::uint64_t n = payload.size();
  const std::uint64_t sum = fnv1a64(payload.data(), payload.size());
  std::uint32_t fill_slot = slot;
  std::uint32_t mgr = proc_[slot].mgr;
  if (bugs.fill_destination_block) {
    // The literal "destination's manager": look the destination up, fill its block.
    co_await lock_admin(cx);
    const RegistryRecord d = read_registry(dst_slot);
    co_await unlock_admin(cx);
    if ((d.flags & kRegistered) != 0 && d.mgr != 0) {
      fill_slot = dst_slot;
      mgr = static_cast<std::uint32_t>(d.mgr);
    }
  }
  sim::Mutex& block_lock = *handles_[fill_slot].block_lock;
  auto fail = [&](const char* reason) {
    if (w_->tracing()) {
      const RegistryRecord d = read_registry(dst_slot);
      w_->emit("shm.send", sim::kNoObject,
               {{"xfer", xfer}, {"src", cx.id()}, {"dst", d.pid}, {"bytes", n}, {"sum", sum}, {"flow_out", xfer}});
      w_->emit("shm.send.failed", sim::kNoObject, {{"xfer", xfer}, {"src", cx.id()}, {"dst", d.pid}, {"reason", reason}});
    }
  };
  co_await block_lock.lock();
  const BuddyAlloc sub = manager_alloc(mgr, n, cx.id());
  if (!sub) {
    // Out of memory is an error returned to the initiator, never a crash;
    // nothing else changes.
    fail(sub.error == BuddyError::TooLarge ? "too_large" : "oom");
    co_await block_lock.unlock();
    co_return SendResult{sub.error == BuddyError::TooLarge ? SendStatus::TooLarge : SendStatus::Oom, xfer};
  }
  if (bugs.fill_destination_block && fill_slot != slot) {
    touch_books(sim::AccessMode::Write);
    filled_by_.emplace_back(cx.id(), sub.offset);
  }
  auto write_payload = [&] {
    if (check_access(slot, sub.offset, n, AccessMode::Write)) data_->write(sub.offset, payload);
    if (w_->tracing()) w_->emit("shm.payload.write", sim::kNoObject, {{"xfer", xfer}, {"rel", sub.offset}, {"bytes", n}});
  };
  if (!bugs.publish_before_write) write_payload();
  if (!bugs.block_before_admin) co_await block_lock.unlock();
  if (!bugs.skip_admin_lock) co_await lock_admin(cx);
  // Under the admin lock: the destination's registration, a free location
  // record, then the hand-over (shm.send) and the record, in one step.
  const RegistryRecord d = read_registry(dst_slot);
  std::optional<std::uint32_t> index;
  if ((d.flags & kRegistered) != 0 && (d.flags & kDeregistering) == 0) {
    for (std::uint32_t i = 0; i < layout_.records && !index; ++i) {
      if (read_location(i).state == LocState::Free) index = i;
    }
  }
  if (!index) {
    const bool unknown = (d.flags & kRegistered) == 0 || (d.flags & kDeregistering) != 0;
    fail(unknown ? "dst_unknown" : "oom");  // no free location record: out of admin memory
    if (!bugs.skip_admin_lock) co_await unlock_admin(cx);
    if (!bugs.block_before_admin) co_await block_lock.lock();
    manager_free(mgr, sub.offset, cx.id());
    co_await block_lock.unlock();
    co_return SendResult{unknown ? SendStatus::DstUnknown : SendStatus::Oom, xfer};
  }
  if (w_->tracing()) {
    w_->emit("shm.send", sim::kNoObject,
             {{"xfer", xfer}, {"src", cx.id()}, {"dst", d.pid}, {"bytes", n}, {"sum", sum}, {"flow_out", xfer}});
  }
  const LocationRecord rec{.state = LocState::Published, .xfer = xfer, .src = cx.id(), .dst = d.pid,
                           .rel = sub.offset, .bytes = n, .order = 0, .src_slot = slot, .mgr = mgr,
                           .publish_flow = w_->new_flow_id(), .notify_flow = 0};
  write_location(*index, rec);
  if (w_->tracing()) {
    w_->emit("shm.loc.write", sim::kNoObject,
             {{"xfer", xfer}, {"src", cx.id()}, {"dst", d.pid}, {"rel", sub.offset}, {"bytes", n},
              {"flow_out", rec.publish_flow}});
  }
  if (!bugs.skip_admin_lock) co_await unlock_admin(cx);
  if (bugs.block_before_admin) co_await block_lock.unlock();
  if (bugs.publish_before_write) {
    co_await cx.yield();  // the record is out: the payload follows in a later step
    write_payload();
  }
  co_await signal_engine(cx, "request");
  co_return SendResult{SendStatus::Posted, xfer};
}

sim::Task<std::optional<Message>> Shm::receive(sim::Ctx cx, std::uint32_t slot, std::vector<std::uint32_t> senders) {
  IPCSIM_ASSERT(slot < slots());
  if (!proc_[slot].registered) w_->usage_error("shm: '" + names_[slot] + "' receives without being registered");
  if (cfg_.transport == Transport::Pipe) co_return co_await receive_pipe(cx, slot, std::move(senders));
  co_await cx.compute(cfg_.costs.api_call);
  const sim::ActorId me = cx.id();
  LocationRecord rec;
  std::uint32_t index = 0;
  for (;;) {
    co_await lock_admin(cx);
    bool found = false;
    for (std::uint32_t i = 0; i < layout_.records; ++i) {
      const LocationRecord r = read_location(i);
      if (r.state == LocState::Granted && r.dst == me && (!found || r.order < rec.order)) {
        rec = r;
        index = i;
        found = true;
      }
    }
    if (found) {
      if (w_->tracing()) w_->emit("shm.loc.load", sim::kNoObject, {{"xfer", rec.xfer}, {"dst", me}, {"flow_in", rec.notify_flow}});
      co_await unlock_admin(cx);
      break;
    }
    const bool gone = senders_gone(slot, senders);
    co_await unlock_admin(cx);
    if (gone) co_return std::nullopt;
    co_await wait_notification(slot);
  }
  // Map (relative -> data-region offset: rel already is one) and read in place.
  std::vector<std::byte> bytes(rec.bytes);
  if (check_access(slot, rec.rel, rec.bytes, AccessMode::Read)) data_->read(rec.rel, bytes);
  co_await cx.yield();  // the read's cost is charged at the end of the step above: done now
  Message m{.xfer = rec.xfer, .src = static_cast<sim::ActorId>(rec.src),
            .src_slot = static_cast<std::uint32_t>(rec.src_slot), .bytes = rec.bytes,
            .sum = fnv1a64(bytes.data(), bytes.size())};
  // Received and consumed in one step, under the admin lock: a destination
  // that dies after its read but before this step has not received the
  // transfer (the engine fails it), and one that gets here has (nothing can
  // fail it any more).
  co_await lock_admin(cx);
  LocationRecord now = read_location(index);
  if (now.state == LocState::Granted && now.xfer == rec.xfer) {
    if (w_->tracing()) {
      w_->emit("shm.recv", sim::kNoObject,
               {{"xfer", m.xfer}, {"src", m.src}, {"dst", me}, {"bytes", m.bytes}, {"sum", m.sum}, {"flow_in", m.xfer}});
    }
    touch_books(sim::AccessMode::Write);
    ++received_;
    now.state = LocState::Consumed;
    write_location(index, now);
    if (w_->tracing()) w_->emit("shm.loc.consume", sim::kNoObject, {{"xfer", rec.xfer}, {"dst", me}});
  }
  co_await unlock_admin(cx);
  co_await signal_engine(cx, "release");
  co_return m;
}

}  // namespace ipcsim::shm

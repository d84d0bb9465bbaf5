// The copy-based baseline (transport = "pipe"), the named pipe the seed argues
// against: the sender copies the payload from its block into the
// destination's pipe buffer (a region of its own, one message at a time), the
// destination copies it out into its own block. Both copies cost in
// proportion to the size (the regions' bytes_per_ns), which is the point of
// the comparison. No location record and no engine in the path.
#include "impl/shm/shm.hpp"

#include <vector>

namespace ipcsim::shm {
namespace {

struct PipeHeader {
  std::uint64_t xfer = 0;
  std::uint64_t src = 0;
  std::uint64_t src_slot = 0;
  std::uint64_t bytes = 0;
};

}  // namespace

sim::Task<SendResult> Shm::send_pipe(sim::Ctx cx, std::uint32_t slot, std::uint32_t dst_slot,
                                     std::span<const std::byte> payload) {
  co_await cx.compute(cfg_.costs.api_call);
  const std::uint64_t xfer = w_->new_flow_id();
  const std::uint64_t n = payload.size();
  const std::uint64_t sum = fnv1a64(payload.data(), payload.size());
  const ProcSide me = proc_[slot];
  sim::Mutex& block_lock = *handles_[slot].block_lock;
  // The payload is produced in the sender's own block, as for the engine.
  co_await block_lock.lock();
  const BuddyAlloc sub = manager_alloc(me.mgr, n, cx.id());
  auto fail = [&](sim::ActorId dst, const char* reason) {
    if (!w_->tracing()) return;
    w_->emit("shm.send", sim::kNoObject,
             {{"xfer", xfer}, {"src", cx.id()}, {"dst", dst}, {"bytes", n}, {"sum", sum}, {"flow_out", xfer}});
    w_->emit("shm.send.failed", sim::kNoObject, {{"xfer", xfer}, {"src", cx.id()}, {"dst", dst}, {"reason", reason}});
  };
  if (!sub) {
    fail(sim::kNoActor, sub.error == BuddyError::TooLarge ? "too_large" : "oom");
    co_await block_lock.unlock();
    co_return SendResult{sub.error == BuddyError::TooLarge ? SendStatus::TooLarge : SendStatus::Oom, xfer};
  }
  if (check_access(slot, sub.offset, n, AccessMode::Write)) data_->write(sub.offset, payload);
  if (w_->tracing()) w_->emit("shm.payload.write", sim::kNoObject, {{"xfer", xfer}, {"rel", sub.offset}, {"bytes", n}});
  co_await block_lock.unlock();
  const RegistryRecord d = co_await [&]() -> sim::Task<RegistryRecord> {
    co_await lock_admin(cx);
    const RegistryRecord r = read_registry(dst_slot);
    co_await unlock_admin(cx);
    co_return r;
  }();
  Handles& pipe = handles_[dst_slot];
  if ((d.flags & kRegistered) == 0 || (d.flags & kDeregistering) != 0 || n > cfg_.pipe_bytes) {
    fail(d.pid, (d.flags & kRegistered) == 0 || (d.flags & kDeregistering) != 0 ? "dst_unknown" : "too_large");
    co_await block_lock.lock();
    manager_free(me.mgr, sub.offset, cx.id());
    co_await block_lock.unlock();
    co_return SendResult{n > cfg_.pipe_bytes ? SendStatus::TooLarge : SendStatus::DstUnknown, xfer};
  }
  co_await pipe.pipe_empty->wait();
  // The hand-over starts here: copy out of the block, into the pipe.
  if (w_->tracing()) {
    w_->emit("shm.send", sim::kNoObject,
             {{"xfer", xfer}, {"src", cx.id()}, {"dst", d.pid}, {"bytes", n}, {"sum", sum}, {"flow_out", xfer}});
  }
  std::vector<std::byte> copy(n);
  if (check_access(slot, sub.offset, n, AccessMode::Read)) data_->read(sub.offset, copy);
  co_await cx.yield();  // the copy into the pipe is the next step's work
  pipe.pipe->put(0, PipeHeader{xfer, cx.id(), slot, n});
  pipe.pipe->write(sizeof(PipeHeader), copy);
  if (w_->tracing()) w_->emit("shm.pipe.write", sim::kNoObject, {{"xfer", xfer}, {"bytes", n}});
  co_await pipe.pipe_full->signal();
  co_await notify_process(dst_slot);
  co_await block_lock.lock();
  manager_free(me.mgr, sub.offset, cx.id());
  co_await block_lock.unlock();
  co_return SendResult{SendStatus::Delivered, xfer};
}

sim::Task<std::optional<Message>> Shm::receive_pipe(sim::Ctx cx, std::uint32_t slot,
                                                    std::vector<std::uint32_t> senders) {
  co_await cx.compute(cfg_.costs.api_call);
  Handles& pipe = handles_[slot];
  for (;;) {
    const bool full = co_await pipe.pipe_full->try_wait();
    if (full) break;
    co_await lock_admin(cx);
    const bool gone = senders_gone(slot, senders);
    co_await unlock_admin(cx);
    if (gone) co_return std::nullopt;
    co_await wait_notification(slot);
  }
  const PipeHeader h = pipe.pipe->get<PipeHeader>(0);
  std::vector<std::byte> bytes(h.bytes);
  pipe.pipe->read(sizeof(PipeHeader), bytes);
  const ProcSide me = proc_[slot];
  sim::Mutex& block_lock = *handles_[slot].block_lock;
  co_await block_lock.lock();
  const BuddyAlloc sub = manager_alloc(me.mgr, h.bytes, cx.id());
  if (sub && check_access(slot, sub.offset, h.bytes, AccessMode::Write)) data_->write(sub.offset, bytes);
  co_await cx.yield();  // the copy's cost is charged at the end of the step above: the bytes are in now
  if (w_->tracing()) w_->emit("shm.pipe.read", sim::kNoObject, {{"xfer", h.xfer}, {"bytes", h.bytes}});
  Message m{.xfer = h.xfer, .src = static_cast<sim::ActorId>(h.src), .src_slot = static_cast<std::uint32_t>(h.src_slot),
            .bytes = h.bytes, .sum = fnv1a64(bytes.data(), bytes.size())};
  if (w_->tracing()) {
    w_->emit("shm.recv", sim::kNoObject,
             {{"xfer", m.xfer}, {"src", m.src}, {"dst", cx.id()}, {"bytes", m.bytes}, {"sum", m.sum}, {"flow_in", m.xfer}});
  }
  touch_books(sim::AccessMode::Write);
  ++received_;
  if (sub) manager_free(me.mgr, sub.offset, cx.id());
  co_await block_lock.unlock();
  co_await pipe.pipe_empty->signal();
  co_return m;
}

}  // namespace ipcsim::shm

// The admin lock. Correct: a sim::Mutex (an atomic test-and-set with queued
// waiters and hand-off: no lost wake-up). Variant check_then_lock: a word in
// admin memory that a taker loads, and, seeing it free, stores its pid into
// in a later step: two takers can both see it free (the claims' first trap).
#include "impl/shm/shm.hpp"

namespace ipcsim::shm {

sim::Task<> Shm::lock_admin(sim::Ctx cx) {
  if (admin_lock_) {
    co_await admin_lock_->lock();
  } else {
    const std::uint64_t word_at = AdminLayout::header() + offsetof(AdminHeader, lock_word);
    for (;;) {
      const std::uint64_t holder = co_await admin_->load<std::uint64_t>(word_at);
      if (holder == 0) break;
      co_await cx.sleep(cfg_.costs.poll);  // held: look again later
    }
    co_await admin_->store<std::uint64_t>(word_at, cx.id());
  }
  if (w_->tracing()) w_->emit("shm.admin.acquire", sim::kNoObject, {{"pid", cx.id()}});
}

sim::Task<> Shm::unlock_admin(sim::Ctx cx) {
  if (w_->tracing()) w_->emit("shm.admin.release", sim::kNoObject, {{"pid", cx.id()}});
  if (admin_lock_) {
    co_await admin_lock_->unlock();
  } else {
    co_await admin_->store<std::uint64_t>(AdminLayout::header() + offsetof(AdminHeader, lock_word), 0);
  }
}

}  // namespace ipcsim::shm

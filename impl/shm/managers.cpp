// The memory managers: manager 0 (the space manager) hands out the processes'
// blocks from the whole data region; manager k (k >= 1) is the k-th
// registration's block, handing out sub-blocks for its transfers. Each is a
// BuddyAllocator (native bookkeeping, logically part of admin memory); every
// allocation and free is recorded, whoever does it.
#include "impl/shm/shm.hpp"

#include "sim/check.hpp"

namespace ipcsim::shm {

BuddyAlloc Shm::manager_alloc(std::uint32_t mgr, std::uint64_t bytes, sim::ActorId by) {
  touch_books(sim::AccessMode::Write);
  Manager& m = managers_.at(mgr);
  BuddyAlloc a = m.alloc.allocate(bytes);
  if (!a) {
    if (w_->tracing()) {
      w_->emit("shm.alloc.fail", sim::kNoObject,
               {{"mgr", mgr}, {"bytes", bytes}, {"error", a.error == BuddyError::TooLarge ? "too_large" : "oom"}});
    }
    return a;
  }
  a.offset += m.base;  // a data-region offset from here on
  if (w_->tracing()) {
    w_->emit("shm.alloc", sim::kNoObject,
             {{"mgr", mgr}, {"owner", m.owner}, {"rel", a.offset}, {"bytes", bytes}, {"granted", a.bytes}, {"by", by}});
  }
  return a;
}

void Shm::manager_free(std::uint32_t mgr, std::uint64_t rel, sim::ActorId by) {
  touch_books(sim::AccessMode::Write);
  Manager& m = managers_.at(mgr);
  const BuddyError e = m.alloc.free(rel - m.base);
  IPCSIM_ASSERT_MSG(e == BuddyError::None, "shm: a free of something the manager did not hand out");
  if (w_->tracing()) w_->emit("shm.free", sim::kNoObject, {{"mgr", mgr}, {"rel", rel}, {"by", by}});
}

std::uint32_t Shm::new_manager(sim::ActorId owner, std::uint64_t rel, std::uint64_t bytes) {
  touch_books(sim::AccessMode::Write);
  const std::uint32_t mgr = next_mgr_++;
  BuddyConfig c{.min_block_bytes = cfg_.min_block, .max_order = 0, .bugs = {.no_coalesce = cfg_.bugs.no_coalesce}};
  while ((cfg_.min_block << c.max_order) < bytes) ++c.max_order;
  managers_.emplace(mgr, Manager{BuddyAllocator(c), rel, owner});
  return mgr;
}

void Shm::retire_manager(std::uint32_t mgr, sim::ActorId owner) {
  touch_books(sim::AccessMode::Write);
  if (w_->tracing()) w_->emit("shm.manager.retire", sim::kNoObject, {{"pid", owner}, {"mgr", mgr}});
  managers_.erase(mgr);
}

sim::ActorId Shm::owner_of(std::uint64_t rel) const {
  for (const auto& [mgr, m] : managers_) {
    if (mgr != 0 && rel >= m.base && rel < m.base + m.alloc.capacity_bytes()) return m.owner;
  }
  return sim::kNoActor;
}

}  // namespace ipcsim::shm

// Isolation: the one check every data-region access by a process passes. A
// process reaches its own block, or a range the engine granted it for
// reading; anything else is refused, traced, and not done.
#include "impl/shm/shm.hpp"

#include <algorithm>

namespace ipcsim::shm {

bool Shm::check_access(std::uint32_t slot, std::uint64_t rel, std::uint64_t bytes, AccessMode mode) {
  touch_books(sim::AccessMode::Read);
  const ProcSide& me = proc_[slot];
  const sim::ActorId owner = owner_of(rel);
  const bool own = me.registered && rel >= me.rel && rel + bytes <= me.rel + me.bytes;
  const bool granted = mode == AccessMode::Read && std::any_of(grants_.begin(), grants_.end(), [&](const Grant& g) {
                         return g.pid == me.pid && rel >= g.rel && rel + bytes <= g.rel + g.bytes;
                       });
  // Broken variants: a peer's block read without a grant (direct_access); a
  // sub-block the sender filled in the destination's block (fill_destination_block).
  const bool let_through =
      (cfg_.bugs.direct_access && mode == AccessMode::Read) ||
      (cfg_.bugs.fill_destination_block &&
       std::find(filled_by_.begin(), filled_by_.end(), std::pair{me.pid, rel}) != filled_by_.end());
  const bool allowed = own || granted || let_through;
  if (w_->tracing()) {
    w_->emit(allowed ? "shm.access" : "shm.access.refused", sim::kNoObject,
             {{"pid", me.pid},
              {"rel", rel},
              {"bytes", bytes},
              {"mode", mode == AccessMode::Read ? "read" : "write"},
              {"owner", owner}});
  }
  return allowed;
}

bool Shm::try_read(std::uint32_t slot, std::uint64_t rel, std::uint64_t bytes) {
  if (!check_access(slot, rel, bytes, AccessMode::Read)) return false;
  std::vector<std::byte> out(bytes);
  data_->read(rel, out);
  return true;
}

}  // namespace ipcsim::shm

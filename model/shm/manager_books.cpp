#include "model/shm/manager_books.hpp"

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {

void ManagerBooks::apply(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "shm.create") {
    managers_.clear();
    min_block_ = u(r, "min_block") == 0 ? 1 : u(r, "min_block");
    managers_[0] = BookedManager{0, 0, u(r, "data_bytes"), sim::kNoActor, {}};
  } else if (k == "shm.manager.assign") {
    const std::uint64_t id = u(r, "mgr");
    managers_[id] = BookedManager{id, u(r, "rel"), u(r, "bytes"), u(r, "pid"), {}};
  } else if (k == "shm.alloc") {
    auto it = managers_.find(u(r, "mgr"));
    if (it == managers_.end()) return;
    const std::uint64_t rel = u(r, "rel");
    it->second.live[rel] = BookedAllocation{rel, u(r, "granted"), u(r, "bytes"), r.actor, r.time};
  } else if (k == "shm.free") {
    const std::uint64_t id = u(r, "mgr");
    auto it = managers_.find(id);
    if (it == managers_.end()) return;
    const std::uint64_t rel = u(r, "rel");
    it->second.live.erase(rel);
    if (id == 0) {
      // The block went back to the space manager: its own manager goes with it.
      if (auto sub = manager_of_block(rel)) managers_.erase(*sub);
    }
  }
}

const BookedManager* ManagerBooks::manager(std::uint64_t id) const {
  auto it = managers_.find(id);
  return it == managers_.end() ? nullptr : &it->second;
}

const BookedAllocation* ManagerBooks::overlapping(std::uint64_t id, std::uint64_t rel, std::uint64_t bytes) const {
  const BookedManager* m = manager(id);
  if (m == nullptr) return nullptr;
  // Live allocations do not overlap one another (no_overlap checks it), so the
  // one starting last at or before the end is the only candidate... unless they
  // do: scan the few that start before the end.
  for (auto it = m->live.begin(); it != m->live.end() && it->first < rel + bytes; ++it) {
    if (it->first + it->second.granted > rel) return &it->second;
  }
  return nullptr;
}

std::optional<std::uint64_t> ManagerBooks::manager_of_block(std::uint64_t rel) const {
  for (const auto& [id, m] : managers_) {
    if (id != 0 && m.base == rel) return id;
  }
  return std::nullopt;
}

std::optional<sim::ActorId> ManagerBooks::block_holder(std::uint64_t rel) const {
  for (const auto& [id, m] : managers_) {
    if (id != 0 && rel >= m.base && rel < m.base + m.bytes) return m.serves;
  }
  return std::nullopt;
}

std::vector<FreeRange> ManagerBooks::expected_free(std::uint64_t id) const {
  std::vector<FreeRange> out;
  if (const BookedManager* m = manager(id)) expected_free(*m, m->base, m->bytes, out);
  return out;
}

// The range [rel, rel + bytes) is one buddy node: free as a whole when nothing
// live overlaps it; nothing when it is exactly a live allocation (or smaller
// than the minimum block); otherwise its two halves, each judged alike.
void ManagerBooks::expected_free(const BookedManager& m, std::uint64_t rel, std::uint64_t bytes,
                                 std::vector<FreeRange>& out) const {
  const BookedAllocation* a = overlapping(m.id, rel, bytes);
  if (a == nullptr) {
    out.push_back(FreeRange{rel, bytes});
    return;
  }
  if ((a->rel == rel && a->granted == bytes) || bytes <= min_block_ || bytes % 2 != 0) return;
  expected_free(m, rel, bytes / 2, out);
  expected_free(m, rel + bytes / 2, bytes / 2, out);
}

}  // namespace ipcsim::model::shm

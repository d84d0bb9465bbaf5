#include "model/shm/no_overlap_monitor.hpp"

#include <bit>

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {

std::string NoOverlapMonitor::manager_name(std::uint64_t id) const {
  if (id == 0) return "the space manager (0)";
  const BookedManager* m = books_.manager(id);
  if (m == nullptr) return "manager " + num(id);
  return "manager " + num(id) + " (the block of " + actor_name(m->serves) + ")";
}

void NoOverlapMonitor::check_alloc(const sim::TraceRecord& r) {
  ++allocations_;
  const std::uint64_t id = u(r, "mgr");
  const std::uint64_t rel = u(r, "rel");
  const std::uint64_t asked = u(r, "bytes");
  const std::uint64_t granted = u(r, "granted");
  const BookedManager* m = books_.manager(id);
  const std::string what = who(r.actor) + " got " + range(rel, granted) + " (asked " + num(asked) + " bytes) from " +
                           manager_name(id);
  if (m == nullptr) {
    violate(r, what + ", which manages no block: it was never assigned, or its block was freed");
    return;
  }
  const std::uint64_t min = books_.min_block();
  if (!std::has_single_bit(granted) || granted < min) {
    violate(r, what + ": its size is not a power of two of at least the minimum block (" + num(min) + " bytes)");
  } else if (granted < asked) {
    violate(r, what + ": smaller than asked");
  } else if (granted >= 2 * asked && granted != min) {
    violate(r, what + ": twice what was asked or more, and not the minimum block: not rounded to the next size");
  } else if (rel < m->base || rel + granted > m->base + m->bytes) {
    violate(r, what + ": outside its range " + range(m->base, m->bytes));
  } else if ((rel - m->base) % granted != 0) {
    violate(r, what + ": not aligned to its size within " + range(m->base, m->bytes));
  } else if (const BookedAllocation* other = books_.overlapping(id, rel, granted)) {
    violate(r, what + ", which overlaps " + range(other->rel, other->granted) + ", live since " + who(other->by) +
                   " got it at " + at_time(other->at));
  }
}

void NoOverlapMonitor::check_free(const sim::TraceRecord& r) {
  const std::uint64_t id = u(r, "mgr");
  const std::uint64_t rel = u(r, "rel");
  const BookedManager* m = books_.manager(id);
  if (m == nullptr) {
    violate(r, who(r.actor) + " freed offset " + num(rel) + " into " + manager_name(id) +
                   ", which manages no block: it was never assigned, or its block was freed");
  } else if (m->live.count(rel) == 0) {
    violate(r, who(r.actor) + " freed offset " + num(rel) + " into " + manager_name(id) +
                   ", where nothing live starts there: a double free, or a free of what was never allocated");
  }
}

void NoOverlapMonitor::check_assign(const sim::TraceRecord& r) {
  const std::uint64_t rel = u(r, "rel");
  const std::uint64_t bytes = u(r, "bytes");
  const BookedManager* space = books_.manager(0);
  const auto it = space == nullptr ? decltype(space->live)::const_iterator{} : space->live.find(rel);
  if (space == nullptr || it == space->live.end() || it->second.granted != bytes) {
    violate(r, "manager " + num(u(r, "mgr")) + " of " + actor_name(u(r, "pid")) + " was assigned over " +
                   range(rel, bytes) + ", which is not a block the space manager handed out");
    return;
  }
  if (auto other = books_.manager_of_block(rel)) {
    violate(r, "manager " + num(u(r, "mgr")) + " of " + actor_name(u(r, "pid")) + " was assigned over " +
                   range(rel, bytes) + ", which " + manager_name(*other) + " already manages");
  }
}

void NoOverlapMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "shm.alloc") {
    check_alloc(r);
  } else if (k == "shm.free") {
    check_free(r);
  } else if (k == "shm.manager.assign") {
    check_assign(r);
  }
  books_.apply(r);
}

}  // namespace ipcsim::model::shm

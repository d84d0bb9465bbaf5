#include "model/shm/coalesced_at_end_monitor.hpp"

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {
namespace {

std::string ranges(const std::set<FreeRange>& rs) {
  if (rs.empty()) return "none";
  std::string out;
  for (const FreeRange& f : rs) out += (out.empty() ? "" : " ") + range(f.rel, f.bytes);
  return out;
}

// The ranges of `a` not in `b`.
std::set<FreeRange> minus(const std::set<FreeRange>& a, const std::set<FreeRange>& b) {
  std::set<FreeRange> out;
  for (const FreeRange& f : a) {
    if (b.count(f) == 0) out.insert(f);
  }
  return out;
}

}  // namespace

std::string CoalescedAtEndMonitor::manager_name(std::uint64_t id) const {
  if (id == 0) return "the space manager (0)";
  const BookedManager* m = books_.manager(id);
  return "manager " + num(id) + (m == nullptr ? "" : " (the block of " + actor_name(m->serves) + ")");
}

void CoalescedAtEndMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "shm.end.free") {
    end_free_[u(r, "mgr")].insert(FreeRange{u(r, "rel"), u(r, "bytes")});
  } else if (k == "shm.end.live") {
    end_live_[u(r, "mgr")].insert(FreeRange{u(r, "rel"), u(r, "bytes")});
  } else if (k == "shm.manager.assign") {
    registered_.insert(u(r, "pid"));
  }
  books_.apply(r);
}

void CoalescedAtEndMonitor::at_end(const sim::RunResult&) {
  if (!created()) return;
  bool all_ended = !registered_.empty();
  for (sim::ActorId p : registered_) all_ended = all_ended && is_gone(p);
  for (const auto& [id, m] : books_.managers()) {
    ++checked_;
    const auto free_it = end_free_.find(id);
    const auto live_it = end_live_.find(id);
    if (free_it == end_free_.end() && live_it == end_live_.end()) {
      violate_at_end("no end-of-run observation of " + manager_name(id) + ": what it holds cannot be judged");
      return;
    }
    const std::set<FreeRange> seen_free = free_it == end_free_.end() ? std::set<FreeRange>{} : free_it->second;
    const std::set<FreeRange> seen_live = live_it == end_live_.end() ? std::set<FreeRange>{} : live_it->second;
    std::set<FreeRange> booked_live;
    for (const auto& [rel, a] : m.live) booked_live.insert(FreeRange{rel, a.granted});
    if (seen_live != booked_live) {
      const std::set<FreeRange> extra = minus(seen_live, booked_live);
      const std::set<FreeRange> gone = minus(booked_live, seen_live);
      std::string what;
      if (!extra.empty()) what += " still holds allocated " + ranges(extra) + ", which the records say is free";
      if (!gone.empty()) {
        what += std::string(extra.empty() ? "" : " and") + " no longer holds " + ranges(gone) +
                ", which was handed out and never freed";
      }
      violate_at_end(manager_name(id) + what);
      return;
    }
    if (all_ended && !m.live.empty()) {
      const BookedAllocation& a = m.live.begin()->second;
      violate_at_end("every process has ended, but " + manager_name(id) + " still holds " +
                     range(a.rel, a.granted) + " (got by " + who(a.by) + " at " + at_time(a.at) +
                     "): it is not back to its single free block");
      return;
    }
    const std::vector<FreeRange> expected_list = books_.expected_free(id);
    const std::set<FreeRange> expected(expected_list.begin(), expected_list.end());
    if (seen_free != expected) {
      violate_at_end(manager_name(id) + " ends holding free " + ranges(seen_free) + "; fully coalesced it would hold " +
                     ranges(expected));
      return;
    }
  }
}

}  // namespace ipcsim::model::shm

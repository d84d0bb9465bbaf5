#include "model/scan/monitors.hpp"

namespace ipcsim::model::scan {

void ChainMonitor::observe(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "scan.link") {
    const auto from = static_cast<std::uint32_t>(u(r, "from"));
    const auto to = static_cast<std::uint32_t>(u(r, "to"));
    if (from == 0) {
      head_ = to;
    } else {
      next_[from] = to;
    }
  } else if (k == "scan.tail") {
    tail_ = static_cast<std::uint32_t>(u(r, "slot"));
  } else if (k == "scan.post") {
    live_[static_cast<std::uint32_t>(u(r, "slot"))] = u(r, "msg");
    check(r);
  } else if (k == "scan.remove") {
    live_.erase(static_cast<std::uint32_t>(u(r, "slot")));
    check(r);
  }
}

// Walks the links as the books have them: one chain through every slot in
// the list, from the head pointer to the tail pointer.
void ChainMonitor::check(const sim::TraceRecord& r) {
  std::set<std::uint32_t> seen;
  std::uint32_t last = 0;
  for (std::uint32_t s = head_; s != 0;) {
    if (live_.count(s) == 0) {
      violate(r, "the list's links reach slot " + std::to_string(s) + ", which holds no message" +
                     (last == 0 ? " (the head pointer)" : " (from slot " + std::to_string(last) + ")"));
      return;
    }
    if (!seen.insert(s).second) {
      violate(r, "the list's links form a cycle through slot " + std::to_string(s));
      return;
    }
    last = s;
    auto it = next_.find(s);
    s = it == next_.end() ? 0 : it->second;
  }
  if (seen.size() != live_.size()) {
    for (const auto& [slot, msg] : live_) {
      if (seen.count(slot) == 0) {
        violate(r, "slot " + std::to_string(slot) + " (" + msg_name(msg) +
                       ") is in the list but no link from the head reaches it");
        return;
      }
    }
  }
  if (last != tail_) {
    violate(
        r, "the chain ends at slot " + std::to_string(last) + " but the tail pointer is slot " + std::to_string(tail_));
  }
}

void LiveSlotsMonitor::observe(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  const auto slot = static_cast<std::uint32_t>(u(r, "slot"));
  if (k == "scan.post") {
    live_[slot] = u(r, "msg");
  } else if (k == "scan.remove") {
    live_.erase(slot);
    removed_[slot] = u(r, "msg");
  } else if (k == "scan.inspect" && live_.count(slot) == 0) {
    auto it = removed_.find(slot);
    violate(r, "a scan inspected slot " + std::to_string(slot) + ", which is free" +
                   (it == removed_.end() ? std::string(" (never used)")
                                         : " (" + msg_name(it->second) + " was removed from it)"));
  }
}

}  // namespace ipcsim::model::scan

#include "model/rtos/sections_monitor.hpp"

#include <algorithm>

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

void SectionsMonitor::forget(std::uint64_t rtos) {
  for (auto it = sections_.lower_bound(key(rtos, 0)); it != sections_.end() && (it->first >> 32) == rtos;) {
    it = sections_.erase(it);
  }
}

void SectionsMonitor::forwarded(const sim::TraceRecord& r, std::uint64_t real) {
  auto it = sections_.find(real);
  if (it == sections_.end()) return;
  for (const Section& s : it->second) {
    auto gap = std::find(s.filled.begin(), s.filled.end(), 0);
    if (gap != s.filled.end()) {
      violate(r, "message " + num(real & 0xFFFFFFFFu) + " forwarded by " + actor_name(r.actor) + " to exchange " +
                     exchange_name(key(r, "xchg")) + " before the section of proxy " + num(s.proxy) +
                     " was filled (byte " + num(s.lo + static_cast<std::uint64_t>(gap - s.filled.begin())) +
                     " never written)");
      return;
    }
  }
  sections_completed_ += it->second.size();
  sections_.erase(it);
}

void SectionsMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "rtos.msg.send") {
    forwarded(r, key(r, "msg"));
  } else if (k == "rtos.msg.make") {
    const std::uint64_t real = u(r, "proxy_of");
    if (real == 0) return;
    sections_[key(u(r, "rtos"), real)].push_back(
        Section{u(r, "msg"), u(r, "dbp"), std::vector<std::uint8_t>(u(r, "bytes"), 0)});
  } else if (k == "rtos.msg.write") {
    const std::uint64_t real = u(r, "proxy_of") != 0 ? u(r, "proxy_of") : u(r, "msg");
    auto it = sections_.find(key(u(r, "rtos"), real));
    if (it == sections_.end()) return;
    const std::uint64_t lo = u(r, "lo");
    const std::uint64_t hi = u(r, "hi");
    for (Section& sec : it->second) {
      const std::uint64_t a = std::max(lo, sec.lo);
      const std::uint64_t e = std::min(hi, sec.lo + sec.filled.size());
      for (std::uint64_t byte = a; byte < e; ++byte) {
        if (sec.filled[byte - sec.lo]++ != 0) {
          violate(r, "byte " + num(byte) + " of the section of proxy " + num(sec.proxy) + " (message " + num(real) +
                         ") filled twice, the second time by " + actor_name(r.actor));
          return;
        }
      }
    }
  } else if (k == "rtos.msg.rel" || k == "rtos.msg.unmake") {
    if (u(r, "proxy_of") == 0) sections_.erase(key(r, "msg"));  // the assembly was abandoned
  }
}

}  // namespace ipcsim::model::rtos

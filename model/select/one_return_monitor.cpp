#include <bit>

#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

void OneReturnMonitor::watch(const sim::TraceRecord& r) {
  if (r.kind == "select.call") {
    if (auto it = pending_.find(r.actor); it != pending_.end()) {
      violate(r, actor_name(r.actor) + " called select() again while its call " + std::to_string(it->second.call) +
                     " had not returned");
    }
    pending_[r.actor] = {u(r, "call"), r.cpu, {u(r, "r"), u(r, "w"), u(r, "e")}};
  } else if (r.kind == "select.return") {
    auto it = pending_.find(r.actor);
    if (it == pending_.end() || it->second.call != u(r, "call")) {
      violate(r, "select() call " + std::to_string(u(r, "call")) + " of " + actor_name(r.actor) +
                     " returned again (or without being called)");
      return;
    }
    const Pending p = it->second;
    pending_.erase(it);
    const std::int64_t count = i(r, "count");
    const std::uint64_t out[3] = {u(r, "r"), u(r, "w"), u(r, "e")};
    if (count == -1) return;  // an error (a bad FD): the masks say nothing
    const int bits = std::popcount(out[0]) + std::popcount(out[1]) + std::popcount(out[2]);
    if (count != bits) {
      violate(r, "select() of " + actor_name(r.actor) + " returned " + std::to_string(count) + " but set " +
                     std::to_string(bits) + " bits");
    }
    for (int e = 0; e < 3; ++e) {
      if ((out[e] & ~p.in[e]) != 0) {
        violate(r, "select() of " + actor_name(r.actor) + " returned FD " +
                       std::to_string(std::countr_zero(out[e] & ~p.in[e])) + " for " + event_name(e) +
                       ", which it did not ask for");
      }
    }
  } else if (r.kind == "cpu.crash") {
    std::erase_if(pending_, [&](const auto& kv) { return kv.second.cpu == r.cpu; });
  }
}

}  // namespace ipcsim::model::select

#include "model/shm/published_complete_monitor.hpp"

#include <vector>

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {

std::string PublishedCompleteMonitor::missing(const Steps& s) {
  std::vector<std::string> parts;
  if (!s.handles) parts.emplace_back("its handles");
  if (!s.stored) parts.emplace_back("its registry record");
  if (!s.assigned) parts.emplace_back("an assigned manager");
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

void PublishedCompleteMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "shm.register.begin") {
    steps_[u(r, "pid")] = Steps{};
  } else if (k == "shm.handles") {
    steps_[u(r, "pid")].handles = true;
  } else if (k == "shm.registry.store") {
    steps_[u(r, "pid")].stored = true;
  } else if (k == "shm.manager.assign") {
    steps_[u(r, "pid")].assigned = true;
  } else if (k == "shm.registered") {
    steps_[u(r, "pid")].flag = true;
  } else if (k == "shm.engine.signal" && s(r, "what") == "registered") {
    const sim::ActorId pid = u(r, "pid");
    const std::string lacking = missing(steps_[pid]);
    if (!lacking.empty()) {
      violate(r, who(r.actor) + " signalled the engine that " + actor_name(pid) +
                     " is registered, but its registration lacks " + lacking);
    }
  } else if (k == "shm.engine.cache") {
    ++caches_;
    const sim::ActorId pid = u(r, "pid");
    auto it = steps_.find(pid);
    if (it == steps_.end() || !it->second.flag) {
      violate(r, who(r.actor) + " cached the record of " + actor_name(pid) + ", whose registered flag is not set");
      return;
    }
    const std::string lacking = missing(it->second);
    if (!lacking.empty()) {
      violate(r, who(r.actor) + " cached the record of " + actor_name(pid) + ", which lacks " + lacking);
    }
  }
}

}  // namespace ipcsim::model::shm

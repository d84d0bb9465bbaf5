#include "model/shm/two_contenders_monitor.hpp"

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {

void TwoContendersMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  const char* what = nullptr;
  if (k == "mutex.lock") {
    what = "holds";
  } else if (k == "sim.block") {
    what = "waits for";
  } else if (k == "mutex.busy") {
    what = "tried";
  } else {
    return;
  }
  const std::optional<sim::ActorId> owner = block_lock_owner(r.object);
  if (!owner) return;
  ++checked_;
  if (r.actor == *owner || is_engine(r.actor)) return;
  violate(r, who(r.actor) + " " + what + " " + lock_name(r.object) + ": only " + actor_name(*owner) +
                 " and the engine may contend for a block's lock");
}

}  // namespace ipcsim::model::shm

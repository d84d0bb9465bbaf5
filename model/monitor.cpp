#include "model/monitor.hpp"

namespace ipcsim::model {

void Monitor::attach(sim::World& world, bool stop_on_violation) {
  world_ = &world;
  stop_ = stop_on_violation;
  world.attach(*this);
}

void Monitor::on_record(const sim::TraceRecord& r) {
  // Our own violation marks come back to us as records: they are not evidence.
  if (r.kind == "property.violation") return;
  last_seq_ = r.seq;
  last_time_ = r.time;
  if (r.kind == "sim.spawn") {
    if (const auto* n = r.field("name")) actor_names_[r.actor] = std::string(n->s);
  } else if (r.kind == "sim.object") {
    if (const auto* n = r.field("name")) object_names_[r.object] = std::string(n->s);
  }
  observe(r);
}

std::string Monitor::actor_name(sim::ActorId id) const {
  auto it = actor_names_.find(id);
  const std::string number = "#" + std::to_string(id);
  return it == actor_names_.end() ? number : "'" + it->second + "' (" + number + ")";
}

std::string Monitor::object_name(sim::ObjectId id) const {
  auto it = object_names_.find(id);
  return it == object_names_.end() ? "object #" + std::to_string(id) : "'" + it->second + "'";
}

std::optional<std::string> Monitor::declared_object_name(sim::ObjectId id) const {
  auto it = object_names_.find(id);
  if (it == object_names_.end()) return std::nullopt;
  return "'" + it->second + "'";
}

void Monitor::finish(const sim::RunResult& result) {
  IPCSIM_ASSERT_MSG(!finished_, "Monitor::finish called twice");
  finished_ = true;
  at_end(result);
}

void Monitor::violate(const sim::TraceRecord& at, std::string message) {
  record_violation(at.seq, at.time, std::move(message));
}

void Monitor::violate_at_end(std::string message) { record_violation(last_seq_, last_time_, std::move(message)); }

void Monitor::record_violation(std::uint64_t seq, sim::Instant time, std::string message) {
  if (violation_) return;  // the first one is the one that matters
  violation_ = Violation{property_, seq, time, std::move(message)};
  if (world_ == nullptr) return;
  if (world_->tracing()) {
    world_->emit("property.violation", sim::kNoObject,
                 {{"property", violation_->property}, {"message", violation_->message}, {"at", seq}});
  }
  if (stop_) world_->stop("property '" + property_ + "' violated: " + violation_->message);
}

}  // namespace ipcsim::model

// Monitors: properties checked by watching a run's trace.
//
// A Monitor is an Observer that keeps one named property ("pool_origin",
// "no_double_delivery", "lock_order", ...). It sees every record as it is
// emitted and may declare the property violated at a record, or at the end of
// the run (finish(): leaks at quiescence, say). Only the first violation is
// kept. Monitors read the trace, never the mechanism's objects, so the same
// monitor serves the fuzzer, the model checker and replays (DESIGN.md: impl/
// never includes model/).
//
//   class NoDrops final : public model::Monitor {
//    public:
//     NoDrops() : Monitor("no_drops") {}
//     void observe(const sim::TraceRecord& r) override {
//       if (r.kind == "bus.drop") violate(r, "message dropped");
//     }
//   };
//   NoDrops m;  m.attach(world);   // attaches it and lets it mark the trace
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace ipcsim::model {

struct Violation {
  std::string property;
  std::uint64_t record_seq = 0;  // the trace record it was seen at (the last one, for end-of-run checks)
  sim::Instant time{};
  std::string message;
};

class Monitor : public sim::Observer {
 public:
  explicit Monitor(std::string property) : property_(std::move(property)) {}

  const std::string& property() const { return property_; }
  bool violated() const { return violation_.has_value(); }
  const std::optional<Violation>& violation() const { return violation_; }

  // Attaches to `world`. A violation then also becomes a "property.violation"
  // record in the trace (fields: property, message, at = the record's seq), so
  // diagrams can mark it, and with stop_on_violation the run ends there.
  void attach(sim::World& world, bool stop_on_violation = false);

  void on_record(const sim::TraceRecord& r) final;
  // Checks that only hold once the run is over (nothing leaked, every round
  // complete). Called once, after World::run returns.
  virtual void finish(const sim::RunResult& result);

 protected:
  virtual void observe(const sim::TraceRecord& r) = 0;
  virtual void at_end(const sim::RunResult&) {}
  void violate(const sim::TraceRecord& at, std::string message);
  void violate_at_end(std::string message);
  // Names declared so far by sim.spawn / sim.object records: "'slave2' (#5)".
  std::string actor_name(sim::ActorId id) const;
  std::string object_name(sim::ObjectId id) const;
  // The quoted name when a sim.object record declared one, else nothing.
  std::optional<std::string> declared_object_name(sim::ObjectId id) const;

 private:
  void record_violation(std::uint64_t seq, sim::Instant time, std::string message);
  std::string property_;
  std::optional<Violation> violation_;
  sim::World* world_ = nullptr;
  bool stop_ = false;
  bool finished_ = false;
  std::uint64_t last_seq_ = 0;
  sim::Instant last_time_{};
  std::map<sim::ActorId, std::string> actor_names_;
  std::map<sim::ObjectId, std::string> object_names_;
};

}  // namespace ipcsim::model

// Trace records and the observer API.
//
// Every observable step of a run becomes a TraceRecord (time, cpu, actor, kind,
// object, fields). Kinds are namespaced strings: "sim.spawn", "mutex.lock",
// "bus.deliver", and later "rtos.msg.make", "select.agent.notify", ... Observers
// subscribe to records, to step footprints and to choices; the JSON Lines writer
// (sim/jsonl_writer.hpp) is one observer, the property monitors of model/ are
// others. Records are only built when someone listens, so an unobserved run pays
// nothing for them.
//
//   class Counter : public sim::Observer {
//     void on_record(const sim::TraceRecord& r) override { if (r.kind == "bus.drop") ++drops; }
//   };
//   world.attach(counter);
//
// Conventions every emitter follows, so that viewers and monitors need not know
// each mechanism:
//  - a record that hands something to another actor (a send, a post to an
//    exchange) carries "flow_out": id, and the record where an actor takes it
//    carries "flow_in": the same id; ids come from World::new_flow_id() (bus
//    messages use their message id), derived from the actor that draws them
//    (its id times 10^9, plus a count). A duplicated message has two flow_in.
//  - "sim.wake" carries "by": the actor whose step woke it (0 for a timer).
//  - "sim.object" and "sim.spawn" records declare names for object and actor ids.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "sim/choice.hpp"
#include "sim/footprint.hpp"
#include "sim/ids.hpp"
#include "sim/time.hpp"

namespace ipcsim::sim {

// One value of a record field. Strings are views: an observer that keeps a
// record beyond on_record must copy them.
struct FieldValue {
  enum class Type : std::uint8_t { Int, Uint, Str, Bool };
  Type type = Type::Int;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  std::string_view s;

  FieldValue() = default;
  template <class N>
    requires(std::is_integral_v<N> && std::is_signed_v<N>)
  FieldValue(N v) : type(Type::Int), i(v) {}
  template <class N>
    requires(std::is_integral_v<N> && std::is_unsigned_v<N> && !std::is_same_v<N, bool>)
  FieldValue(N v) : type(Type::Uint), u(v) {}
  FieldValue(bool v) : type(Type::Bool), u(v ? 1 : 0) {}
  FieldValue(std::string_view v) : type(Type::Str), s(v) {}
  FieldValue(const char* v) : type(Type::Str), s(v) {}
  FieldValue(const std::string& v) : type(Type::Str), s(v) {}

  // The value as a signed integer (ints, unsigned ints and bools).
  std::int64_t as_int() const { return type == Type::Int ? i : static_cast<std::int64_t>(u); }
};

struct Field {
  std::string_view key;
  FieldValue value;
};

struct TraceRecord {
  std::uint64_t seq = 0;  // position in the trace, from 0
  Instant time{};
  CpuId cpu = kNoCpu;      // kNoCpu: not tied to a CPU
  ActorId actor = kNoActor;  // kNoActor: done by the kernel (an event)
  std::string_view kind;
  ObjectId object = kNoObject;
  std::span<const Field> fields;

  const FieldValue* field(std::string_view key) const {
    for (const auto& f : fields) {
      if (f.key == key) return &f.value;
    }
    return nullptr;
  }
};

// One step of one actor: the kernel's unit of interleaving.
struct StepInfo {
  std::uint64_t index = 0;  // steps are numbered from 0 in a run
  Instant time{};
  CpuId cpu = kNoCpu;
  ActorId actor = kNoActor;
  // Empty unless an observer wants_footprints(). Every step reads its own actor
  // key (actor_key(id)); a step that wakes or spawns an actor writes that
  // actor's key, so "A enabled B's step" shows as a conflict.
  std::span<const Access> footprint;
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_record(const TraceRecord&) {}
  virtual void on_step(const StepInfo&) {}
  virtual void on_choice(const ChoicePoint&, std::uint32_t /*value*/) {}
  // Recording footprints costs a little per step; only the model checker needs them.
  virtual bool wants_footprints() const { return false; }
};

// Appends `s` to `out` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view s);
// Appends the record as one JSON object (no newline): the JSON Lines format.
void append_json_record(std::string& out, const TraceRecord& r);

}  // namespace ipcsim::sim

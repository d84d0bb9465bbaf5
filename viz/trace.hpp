// A trace as viz/ sees it: the records of one run, read back from JSON Lines,
// with the names and hand-offs they declare already looked up.
//
// viz/ works from trace files alone (DESIGN.md: "viz reads traces"), so a trace
// written yesterday, by another build or by a mechanism viz/ has never heard of,
// draws the same. The format is the kernel's (sim/jsonl_writer.hpp): one object
// per line with seq, t (ns), optional cpu, actor, obj, then kind and fields.
// Trace indexes what every drawing needs: actor names and CPUs (sim.spawn),
// object names (sim.object), the machine (cpu.config, bus.config, mem.map),
// hand-offs (records carrying flow_out / flow_in, and bus.drop / port.overflow
// naming a lost message), and the property.violation records.
//
//   viz::Trace t = viz::load_trace("run.jsonl");      // trace_reader.hpp
//   for (const viz::Record& r : t.records())
//     if (r.kind == "bus.drop") std::cout << t.actor_name(r.actor) << "\n";
//   const viz::FlowInfo* f = t.flow(3);                // who sent #3, who got it
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/ids.hpp"

namespace ipcsim::viz {

using sim::ActorId;
using sim::CpuId;
using sim::ObjectId;
using sim::kNoActor;
using sim::kNoCpu;
using sim::kNoObject;

// One field value. The kernel writes integers, strings and booleans; anything
// else a mechanism might write (a float, an array) is kept as its JSON text.
struct Value {
  enum class Type : std::uint8_t { Int, Str, Bool, Raw };
  Type type = Type::Int;
  std::int64_t i = 0;  // Int; Bool as 0 or 1
  std::string s;       // Str; Raw: the JSON text

  static Value of_int(std::int64_t v) { return Value{Type::Int, v, {}}; }
  static Value of_str(std::string v) { return Value{Type::Str, 0, std::move(v)}; }
  static Value of_bool(bool v) { return Value{Type::Bool, v ? 1 : 0, {}}; }
  static Value of_raw(std::string json) { return Value{Type::Raw, 0, std::move(json)}; }

  bool is_int() const { return type == Type::Int; }
  bool is_str() const { return type == Type::Str; }
  // The value as shown to a person: 12, text (unquoted), true, or the JSON text.
  std::string text() const;
};

struct Field {
  std::string key;
  Value value;
};

struct Record {
  std::uint64_t seq = 0;
  std::int64_t t = 0;  // simulated time, ns
  CpuId cpu = kNoCpu;
  ActorId actor = kNoActor;  // kNoActor: done by the kernel (an event)
  ObjectId obj = kNoObject;
  std::string kind;
  std::vector<Field> fields;  // in the order the emitter gave them
  std::size_t line = 0;       // line in the source file, from 1; 0 if built in memory

  const Value* field(std::string_view key) const;
  // The field if it is an integer (or a boolean).
  std::optional<std::int64_t> int_field(std::string_view key) const;
  // The field if it is a string; empty otherwise.
  std::string_view str_field(std::string_view key) const;
  // "seq 19, t 1064 ns, port.recv msg=1 copy=0": the record as a person reads it.
  std::string describe() const;
};

struct ActorInfo {
  ActorId id = kNoActor;
  std::string name;
  CpuId cpu = kNoCpu;
  std::int64_t priority = 0;
  ActorId parent = kNoActor;
  bool daemon = false;
  std::optional<std::size_t> spawn;  // index of its sim.spawn record
  std::optional<std::size_t> end;    // index of its sim.exit or sim.kill record
};

struct ObjectInfo {
  ObjectId id = kNoObject;
  std::string type;
  std::string name;
};

struct CpuInfo {
  CpuId id = kNoCpu;
  ObjectId object = kNoObject;
  std::string name;
  std::string policy;
  std::int64_t memory_bytes = 0;
  ObjectId memory = kNoObject;  // its nonshared memory (declared right after it)
};

struct BusInfo {
  ObjectId object = kNoObject;
  std::string name;
  std::vector<CpuId> cpus;
  std::int64_t latency_ns = 0;
  std::int64_t bytes_per_second = 0;
  std::int64_t queue_limit = 0;
};

struct RegionInfo {
  ObjectId object = kNoObject;
  std::string name;
  std::vector<CpuId> cpus;
  std::int64_t bytes = 0;
};

// One hand-off: the record that gave it (flow_out), the records that took it
// (flow_in; a duplicated message has two) and those that lost it (bus.drop,
// port.overflow naming it as msg). Indices into Trace::records().
struct FlowInfo {
  std::uint64_t id = 0;
  std::optional<std::size_t> out;
  std::vector<std::size_t> in;
  std::vector<std::size_t> lost;
  std::vector<std::size_t> delivered;  // bus.deliver records naming it (it reached the port)
};

class Trace {
 public:
  Trace() = default;
  // Indexes `records`, whose seq must increase strictly (ParseError otherwise,
  // naming the line). `source` names the input in messages and titles.
  Trace(std::string source, std::vector<Record> records);

  const std::string& source() const { return source_; }
  const std::vector<Record>& records() const { return records_; }
  std::size_t size() const { return records_.size(); }
  std::optional<std::size_t> index_of_seq(std::uint64_t seq) const;

  // Actors by id; names are the spawn names ("#7" for an actor never spawned
  // in the trace, "kernel" for kNoActor).
  const std::map<ActorId, ActorInfo>& actors() const { return actors_; }
  const ActorInfo* actor(ActorId id) const;
  std::string actor_name(ActorId id) const;
  // The actor's CPU: from its spawn record, else from any record it appears in.
  CpuId actor_cpu(ActorId id) const;

  const ObjectInfo* object(ObjectId id) const;
  // The declared name, or "#id" for an undeclared object.
  std::string object_name(ObjectId id) const;
  std::string_view object_type(ObjectId id) const;

  const std::vector<CpuInfo>& cpus() const { return cpus_; }  // by id
  const CpuInfo* cpu(CpuId id) const;
  std::string cpu_name(CpuId id) const;  // "cpu3" when not declared
  const std::vector<BusInfo>& buses() const { return buses_; }
  const std::vector<RegionInfo>& regions() const { return regions_; }

  const FlowInfo* flow(std::uint64_t id) const;
  // The flows in the order their first record appears.
  const std::vector<std::uint64_t>& flow_order() const { return flow_order_; }
  // Indices of the property.violation records, in trace order.
  const std::vector<std::size_t>& violations() const { return violations_; }
  // Who takes what is put into `object` (the reader of a port): the first actor
  // with a flow_in record on it, else the first one blocked on it.
  ActorId receiver_of(ObjectId object) const;

 private:
  void index();
  void index_record(std::size_t i);

  std::string source_;
  std::vector<Record> records_;
  std::map<ActorId, ActorInfo> actors_;
  std::map<ActorId, CpuId> seen_cpu_;
  std::map<ObjectId, ObjectInfo> objects_;
  std::vector<CpuInfo> cpus_;
  std::vector<BusInfo> buses_;
  std::vector<RegionInfo> regions_;
  std::map<std::uint64_t, FlowInfo> flows_;
  std::vector<std::uint64_t> flow_order_;
  std::vector<std::size_t> violations_;
  std::map<ObjectId, ActorId> receivers_;
  std::map<ObjectId, ActorId> blocked_on_;
};

// "0 1 2" (the kernel's list of CPU ids) as numbers; non-numbers are skipped.
std::vector<CpuId> parse_cpu_list(std::string_view text);

}  // namespace ipcsim::viz

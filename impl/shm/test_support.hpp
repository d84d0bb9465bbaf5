// Helpers shared by the shm tests (not part of the library).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "impl/shm/workloads.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace ipcsim::shm::testing {

// Every shm.*, mutex.* and cpu.* record, copied: kind, time, actor, fields.
struct Rec {
  std::string kind;
  std::int64_t t = 0;
  sim::ActorId actor = sim::kNoActor;
  std::map<std::string, std::string> f;
  std::int64_t num(const std::string& key) const { return f.count(key) ? std::stoll(f.at(key)) : -1; }
  std::uint64_t unum(const std::string& key) const { return f.count(key) ? std::stoull(f.at(key)) : 0; }
};

class Log final : public sim::Observer {
 public:
  void on_record(const sim::TraceRecord& r) override {
    if (!(r.kind.starts_with("shm.") || r.kind.starts_with("mutex.") || r.kind.starts_with("cpu."))) return;
    Rec x{std::string(r.kind), sim::to_ns(r.time), r.actor, {}};
    for (const sim::Field& fl : r.fields) {
      std::string v;
      switch (fl.value.type) {
        case sim::FieldValue::Type::Int: v = std::to_string(fl.value.i); break;
        case sim::FieldValue::Type::Uint: v = std::to_string(fl.value.u); break;
        case sim::FieldValue::Type::Bool: v = fl.value.u != 0 ? "1" : "0"; break;
        case sim::FieldValue::Type::Str: v = std::string(fl.value.s); break;
      }
      x.f[std::string(fl.key)] = v;
    }
    recs.push_back(std::move(x));
  }
  std::size_t count(std::string_view kind) const {
    std::size_t n = 0;
    for (const Rec& r : recs) n += r.kind == kind ? 1 : 0;
    return n;
  }
  std::size_t count(std::string_view kind, const std::string& key, const std::string& value) const {
    std::size_t n = 0;
    for (const Rec& r : recs) n += (r.kind == kind && r.f.count(key) && r.f.at(key) == value) ? 1 : 0;
    return n;
  }
  std::vector<Rec> recs;
};

// A machine of n CPUs: the engine on cpu0, processes on the others (or on
// cpu0 too when n is 1); the Log attached first.
struct Machine {
  explicit Machine(std::size_t n, std::uint64_t seed = 1) : w({.seed = seed}) {
    w.attach(log);
    for (std::size_t i = 0; i < n; ++i) cpus.push_back(&w.add_cpu({.name = "cpu" + std::to_string(i)}));
  }
  workloads::Placement placement() {
    workloads::Placement p{cpus[0], {}, cpus};
    for (std::size_t i = cpus.size() > 1 ? 1 : 0; i < cpus.size(); ++i) p.process_cpus.push_back(cpus[i]);
    return p;
  }
  Log log;
  sim::World w;
  std::vector<sim::Cpu*> cpus;
};

}  // namespace ipcsim::shm::testing

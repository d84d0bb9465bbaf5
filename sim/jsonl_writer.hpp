// Writes every trace record as one JSON object per line (JSON Lines).
//
// The format, one record per line, keys in this order:
//   {"seq":12,"t":1064,"cpu":1,"actor":2,"kind":"bus.deliver","obj":5,"msg":3,...}
// seq, t (ns) and kind are always present; cpu, actor and obj are left out when
// the record has none; the record's own fields follow in the order they were
// given. "sim.object" and "sim.spawn" records declare the names of object and
// actor ids; "cpu.config", "bus.config" (cpus it connects) and "mem.map" (cpus a
// shared region is mapped into) describe the machine. The same seed gives the
// same bytes.
#pragma once

#include <ostream>
#include <string>

#include "sim/trace.hpp"

namespace ipcsim::sim {

class JsonlWriter final : public Observer {
 public:
  explicit JsonlWriter(std::ostream& out) : out_(out) {}
  ~JsonlWriter() override { flush(); }
  void on_record(const TraceRecord& r) override;
  void flush();

 private:
  std::ostream& out_;
  std::string buf_;
};

}  // namespace ipcsim::sim

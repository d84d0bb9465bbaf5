// sections_filled: distributed message assembly is complete before the
// assembled message goes on. Every proxy made of a real message opens a
// section of the real body; each section is filled exactly once, and every one
// is filled before the real message is sent on.
//
// From the trace alone (impl/rtos/trace_schema.md): a proxy made of real
// message R (rtos.msg.make with proxy_of) opens its section [dbp, dbp + bytes)
// of R's body; rtos.msg.write records fill it, and a byte written twice is a
// violation; when R is sent on (rtos.msg.send), every byte of every open
// section of R must have been written. Releasing or unmaking R abandons its
// sections (an assembly given up is not one forwarded incomplete).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "model/rtos/rtos_monitor.hpp"

namespace ipcsim::model::rtos {

class SectionsMonitor final : public RtosMonitor {
 public:
  SectionsMonitor() : RtosMonitor("sections_filled") {}
  std::uint64_t sections_completed() const { return sections_completed_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;
  void forget(std::uint64_t rtos) override;

 private:
  struct Section {
    std::uint64_t proxy = 0;
    std::uint64_t lo = 0;
    std::vector<std::uint8_t> filled;  // one per byte
  };
  void forwarded(const sim::TraceRecord& r, std::uint64_t real);

  std::map<std::uint64_t, std::vector<Section>> sections_;  // by key(rtos, real message)
  std::uint64_t sections_completed_ = 0;
};

}  // namespace ipcsim::model::rtos

// Chrome / Perfetto trace-event JSON of a run, to open in ui.perfetto.dev
// (or chrome://tracing).
//
// CPUs are processes (pid = cpu id + 1), actors are threads (tid = actor id),
// named by metadata events. Each actor's timeline has complete events ("X")
// for what it did: "running" (it held its CPU), "compute" inside it,
// "blocked: <op>", "sleep", and "ready" (waiting for its CPU). Every hand-off
// (flow_out -> flow_in) is a flow arrow: a zero-length "send"/"recv" slice on
// each side and an "s"/"f" pair with one id per arrival (a duplicated message
// has two arrows). Faults, kills, timeouts and violations are instant events
// ("i"); kernel events without an actor (bus faults) sit on a "machine"
// process with one thread per bus or port. Times are µs (the format's unit)
// written with every nanosecond: 1064 ns is "ts":1.064.
//
//   std::ofstream("run.perfetto.json") << viz::perfetto_json(trace);
#pragma once

#include <string>

#include "viz/trace.hpp"

namespace ipcsim::viz {

struct PerfettoOptions {
  // Records of mechanisms and of sync primitives (lock, signal, ...) as
  // instant events on their actor's thread; off for a lighter file.
  bool notes = true;
};

// Thread ids of things that are not actors, far above any actor id.
inline constexpr std::uint64_t kPerfettoKernelTid = 1'000'000'000;

std::string perfetto_json(const Trace& trace, const PerfettoOptions& options = {});

}  // namespace ipcsim::viz

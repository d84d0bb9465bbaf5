// The machine of a run, from its trace: CPUs (policy, memory, the actors that
// ran there), buses (latency, bandwidth, the CPUs they connect), shared
// regions (size, the CPUs they are mapped into) and ports (on the CPU of the
// actor that reads them). Buses are drawn above the CPUs, regions below.
//
//   std::string svg = viz::topology_svg(trace);
#pragma once

#include <string>

#include "viz/trace.hpp"

namespace ipcsim::viz {

std::string topology_dot(const Trace& trace);
std::string topology_svg(const Trace& trace);

// "64 KiB", "1.5 MiB", "100 B".
std::string format_bytes(std::int64_t bytes);
// "1 GB/s", "100 MB/s", "12 kB/s": decimal units, as bus speeds are quoted.
std::string format_rate(std::int64_t bytes_per_second);

}  // namespace ipcsim::viz

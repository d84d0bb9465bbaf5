// A message-list workload: processors (actors on CPUs, each with a cache in
// its CPU's local memory) share one message section in a shared region; they
// post messages to each other at planned times (bursts, urgent ones linked in
// at the head), scan the list with the configured strategy, retrieve and
// process what is addressed to them, and remove a message when its last
// recipient is done with it. A CPU that restarts after a crash starts its
// processors again, with empty caches.
//
//   scan::ScanParams p{.processors = 4, .slots = 32, .messages = 20};
//   auto wl = scan::build_workload(world, cpus, region, p);
//   world.run();
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "impl/scan/config.hpp"
#include "impl/scan/section.hpp"
#include "sim/world.hpp"

namespace ipcsim::scan {

using namespace std::chrono_literals;

enum class Removal : std::uint8_t {
  AfterProcessing,  // the last recipient removes the message once it has processed it (FIG. 14)
  AtRetrieval,      // the last recipient removes it as it retrieves it, then processes its copy
};

struct ScanParams {
  std::uint32_t processors = 4;
  std::uint32_t slots = 64;      // the section's capacity
  std::uint32_t messages = 20;   // posted while the processors run
  std::uint32_t backlog = 0;     // messages already in the list when they start
  std::uint32_t recipients = 1;  // recipients of each message (distinct processors)
  sim::Duration first_post = 1us;
  sim::Duration post_gap = 2us;      // mean time between postings
  std::uint32_t burst = 1;           // messages posted together by one processor
  std::uint32_t urgent_percent = 0;  // share of messages linked in at the head
  sim::Duration scan_period = 1us;   // a processor's pause after a scan that found nothing
  sim::Duration process_time = 0ns;  // processing one retrieved message
  std::uint32_t patience = 3;        // empty scans after the last posting before a processor stops
  Removal removal = Removal::AfterProcessing;
  StrategyConfig strategy;
  Bugs bugs;
  bool trace_inspections = true;
};

// The bytes the section needs in its region.
inline std::uint64_t region_bytes_needed(const ScanParams& p) { return section_bytes(p.slots); }

class Workload {
 public:
  virtual ~Workload() = default;
  virtual const ScanParams& params() const = 0;
  // Facts for the run summary.
  virtual std::uint64_t posted() const = 0;
  virtual std::uint64_t retrievals() const = 0;
  virtual std::uint64_t scans() const = 0;
  virtual std::uint64_t inspections() const = 0;
};

// Builds the section in `region` (at offset 0) and spawns the processors,
// processor i on cpus[i % cpus.size()]; each CPU's memory must hold
// kCacheBytes per processor it runs. The plan (times, senders, recipients)
// is drawn from the world's generator at set-up.
std::unique_ptr<Workload> build_workload(sim::World& world, const std::vector<sim::Cpu*>& cpus, sim::Memory& region,
                                         const ScanParams& params);

}  // namespace ipcsim::scan

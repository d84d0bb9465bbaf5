// Small kernel programs whose traces the viz tests and benchmark draw.
//
// Test support only (target ipcsim_viz_programs, linking the kernel): the viz
// library itself reads trace files and never runs the kernel. Every program is
// deterministic, so each returns the same JSON Lines text on every run; the
// golden files under viz/testdata/ are these traces and their drawings.
//
//   std::string jsonl = viz::testing::ping_pong_trace(3);
//   viz::Trace t = viz::testing::parse(jsonl, "ping_pong");
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "viz/trace.hpp"

namespace ipcsim::viz::testing {

// ping on cpu0 and pong on cpu1 exchange `round_trips` messages over a bus that
// drops, duplicates and reorders (seed 3 shows all three).
std::string ping_pong_trace(std::uint64_t seed = 3, int round_trips = 3);

// cpu0 (priority-preemptive): a producer signals a semaphore a consumer waits
// on (wake-ups), an interrupt-like actor preempts the producer's compute.
// cpu1 (FIFO): two workers contend for a mutex (a hand-off), a logger sleeps.
std::string sync_trace();

// Two workers take mutexes a and b in opposite orders, at different times: no
// deadlock, but the lock-order graph has the cycle a -> b -> a.
std::string abba_trace();

// A master on cpu0 farms work to workers on cpu1 and cpu2 over a bus; cpu2
// crashes while a reply is in flight and restarts later; the "no_loss"
// monitor flags the lost message with a property.violation record.
std::string crash_trace();

// The other faults and the end of a deadlock: a delayed message, a partition
// and its heal, a port overflow, an actor killed by the fault plan, and two
// actors that deadlock taking mutexes a and b in opposite orders.
std::string faults_trace();

// Pairs of actors on `cpus` CPUs ping-pong over one bus until the trace has
// at least `min_records` records (for the benchmark: 100,000).
std::string bulk_trace(std::size_t min_records, int cpus = 4);

// The programs whose traces are stored under viz/testdata/ as <name>.jsonl:
// "ping_pong", "sync", "abba", "crash", "faults".
const std::vector<std::string>& stored_program_names();
std::string stored_program_trace(const std::string& name);

// Parses JSON Lines text (throws ParseError like load_trace).
Trace parse(const std::string& jsonl, const std::string& source);

}  // namespace ipcsim::viz::testing

// The canonical workloads of the shared-memory platform (seed 000), one
// parameter struct and one builder each; tests and the scenario driver use
// them. A builder creates the Shm on the machine and spawns its processes
// (process i is slot i, named "proc<i+1>", on process_cpus[i % size]); a
// restarted CPU spawns its processes again (on_boot), and they register anew
// and rejoin. Keep the returned workload alive until the run is over.
//
//   auto wl = shm::workloads::build_transfers(w, {&cpu0, {&cpu1, &cpu2}, {&cpu0, &cpu1, &cpu2}}, cfg,
//                                             {.sizes = {64, 4096}});
//   w.run();
//   std::string trouble = wl->check();   // "" when every process did its part
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "impl/shm/shm.hpp"

namespace ipcsim::shm::workloads {

struct Placement {
  sim::Cpu* engine_cpu = nullptr;          // the engine and its watchers
  std::vector<sim::Cpu*> process_cpus;     // processes, round robin
  std::vector<sim::Cpu*> all_cpus;         // the regions are mapped into these
};

// Registration storm: many processes register at once (more than there are
// blocks, if data_bytes / block_bytes is smaller: the rest wait for space),
// hold their block a while, and deregister.
struct StormParams {
  std::uint32_t processes = 8;
  sim::Duration hold = 2us;  // time a process keeps its block (asleep)
};

// Transfers: pairs of processes; in pair k, proc(2k+1) sends every size of
// `sizes`, `repeat` times, to proc(2k+2), which receives until its sender is
// gone. A slow reader (read_delay) lets its sender's block fill up: the sends
// that find no room fail with out-of-memory. `snoop`: after each message the
// receiver tries to read its sender's block directly (refused, unless the
// direct_access variant lets it through): its last 64 bytes, which the
// transfers of a block at most half full never reach.
struct TransfersParams {
  std::uint32_t pairs = 1;
  std::vector<std::uint64_t> sizes = {64, 4096, 65536};
  std::uint32_t repeat = 1;
  sim::Duration gap = 0us;         // the sender's pause before each send and after the last
  sim::Duration read_delay = 0us;  // the receiver's pause before each receive
  bool snoop = false;
};

class Workload {
 public:
  virtual ~Workload();
  Shm& shm() { return *shm_; }
  const Shm& shm() const { return *shm_; }
  // After the run: "" when every process whose CPU is up did its part.
  std::string check() const;
  // Facts for summaries: ("sends posted", "12"), ...
  std::vector<std::pair<std::string, std::string>> counts() const;
  std::uint64_t snooped() const { return snooped_; }
  std::uint64_t refused() const { return refused_; }

 protected:
  struct SlotBooks {
    std::uint32_t incarnations = 0;  // spawned so far
    std::uint32_t registered = 0;    // registrations completed
    std::uint32_t finished = 0;      // incarnations that returned
    sim::Cpu* cpu = nullptr;
  };
  Workload(sim::World& w, const Placement& p, const ShmConfig& cfg, std::uint32_t processes);
  // Spawns slot's process (now, or again on restart) and attaches it to the engine.
  void start(std::uint32_t slot);
  virtual sim::Task<> body(sim::Ctx cx, std::uint32_t slot) = 0;

  sim::World* w_;
  std::unique_ptr<Shm> shm_;
  std::vector<SlotBooks> books_;
  std::uint64_t posted_ = 0, oom_ = 0, too_large_ = 0, dst_unknown_ = 0, received_ = 0, refused_ = 0, snooped_ = 0;
};

std::unique_ptr<Workload> build_storm(sim::World& w, const Placement& p, const ShmConfig& cfg,
                                      const StormParams& params);
std::unique_ptr<Workload> build_transfers(sim::World& w, const Placement& p, const ShmConfig& cfg,
                                          const TransfersParams& params);

// Process names: "proc1", "proc2", ...
std::string process_name(std::uint32_t slot);
// The payload of a transfer: deterministic bytes (slot, index), never all zero.
std::vector<std::byte> payload(std::uint32_t slot, std::uint32_t index, std::uint64_t bytes);

}  // namespace ipcsim::shm::workloads

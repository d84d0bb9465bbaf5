// The canonical RTOS workloads (seed 001), one parameter struct and one
// builder each. Tests, property tests and the scenario driver all use these.
//
// A builder takes the World, the CPU to use (the RTOS lives in that CPU's
// nonshared memory: give it at least memory_needed(params) bytes), its
// parameters and the broken-variant switches (the two broadcast workloads can
// also spread their slaves over more CPUs, the RTOS then in a shared region); it creates an Rtos, its pools and
// exchanges, and spawns the actors. It returns the workload object, which owns
// all of that: keep it alive until the run is over, and declare the World first.
//
//   sim::World w({.seed = 7});
//   sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 256 * 1024});
//   auto wl = rtos::workloads::build_broadcast(w, cpu, {.slaves = 8, .rounds = 3});
//   sim::RunResult r = w.run();
//   std::string trouble = wl->check();      // "" when the workload did its job
//
// Parameters are plain values (counts, sizes in bytes, priorities, durations)
// so that scenario files map onto them one key each. Priorities: higher runs
// first. Every workload ends quiescent when correct: finite actors finish,
// servers are daemons blocked on their exchange, and everything taken is released.
//
// check() judges the workload's own bookkeeping (every packet accounted for,
// every slave saw every round, sections assembled); the properties of the RTOS
// itself are judged by the monitors of model/rtos from the trace.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "impl/rtos/config.hpp"
#include "impl/rtos/rtos.hpp"
#include "impl/rtos/sync.hpp"
#include "sim/world.hpp"

namespace ipcsim::rtos::workloads {

using namespace std::chrono_literals;

class Workload {
 public:
  virtual ~Workload();
  Rtos& os() { return *os_; }
  const Rtos& os() const { return *os_; }
  // After the run: "" when the workload did what it should, else what went wrong.
  virtual std::string check() const = 0;

 protected:
  std::unique_ptr<Rtos> os_;
};

// ---- 1. Interrupt-to-task pipeline ---------------------------------------------------------
// A NIC raises an interrupt per received packet. The ISR (top priority, may not
// block) takes a bare block from pool `rx`, copies the packet in and puts the
// dbp into a pipe. The link task gets it, makes it a message (MsgMake: the MCB
// records rx as the pool of origin), gives it the packet's priority and sends
// it to the network exchange (normal: by priority). The network task checks the
// header and passes it on to the application exchange (priority pass: the app
// runs at the packet's priority). The app verifies the checksum, works, and
// releases the message (MsgRel: back to rx, though the app never heard of rx);
// every `output_every`-th packet is instead unmade (MsgUnmake) and handed to
// the tx driver, which releases the bare block to the pool unmake reported.
// A general pool of the same block size is created first: the release-to-wrong-
// pool variant sends rx blocks there.
struct PipelineParams {
  std::uint32_t packets = 32;    // packets the NIC receives
  sim::Duration first_at = 1us;  // arrival of the first packet
  sim::Duration period = 6us;    // between arrivals
  sim::Duration jitter = 3us;    // extra random delay per arrival, in [0, jitter)
  std::uint32_t min_bytes = 32;  // packet size, header (16 bytes) included
  std::uint32_t max_bytes = 200;
  std::uint32_t packet_priorities = 8;  // packet priority drawn from [1, packet_priorities]
  std::uint32_t rx_blocks = 8;          // limit: bare blocks in the rx pool
  std::uint32_t block_size = 256;       // bytes per block (rx and general); >= max_bytes
  std::uint32_t general_blocks = 4;     // the general pool (see above)
  std::uint32_t pipe_capacity = 4;      // limit: dbps between ISR and link task
  std::uint32_t fifo_limit = 4;         // limit: packets in the NIC's receive FIFO
  int isr_priority = 255;
  int link_priority = 40;
  int tx_priority = 35;
  int net_priority = 30;
  int app_priority = 0;            // the app's own priority; it runs at each packet's
  sim::Duration app_work = 2us;    // app compute per packet
  std::uint32_t output_every = 4;  // every n-th packet (by seq) goes out again; 0: none
  sim::Duration tx_time = 3us;     // tx driver time per output packet
  RtosCosts costs{};
  static constexpr std::size_t memory_bytes_min = 64 * 1024;  // with the defaults; see memory_needed()
};
struct PipelineStats {
  std::uint32_t delivered = 0;         // packets the app verified
  std::uint32_t corrupt = 0;           // packets that failed their checksum at the app
  std::uint32_t output = 0;            // packets sent out by the tx driver
  std::uint32_t no_block = 0;          // dropped by the ISR: rx pool exhausted
  std::uint32_t pipe_full = 0;         // dropped by the ISR: pipe full
  std::uint32_t no_mcb = 0;            // dropped by the link task: MCB pool exhausted
  std::vector<int> app_priority_seen;  // the app's priority while handling each packet
};
class Pipeline final : public Workload {
 public:
  ~Pipeline() override;
  PipelineStats stats;
  std::uint64_t overruns() const;  // packets lost in the NIC: receive FIFO full
  std::string check() const override;
  struct Parts;  // the builder's objects (pools, exchanges, semaphores)

 private:
  friend std::unique_ptr<Pipeline> build_pipeline(sim::World&, sim::Cpu&, const PipelineParams&, const Bugs&);
  std::unique_ptr<Parts> parts_;
  PipelineParams params_;
};
std::unique_ptr<Pipeline> build_pipeline(sim::World& world, sim::Cpu& cpu, const PipelineParams& params,
                                         const Bugs& bugs = {});
std::size_t memory_needed(const PipelineParams& params);

// ---- 2. Priority-pass chain ---------------------------------------------------------------------
// `sources` tasks send `messages` messages in all (each with a random priority
// in [min_msg_priority, max_msg_priority]) into a chain of `stages` stage tasks
// linked by pass exchanges: each stage runs at the message's priority, works,
// and passes it on; the last stage releases it.
struct PassChainParams {
  std::uint32_t stages = 3;
  std::uint32_t messages = 12;  // in all, shared among the sources
  std::uint32_t sources = 2;
  int source_priority = 2;
  int stage_priority = 1;  // the stages' own priority (below every message's)
  std::uint32_t min_msg_priority = 3;
  std::uint32_t max_msg_priority = 9;
  sim::Duration stage_work = 2us;  // compute per message per stage
  sim::Duration send_gap = 1us;    // a source's pause between sends
  std::uint32_t block_size = 64;
  std::uint32_t blocks = 16;  // limit: messages alive at once (sources wait for a
                              // credit, a counting semaphore the last stage signals)
  RtosCosts costs{};
  static constexpr std::size_t memory_bytes_min = 32 * 1024;  // with the defaults; see memory_needed()
};
class PassChain final : public Workload {
 public:
  ~PassChain() override;
  std::uint32_t delivered = 0;
  // (stage, message priority, the stage's priority while handling it)
  struct Seen {
    std::uint32_t stage = 0;
    std::uint32_t msg_priority = 0;
    int ran_at = 0;
  };
  std::vector<Seen> seen;
  std::string check() const override;
  struct Parts;  // the builder's objects (pools, exchanges, semaphores)

 private:
  friend std::unique_ptr<PassChain> build_pass_chain(sim::World&, sim::Cpu&, const PassChainParams&, const Bugs&);
  std::unique_ptr<Parts> parts_;
  PassChainParams params_;
};
std::unique_ptr<PassChain> build_pass_chain(sim::World& world, sim::Cpu& cpu, const PassChainParams& params,
                                            const Bugs& bugs = {});
std::size_t memory_needed(const PassChainParams& params);

// ---- 3. Broadcast rounds with semT and semG -------------------------------------------------------
// A master gets one message, writes the round number into it and sends it to a
// broadcast exchange; `slaves` slaves receive it (all resumed at once), read
// it, each write their own 4-byte section (distributed assembly), work, then
// signal semT (threshold = slaves) and wait at the gate semG in one step. The
// master waits at semT, then changes the body and rebroadcasts (the next
// round) and pulses semG. After the last round it forwards the assembled
// message to a sink task, which verifies every slave's section and releases it.
// `interlock` Seed: each slave signals semT and then waits at semG in two ops,
// as the seed words it (sync.hpp): a pulse can miss a slave.
// `late_readers` tasks (none by default) come to the broadcast exchange once,
// whenever their priority lets them, and read what is on show there (the seed:
// "any subsequent task receiving from the broadcast exchange can also get the
// message handle"), or wait for the next round; below the master and the
// slaves on one CPU they come after the last round, when nothing is on show.
// Bugs::broadcast_without_gate: the slaves signal semT but skip the gate.
// Bugs::broadcast_pulse_before_send: the master pulses semG, then rebroadcasts.
// Bugs::broadcast_peek_then_gate: a slave waits at semG only if the next round
// is not on show yet (tested in an op of its own, XchgPeek).
struct BroadcastParams {
  std::uint32_t slaves = 4;
  std::uint32_t rounds = 5;
  int master_priority = 5;
  int slave_priority = 6;  // all slaves; above the master: the fast-slave case
  int sink_priority = 4;
  std::uint32_t late_readers = 0;  // tasks that read the broadcast exchange once (see above)
  int late_reader_priority = 1;
  sim::Duration slave_work_min = 500ns;  // each slave's work per round, random in [min, max]
  sim::Duration slave_work_max = 3us;
  std::uint32_t block_size = 128;                 // >= 8 + 4 * slaves
  std::uint32_t shared_memory_bytes = 64 * 1024;  // with slave_cpus: the shared region the RTOS lives in
  Interlock interlock = Interlock::Atomic;        // how a slave signals semT and waits at semG
  RtosCosts costs{};
  static constexpr std::size_t memory_bytes_min = 32 * 1024;  // with the defaults; see memory_needed()
};
class Broadcast final : public Workload {
 public:
  ~Broadcast() override;
  // Per slave, the rounds it received (as the receive said / as the body said).
  std::vector<std::vector<std::uint32_t>> rounds_seen;
  std::vector<std::vector<std::uint32_t>> bodies_seen;
  std::vector<std::uint32_t> late_rounds;  // per late reader that read something: the round it read
  bool sink_verified = false;
  std::string check() const override;
  struct Parts;  // the builder's objects (pools, exchanges, semaphores)

 private:
  friend std::unique_ptr<Broadcast> build_broadcast(sim::World&, sim::Cpu&, const BroadcastParams&, const Bugs&,
                                                    const std::vector<sim::Cpu*>&);
  std::unique_ptr<Parts> parts_;
  BroadcastParams params_;
};
// With `slave_cpus`, the slaves run there (round robin) in parallel with the
// master, and the RTOS lives in a shared region mapped into every CPU used.
std::unique_ptr<Broadcast> build_broadcast(sim::World& world, sim::Cpu& cpu, const BroadcastParams& params,
                                           const Bugs& bugs = {}, const std::vector<sim::Cpu*>& slave_cpus = {});
std::size_t memory_needed(const BroadcastParams& params);

// ---- 4. Multicast with proxies: distributed message assembly ---------------------------------------
// For each of `messages` messages, the client gets an empty real message and
// makes one proxy per server with a different body pointer (server 0: the
// header section; the others: a payload section each), each with the reply
// handle of semT (threshold = servers), and sends them to the servers'
// exchanges. Each server waits (I/O, a sleep) its latency, fills its section,
// releases its proxy (only the MCB goes) and replies through the reply handle
// it read from the proxy. (The seed's order, reply and then release, lets a
// client that outranks its servers send the real message on, and the sink
// release it, while a proxy of it is still live: no_dangling_proxy.) The
// client waits at semT, then sends the assembled real message to the output
// exchange; the sink verifies every section and releases it.
// Bugs::assembly_threshold_off_by_one: semT's threshold is servers - 1.
struct AssemblyParams {
  std::uint32_t messages = 4;
  std::uint32_t servers = 3;  // 1 header server + (servers - 1) payload servers
  std::uint32_t header_bytes = 8;
  std::uint32_t section_bytes = 16;
  int client_priority = 4;
  int server_priority = 5;
  int sink_priority = 3;
  sim::Duration server_latency = 1us;  // server i waits (i + 1) * latency before filling
  std::uint32_t blocks = 4;            // real messages alive at once (pool of header + sections bytes);
                                       // the client waits for a free one (a semaphore the sink signals)
  RtosCosts costs{};
  static constexpr std::size_t memory_bytes_min = 32 * 1024;  // with the defaults; see memory_needed()
};
class Assembly final : public Workload {
 public:
  ~Assembly() override;
  std::uint32_t assembled = 0;   // messages the sink found complete
  std::uint32_t incomplete = 0;  // messages the sink found with a section missing
  std::string check() const override;
  struct Parts;  // the builder's objects (pools, exchanges, semaphores)

 private:
  friend std::unique_ptr<Assembly> build_assembly(sim::World&, sim::Cpu&, const AssemblyParams&, const Bugs&);
  std::unique_ptr<Parts> parts_;
  AssemblyParams params_;
};
std::unique_ptr<Assembly> build_assembly(sim::World& world, sim::Cpu& cpu, const AssemblyParams& params,
                                         const Bugs& bugs = {});
std::size_t memory_needed(const AssemblyParams& params);

// ---- 5. Task deletion with owned blocks and messages -----------------------------------------------
// `workers` tasks each perform `holdings` random services (MsgGet from a pool,
// BlockGet, MsgGet from the heap, BlockGet bare + MsgMake, a proxy of a held
// message, a send of a held message to the collector), pausing `work` between
// them, and then wait forever holding what they hold. The first `exiting`
// workers return instead (a return deletes the task), the next `killed` are
// killed by the supervisor outside the RTOS (sim kill: reaped by its next
// service), and the supervisor deletes the rest with TaskDelete at random
// times. A collector releases what it receives. At the end every pool is full.
struct DeletionParams {
  std::uint32_t workers = 4;
  std::uint32_t holdings = 6;
  std::uint32_t exiting = 1;
  std::uint32_t killed = 1;
  sim::Duration work = 1us;
  sim::Duration delete_after_min = 2us;  // the supervisor's wait before each deletion, random in [min, max]
  sim::Duration delete_after_max = 12us;
  int worker_priority = 3;
  int supervisor_priority = 2;
  int collector_priority = 4;
  std::uint32_t block_size = 64;
  std::uint32_t blocks = 32;  // limit: pool blocks (messages, standard and bare)
  std::uint32_t heap_bytes = 4096;
  RtosCosts costs{};
  static constexpr std::size_t memory_bytes_min = 32 * 1024;  // with the defaults; see memory_needed()
};
class Deletion final : public Workload {
 public:
  ~Deletion() override;
  std::uint32_t released_by_deletion = 0;  // control blocks TaskDelete released
  std::uint32_t collected = 0;
  std::string check() const override;
  struct Parts;  // the builder's objects (pools, exchanges, semaphores)

 private:
  friend std::unique_ptr<Deletion> build_deletion(sim::World&, sim::Cpu&, const DeletionParams&, const Bugs&);
  std::unique_ptr<Parts> parts_;
  DeletionParams params_;
};
std::unique_ptr<Deletion> build_deletion(sim::World& world, sim::Cpu& cpu, const DeletionParams& params,
                                         const Bugs& bugs = {});
std::size_t memory_needed(const DeletionParams& params);

// ---- 6. Broadcasters, one normal exchange, one broadcasting master ------------------------------------
// `broadcasters` tasks, each with its own pool, send `messages_each` messages
// (random priority) to one normal exchange, each message carrying the reply
// handle of the broadcaster's own semaphore, and wait on it. A single master
// receives them in priority order, broadcasts each to `slaves` slaves (semT /
// semG rounds as in workload 3), then replies (the broadcaster learns its
// message went out) and releases the message, which returns to the
// broadcaster's pool though the master never knew it. `interlock` as in workload 3.
struct BroadcastersParams {
  std::uint32_t broadcasters = 3;
  std::uint32_t messages_each = 2;
  std::uint32_t slaves = 3;
  int broadcaster_priority = 3;  // broadcaster i runs at broadcaster_priority + i
  int master_priority = 2;
  int slave_priority = 7;
  std::uint32_t max_msg_priority = 9;  // message priority random in [1, max]
  sim::Duration slave_work = 1us;
  std::uint32_t block_size = 64;
  std::uint32_t blocks_each = 2;                  // each broadcaster's pool
  std::uint32_t shared_memory_bytes = 64 * 1024;  // with slave_cpus: the shared region the RTOS lives in
  Interlock interlock = Interlock::Atomic;        // how a slave signals semT and waits at semG
  RtosCosts costs{};
  static constexpr std::size_t memory_bytes_min = 32 * 1024;  // with the defaults; see memory_needed()
};
class Broadcasters final : public Workload {
 public:
  ~Broadcasters() override;
  std::uint32_t replies = 0;  // replies the broadcasters got
  std::uint32_t rounds = 0;   // broadcast rounds the master completed
  // Per slave, the (broadcaster, k) pairs it read, in order.
  std::vector<std::vector<std::uint32_t>> seen;
  std::string check() const override;
  struct Parts;  // the builder's objects (pools, exchanges, semaphores)

 private:
  friend std::unique_ptr<Broadcasters> build_broadcasters(sim::World&, sim::Cpu&, const BroadcastersParams&,
                                                          const Bugs&, const std::vector<sim::Cpu*>&);
  std::unique_ptr<Parts> parts_;
  BroadcastersParams params_;
};
// With `slave_cpus`, as for build_broadcast.
std::unique_ptr<Broadcasters> build_broadcasters(sim::World& world, sim::Cpu& cpu, const BroadcastersParams& params,
                                                 const Bugs& bugs = {}, const std::vector<sim::Cpu*>& slave_cpus = {});
std::size_t memory_needed(const BroadcastersParams& params);

}  // namespace ipcsim::rtos::workloads

// The canonical workloads of the distributed select() system (seed 002), one
// parameter struct and one builder each, used by tests and the scenario driver.
//
//   sim::World w;
//   ... cpus, a bus joining them ...
//   auto wl = select::workloads::build_storm(w, cpus, bus, {.children = 4, .dups = 2});
//   w.run();
//   std::string trouble = wl->check();   // "" when the workload did its job
//
// storm (fork and dup storm): a root process on the first CPU makes `pipes`
//   pipes and forks `children` children round robin over the other CPUs (and
//   its own when there is one CPU); each child dup()s every read end `dups`
//   times and then makes `rounds` select() calls on all of them (the real
//   pipes' FDs are shadows on other CPUs), reading `read_bytes` from each FD
//   it finds ready. The
//   root writes `messages` messages of `bytes` bytes, one every `gap`, round
//   robin over the pipes. Dup'd FDs (claim 23) and siblings on one CPU (claim
//   24) select on the same (pipe, event): one interest message per CPU.
//   With `wait_forever` the children's selects have no timeout. With `fifos`
//   the root makes named FIFOs instead of pipes and each child opens their
//   read ends by name (shadow FIFOs on the other CPUs, claim 12). With
//   `rejoin` (and fifos) the first CPU's restart after a crash starts a new
//   root there ("root2", ...), which makes the FIFOs again and writes its
//   `messages` again, and the children reopen a FIFO that died by name and
//   go on: the workload is done when the last root wrote everything and
//   every child read something written after the last restart.
// fanin: a reader on the first CPU makes `writers` pipes and forks one writer
//   per pipe onto the other CPUs; each writes `messages` messages of `bytes`
//   bytes through its shadow, and when the pipe is full it selects for write
//   readiness (remote interest at the reader's CPU) and writes the rest. The
//   reader selects on all read ends and reads until it has every byte.
// sockets: an I/O process on the first CPU owns network port `port`; a root
//   on the second CPU calls socket() for it and, after `fork_after`, forks
//   `readers` readers round robin over `reader_cpus` CPUs from the second on
//   (one CPU: forwarding mode; more: contention mode, after the shadow that
//   forwarding filled is drained). `packets` external packets arrive, one
//   every `gap` from `first_packet`. Each reader selects on the socket and
//   reads a packet whenever it is ready (and works on it for `read_work`),
//   until `idle_rounds` selects in a row time out; with `leave_after`, the
//   readers off the root's CPU stop that long after their fork (their spaces
//   detach, and the last one left gets forwarding mode back); with
//   `urgent_every`, some packets are urgent (out-of-band data, read with
//   read_oob() when select reports an exception); with `reply_bytes`, each
//   packet read is answered with a write of that many bytes, which leaves by
//   the network port at `net_byte_time` a byte through a send buffer of
//   `send_buffer` bytes (a writer finding it full selects for write). With `tty` the I/O process
//   is a Telnet server, the root opens TTY line `port` and the packets are
//   typed input. With `refuse` nothing listens on the port: the I/O process
//   refuses the connect, and the workload is done when the root or a reader
//   learns it (socket() returns -1, or a read on the socket returns -1).
// pipe_ends: a root on the first CPU makes one pipe, forks a writer onto the
//   second CPU and a reader onto the third (round robin over fewer), and
//   closes its own ends: every write end is the writer's, every read end the
//   reader's. The writer writes `messages` messages of `bytes` bytes, one
//   every `gap`, waiting (select, no timeout) for room when the pipe is full,
//   then holds its end for `linger` and exits. The reader selects (no
//   timeout) and reads up to `read_bytes` at a time until end of file, or,
//   with `reader_stops_after`, closes its read end once it has that many
//   bytes: the writer's next write fails (EPIPE). A crash of the writer's
//   CPU must bring the reader end of file, one of the reader's CPU EPIPE to
//   a writer waiting for room: the workload is done when each process whose
//   CPU never crashed ended that way.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "impl/select/kernel.hpp"
#include "impl/select/process.hpp"

namespace ipcsim::select::workloads {

using namespace std::chrono_literals;

struct StormParams {
  std::uint32_t pipes = 1;
  std::uint32_t children = 4;
  std::uint32_t dups = 2;
  std::uint32_t rounds = 3;
  std::uint32_t messages = 3;
  std::uint32_t bytes = 8;
  std::uint32_t read_bytes = 8;   // a child reads at most this much from each ready FD
  sim::Duration gap = 20us;       // between the root's writes (the first after one gap)
  sim::Duration timeout = 100us;  // each child select's timeout
  sim::Duration stagger = 0us;    // child c makes its first select after c * stagger
  sim::Duration pause = 0us;      // a child's pause after each select (it is in no select then)
  bool drain_own_writes = false;  // the root reads each message back right after writing it
  bool wait_forever = false;      // no timeout
  bool fifos = false;             // FIFOs instead of pipes: children open them by name, not by inheritance
  // With fifos: when the first CPU restarts after a crash, a new root starts
  // there, makes the FIFOs again and writes its messages again; children
  // whose FIFO died reopen it by name (every `gap`) and read on.
  bool rejoin = false;
  SelectConfig select{};
};

struct FaninParams {
  std::uint32_t writers = 4;
  std::uint32_t messages = 3;
  std::uint32_t bytes = 8;
  sim::Duration timeout = 200us;  // the reader's and writers' select timeout
  SelectConfig select{};
};

struct SocketsParams {
  std::uint32_t readers = 3;
  std::uint32_t reader_cpus = 3;
  std::uint32_t packets = 8;
  std::uint32_t port = 80;
  sim::Duration first_packet = 5us;
  sim::Duration gap = 5us;
  sim::Duration fork_after = 20us;
  sim::Duration timeout = 30us;
  sim::Duration read_work = 10us;  // a reader's work on each packet it reads (it sleeps that long)
  std::uint32_t idle_rounds = 2;
  // Readers on other CPUs than the root's stop this long after their fork
  // (at their next select), close the socket and exit: their spaces detach,
  // and contention mode ends when one space is left. 0: they stay.
  sim::Duration leave_after = 0us;
  // Every `urgent_every`-th packet (the k-th with k % urgent_every == 0) is
  // urgent: out-of-band data. Readers then select for exceptions too and take
  // it with read_oob(). 0: none.
  std::uint32_t urgent_every = 0;
  // Outbound: after each packet it reads from the stream, a reader writes a reply of this many
  // bytes to the socket; what the send buffer does not take, it writes again
  // after a select for write readiness. 0: no replies.
  std::uint32_t reply_bytes = 0;
  std::uint32_t send_buffer = 64;           // the real socket's send buffer (SelectConfig::sock_send_buffer)
  sim::Duration net_byte_time = 0us;        // the network's time per byte sent (SelectConfig::net_byte_time)
  bool tty = false;  // a TTY line of a Telnet server instead of a network port (the same path)
  bool refuse = false;  // nothing listens on the port: the connect is refused (the root must learn it)
  SelectConfig select{};
};

struct PipeEndsParams {
  std::uint32_t messages = 4;
  std::uint32_t bytes = 8;
  std::uint32_t read_bytes = 8;
  std::uint32_t reader_stops_after = 0;  // bytes; 0: the reader reads to end of file
  sim::Duration gap = 10us;              // between the writer's messages (the first after one gap)
  sim::Duration linger = 0us;            // the writer holds its end this long after its last message
  SelectConfig select{};
};

class Workload {
 public:
  virtual ~Workload() = default;
  // "" when the workload did its job, else what is missing.
  virtual std::string check() const = 0;
  virtual std::vector<std::pair<std::string, std::string>> summary() const;
  System& system() { return *system_; }
  const System& system() const { return *system_; }

 protected:
  std::unique_ptr<System> system_;
};

std::unique_ptr<Workload> build_storm(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus,
                                      const StormParams& p);
std::unique_ptr<Workload> build_sockets(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus,
                                        const SocketsParams& p);
std::unique_ptr<Workload> build_fanin(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus,
                                      const FaninParams& p);
std::unique_ptr<Workload> build_pipe_ends(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus,
                                         const PipeEndsParams& p);

}  // namespace ipcsim::select::workloads

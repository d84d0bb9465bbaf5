// The per-CPU kernel of the distributed select() system (seed 002), and the
// System that owns one per CPU.
//
// Each CPU is a memory space with its own Kernel: per-process FD tables
// (inherited on fork, shared by dup), the real pipes and FIFOs made there,
// the shadows of pipes and FIFOs made elsewhere, its shadow sockets (the real
// ones are the I/O process's: io_process.hpp), and the tables of its agent:
// the select database (which local waiters wait for which remote (pipe or
// socket, event), and whether a request for it is outstanding) and the
// remote-interest records of its own pipes (which CPUs asked to be notified
// of which event). The agent (agent.cpp) is an always-running actor per CPU
// that moves messages between kernels over the bus; processes call the
// kernel through ops (process.hpp, select_call.cpp), one scheduling point per
// system call.
//
// The state is C++ data belonging to its CPU: nothing of another CPU's kernel
// is ever touched by a step (messages only; a child forked onto another CPU
// gets copies of its parent's open descriptions), a crash makes it
// unreachable, and a restart formats it again and spawns a new agent. Every
// step that reads or writes a kernel touches the kernel's object (footprints
// for DPOR). The one thing all CPUs share is the FIFO directory, a shared file
// system's, with an object of its own.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "impl/select/config.hpp"
#include "impl/select/types.hpp"
#include "sim/bus.hpp"
#include "sim/port.hpp"
#include "sim/wait_queue.hpp"
#include "sim/world.hpp"

namespace ipcsim::select {

class System;
class IoProcess;

// What a process sleeps on (in select, or waiting for its agent's reply).
class ProcWait final : public sim::Waitable {
 public:
  ProcWait(sim::World& w, std::string name) : Waitable(w, "select.proc", std::move(name)) {}
  sim::WaitQueue& queue() { return waiters_; }
};

// An open file description, shared by the FDs dup() made and by a parent and
// the children it forked on its own CPU.
struct Open {
  // Pair: one end of a socketpair(), a pipe each way: it reads `pipe` and writes `out`.
  enum class Kind : std::uint8_t { PipeRead, PipeWrite, File, Socket, Pair };
  std::uint32_t id = 0;
  Kind kind = Kind::File;
  PipeKey pipe;        // pipes: the real pipe, possibly on another CPU (then this is a shadow); sockets: the real socket
  PipeKey out;         // Pair: the pipe it writes (same home as `pipe`)
  // The pipe whose readiness answers `ev`.
  PipeKey key_for(Ev ev) const { return kind == Kind::Pair && ev == Ev::Write ? out : pipe; }
  // The event a select's bit waits for: a read bit on a pipe's write end is
  // error readiness (no reader left), as on Linux.
  Ev effective(Ev asked) const { return kind == Kind::PipeWrite && asked == Ev::Read ? Ev::Error : asked; }
  bool reads_pipe() const { return kind == Kind::PipeRead || kind == Kind::Pair; }
  bool writes_pipe() const { return kind == Kind::PipeWrite || kind == Kind::Pair; }
  bool shadow = false;  // always for a socket: its real socket is the I/O process's
  bool dead = false;   // a shadow whose real pipe is gone (its CPU crashed or restarted)
  // FDs of this kernel naming it (and children's, reserved at fork). At 0 the
  // description is closed: a pipe end's count at the home drops.
  std::uint32_t fds = 0;
};

// An FD in flight through a socketpair (SCM_RIGHTS): what its open
// description is. While in flight it is an open description held by the
// socketpair's home (counted there at the passed pipe's home); the receiver
// gets a new description of the same end (a shadow when the pipe lives
// elsewhere), to which the count moves.
struct Passed {
  Open::Kind kind = Open::Kind::File;  // PipeRead, PipeWrite or File
  PipeKey pipe;
};

struct Pipe {
  PipeKey key;
  std::uint32_t capacity = 0;
  std::uint32_t pipe_buf = 1;
  std::deque<std::byte> data;
  // Open descriptions of each end, in every memory space (shadows count at
  // the home, announced by kOpen and kClose). End of file: every write end
  // that was ever open is closed.
  std::uint32_t readers = 0;
  std::uint32_t writers = 0;
  // Of those, the ones in other memory spaces, per end (0 read, 1 write), by
  // the (CPU, incarnation) holding them: when the home learns that CPU died
  // or restarted, they are closed (end of file, EPIPE follow). Signed: a
  // holder's close may overtake the open its parent's CPU announced.
  std::map<std::pair<sim::CpuId, std::uint32_t>, std::int32_t> held[2];
  // The open descriptions of `end` in this memory space (the home's own).
  std::int64_t held_here(int end) const {
    std::int64_t n = end == 0 ? readers : writers;
    for (const auto& [who, k] : held[end]) n -= std::max(k, 0);
    return n;
  }
  bool had_writer = false;
  // Every read end that was ever open is closed: a write fails (-1, EPIPE; no
  // SIGPIPE is modelled, as if it were ignored) and select reports the write
  // end ready (Linux's POLLERR, which select counts as writable).
  bool had_reader = false;
  // Socketpairs: the FDs in flight, by the number of the byte that carries
  // each (bytes are numbered from 0 in write order; `taken` of them left).
  std::map<std::uint64_t, Passed> rights;
  std::uint64_t taken = 0;
  bool of_pair = false;  // one way of a socketpair (its other end's reads and writes are counted like a pipe's)
  std::uint32_t other_way = 0;  // socketpair: the number of the pipe the other way
  // Socketpair: the other end closed with bytes unread in its way in (a
  // connection reset): once this way is empty, one read fails (-1) before
  // end of file, as Linux's ECONNRESET.
  bool reset = false;
  bool eof() const { return had_writer && writers == 0; }
  bool broken() const { return had_reader && readers == 0; }
  // Local select waiters, per event (read, write): (pid, call, fd).
  struct Waiter {
    Pid pid;
    std::uint64_t call;
    int fd;
  };
  std::vector<Waiter> waiters[4];  // by Ev (Except unused)
  // Remote interest records (the seed's T10): which CPUs want a notification of which event.
  std::set<sim::CpuId> remote[4];
  bool ready(Ev ev) const {
    if (ev == Ev::Read) return !data.empty() || eof();
    if (ev == Ev::Write) return broken() || data.size() + pipe_buf <= capacity;
    if (ev == Ev::Error) return broken();
    return false;
  }
  // How many of `n` bytes a write puts in: all or nothing up to PIPE_BUF, as much as fits beyond.
  std::size_t accepts(std::size_t n) const {
    const std::size_t room = capacity - data.size();
    return n <= pipe_buf ? (n <= room ? n : 0) : std::min(n, room);
  }
};

struct ReadyEntry {
  std::uint64_t call;
  int fd;
  Ev ev;
};

struct Proc {
  Pid pid = 0;
  sim::Actor* actor = nullptr;
  std::map<int, std::shared_ptr<Open>> fds;
  std::unique_ptr<ProcWait> wait;
  std::uint64_t call = 0;             // the select in progress (0: none)
  bool interrupted = false;           // a signal arrived during that select: it returns -1 (EINTR)
  std::vector<ReadyEntry> ready;      // the ready-FD list the agent posts to
  // A read or write forwarded to a remote pipe, until the agent has the answer.
  std::uint64_t req = 0;
  std::uint32_t queries = 0;  // a zero-timeout select's questions to other CPUs still unanswered
  bool replied = false;
  std::int64_t status = 0;
  std::vector<std::byte> reply;
};

// A shadow socket: this CPU's side of a real socket kept by the I/O process.
// In forwarding mode the packets come here and wait for a local read; in
// contention mode they stay at the real socket and each read asks for one.
struct ShadowSock {
  std::deque<std::uint64_t> held;  // packet ids, oldest first
  bool contention = false;
  bool dead = false;
  // Forwarding order survives a bus that reorders: packets carry their
  // forwarding number, and one that comes early waits for those before it.
  std::uint64_t received = 0;                 // forwarded packets taken in order so far
  std::map<std::uint64_t, std::uint64_t> early;  // number -> packet, arrived ahead of its turn
  std::uint64_t recall_after = 0;  // a recall waits until this many were received (0: none pending)
  sim::CpuId recall_from = sim::kNoCpu;
  // Open descriptions of this socket in this space; the last close detaches
  // the space (kDetach). At 0 the shadow stays as a tombstone: it still
  // answers a recall, and a later socket() or fork here attaches again.
  std::uint32_t opens = 0;
  // Reads sent to the real socket in contention mode and answered "forwarding
  // again, read at your shadow once `after` forwarded packets are in".
  struct MovedRead {
    std::uint64_t req;
    std::uint64_t after;
  };
  std::deque<MovedRead> moved_reads;
};

// The select database entry of one remote (pipe, event) on this CPU.
struct Interest {
  bool outstanding = false;
  sim::Instant sent_at{};  // when the request last went out
  std::vector<Pipe::Waiter> waiters;
};

struct Outgoing {
  sim::CpuId to;
  std::uint32_t tag;
  std::vector<std::byte> body;
  bool io = false;  // to the I/O process's port on `to`, not to its agent
};

class Kernel {
 public:
  Kernel(System& sys, sim::Cpu& cpu, sim::Port& port);

  sim::Cpu& cpu() const { return *cpu_; }
  sim::CpuId id() const { return cpu_->id(); }
  sim::Port& port() const { return *port_; }
  sim::ObjectId object() const { return object_; }
  std::uint32_t incarnation() const { return incarnation_; }
  System& system() const { return *sys_; }
  sim::World& world() const;
  const SelectConfig& config() const;

  // Every step that reads or writes this kernel's state calls this first.
  void touch() const;
  // Formats the kernel again (a restart after a crash).
  void reset();

  // ---- processes and FDs ---------------------------------------------------
  Proc& add_proc(sim::Actor& a);
  Proc* proc(Pid pid);
  void remove_proc(Pid pid);
  // A select() is over: its waits leave every pipe and the select database.
  void forget_call(Pid pid, std::uint64_t call);
  int install(Proc& p, std::shared_ptr<Open> open);  // lowest free FD, or -1
  // close(): the FD goes; its open description closes with its last FD. -1: no such FD.
  int release(Proc& p, int fd);
  // One more open description of an end of `pipe`, held on `holder` (CPU,
  // incarnation): counted here when the pipe lives here, else announced to
  // its home (kOpen).
  using Holder = std::pair<sim::CpuId, std::uint32_t>;
  void count_open(PipeKey pipe, Open::Kind end, Holder holder);
  void count_open(const Open& o, Holder holder);  // each pipe end it holds (two for a socketpair end)
  // An end of a real pipe here gained (+n) or lost (-n) open descriptions.
  void end_count(Pipe& p, Open::Kind end, int delta);
  // A description of `end` of a pipe here, held in another memory space,
  // opened (+1) or closed (-1) there.
  void held_count(Pipe& p, Open::Kind end, Holder holder, int delta);
  // `cpu` died (or restarted as `new_incarnation`): the descriptions of this
  // CPU's pipes it held are closed.
  void drop_holder(sim::CpuId cpu, std::optional<std::uint32_t> new_incarnation);
  // The CPUs whose crash would close the last ends of a pipe here that
  // somebody (here or elsewhere) waits on: the home watches them.
  void holders_watched(std::set<sim::CpuId>& out) const;
  // One open description of `end` of `pipe`, held on `holder`, closed: the
  // mirror of count_open (local, or kClose to the home naming the holder).
  void count_close(PipeKey pipe, Open::Kind end, Holder holder);
  // SCM_RIGHTS through a socketpair way homed here: one byte carrying `r`
  // enters `sp` (counted as held here by the sender); bytes taken from the
  // front give up the FDs they carry; an FD handed to `to` moves its count
  // there; one dropped (read() without receiving it, or the way's readers
  // gone) is closed.
  void pass_in(Pipe& sp, const Passed& r);
  std::vector<Passed> take_rights(Pipe& sp, std::size_t n);
  void hand_over(const Passed& r, Holder to);
  void drop_right(const Passed& r);
  // A received FD's new open description here (dead when its pipe is gone).
  std::shared_ptr<Open> open_received(const Passed& r);
  // `select.end.open` / `select.end.close`: an open description of pipe ends
  // made or closed in this memory space (one record per end it holds).
  void trace_ends(const char* kind, const Open& o) const;
  void trace_in_flight(const char* kind, const Passed& r, sim::CpuId holder) const;
  std::shared_ptr<Open> new_open(Open::Kind kind, PipeKey pipe);
  Pipe& new_pipe();
  Pipe* pipe(PipeKey key);

  // ---- readiness -------------------------------------------------------------
  // Known at once, locally: real pipes here, files, dead shadows. nullopt: a
  // live shadow, whose readiness only its home knows.
  std::optional<bool> local_ready(const Open& o, Ev ev) const;
  // A real pipe here changed: posts local waiters of every event now ready,
  // and queues notifications for the CPUs recorded as interested.
  void pipe_changed(Pipe& p);
  // Appends an entry to a waiter's ready list and wakes it if it sleeps in that select.
  void post(const Pipe::Waiter& w, Ev ev);
  void wake_if_waiting(Proc& p);

  // ---- the agent's side ----------------------------------------------------------
  void send(sim::CpuId to, std::uint32_t tag, Words body, bool io = false);  // queue for the agent, kick it
  std::deque<Outgoing>& outbox() { return outbox_; }
  bool kicked = false;
  std::map<std::pair<std::uint64_t, Ev>, Interest> interests;  // key: (packed pipe or socket, event)
  std::map<std::uint64_t, ShadowSock> socks;                    // this CPU's shadow sockets, by packed socket
  std::map<std::uint64_t, std::vector<Pipe::Waiter>> sock_waiters;  // local read waiters of forwarding-mode shadows
  // Forwarding mode: a packet arrived for a shadow here; post its read waiters.
  void sock_data(std::uint64_t sock, std::uint64_t packet);
  // The last open description of a socket here closed: the space detaches.
  void close_socket(PipeKey sock);
  struct Pending {
    Pid pid;
    sim::CpuId peer;
    bool query = false;  // a zero-timeout select's question (fd, event below)
    int fd = 0;
    Ev ev = Ev::Read;
    // Broken variant shadow_before_real: the shadow socket socket() made
    // before this connect was answered, under a key of this CPU's own.
    std::uint64_t provisional = 0;
    // The request as sent, for a re-send on a lossy bus (resend_period).
    Outgoing request{};
    sim::Instant sent_at{};
  };
  std::map<std::uint64_t, Pending> pending;  // remote read/write req -> the process, the pipe's home
  // Sends a request another CPU answers, remembered in `pending[req]` for a re-send.
  void send_request(std::uint64_t req, sim::CpuId to, std::uint32_t tag, Words body, bool io = false);
  // The home's answers to other CPUs' reads and writes, by (CPU, req), kept
  // when requests may be re-sent: a repeated request gets the same answer
  // and is not applied twice.
  std::map<std::pair<sim::CpuId, std::uint64_t>, Outgoing> answered;
  // kOpen and kClose to other homes, on a lossy bus (resend_period > 0): each
  // carries a request number, is re-sent until the home acknowledges it
  // (kCountAck), and is counted there once (by the same answer store).
  struct CountMsg {
    Outgoing msg;
    sim::Instant sent_at{};
  };
  std::map<std::uint64_t, CountMsg> counts_unacked;
  void send_count(sim::CpuId home, std::uint32_t tag, Words body);
  // Liveness: per peer CPU, whether a ping is unanswered, and the incarnation last heard.
  struct Peer {
    bool awaiting = false;
    std::uint32_t missed = 0;  // checks in a row that found a ping unanswered
    std::uint32_t incarnation = 0;
  };
  std::map<sim::CpuId, Peer> peers;
  // The CPUs this one waits on: homes of pipes that local selects wait for,
  // and of pipes with a forwarded read or write unanswered; on the I/O
  // process's CPU, the spaces attached to its sockets in contention mode.
  std::set<sim::CpuId> dependencies() const;
  // The peer is gone (or came back as a new incarnation): wake everyone waiting
  // on its pipes with error readiness, fail pending requests, mark shadows dead.
  void declare_dead(sim::CpuId peer, std::optional<std::uint32_t> new_incarnation);
  // Just one pipe is gone (its home answered that it does not know it).
  void pipe_dead(PipeKey key);

  // Numbers unique in the machine and readable in traces: the CPU plus one,
  // then six digits of count (call 3 on cpu1: 2000003).
  std::uint64_t next_req() { return static_cast<std::uint64_t>(id() + 1) * 1'000'000 + ++reqs_; }
  std::uint64_t next_call() { return static_cast<std::uint64_t>(id() + 1) * 1'000'000 + ++calls_; }
  // Broken variant shadow_before_real: a key for a shadow socket whose real
  // socket is not made yet (incarnation 0, which no real socket has).
  PipeKey next_provisional(sim::CpuId io_cpu) { return PipeKey{io_cpu, 0, ++provisional_}; }
  // The connect of a provisional shadow was answered: every FD of it here now
  // names the real socket.
  void bind_shadow(std::uint64_t provisional, std::uint64_t sock, bool contention);
  void digest(sim::StateHash& h) const;
  const std::map<std::uint32_t, Pipe>& pipes() const { return pipes_; }

 private:
  System* sys_;
  sim::Cpu* cpu_;
  sim::Port* port_;
  sim::ObjectId object_;
  std::uint32_t incarnation_ = 1;
  std::map<std::uint32_t, Pipe> pipes_;  // by number
  std::map<Pid, Proc> procs_;
  std::deque<Outgoing> outbox_;
  std::uint32_t next_pipe_ = 0;
  std::uint32_t next_open_ = 0;
  std::uint64_t reqs_ = 0;
  std::uint64_t calls_ = 0;
  std::uint32_t provisional_ = 0;
};

// The machine's select system: a kernel and an agent per CPU, joined by one bus.
class System {
 public:
  System(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus, SelectConfig config = {});
  ~System();
  System(const System&) = delete;
  System& operator=(const System&) = delete;

  sim::World& world() const { return *world_; }
  sim::Bus& bus() const { return *bus_; }
  const SelectConfig& config() const { return config_; }
  Kernel& kernel(sim::CpuId cpu);
  Kernel* kernel_if(sim::CpuId cpu);
  // The I/O process of the socket case, on `cpu` (at most one per system).
  IoProcess& add_io_process(sim::Cpu& cpu);
  IoProcess* io() const { return io_.get(); }
  // An external packet for `port` reaches the I/O process at `at` (a device:
  // an event, outside any step). Packets are numbered 1, 2, ... in the order
  // they are injected.
  // `urgent`: the packet carries out-of-band data (TCP's urgent data): it
  // does not join the stream but waits at the real socket, making the socket
  // exceptional for select() until a read_oob() takes it.
  void inject_packet(std::uint32_t port, sim::Instant at, bool urgent = false);
  // Input typed on TTY line `line` reaches the Telnet server at `at`.
  void inject_tty_input(std::uint32_t line, sim::Instant at) { inject_packet(kTtyBase + line, at); }

  // The FIFO namespace: a directory of the shared file system, not any CPU's
  // memory, so every process can resolve a FIFO's name to the CPU holding the
  // real FIFO. Its own object in footprints (mkfifo writes it, open reads it).
  std::map<std::string, PipeKey>& fifo_dir() { return fifos_; }
  sim::ObjectId fifo_dir_object() const { return fifo_dir_object_; }
  const std::vector<std::unique_ptr<Kernel>>& kernels() const { return kernels_; }
  std::uint64_t state_digest() const;

  // Counters for reports (bus messages by kind, selects).
  std::uint64_t interests_sent = 0;
  std::uint64_t selects = 0;
  std::uint64_t remote_registrations = 0;  // (fd, event) pairs a select registered on a shadow

 private:
  void spawn_agent(Kernel& k);
  sim::World* world_;
  sim::Bus* bus_;
  SelectConfig config_;
  std::vector<std::unique_ptr<Kernel>> kernels_;  // by CpuId (null: not in the system)
  std::unique_ptr<IoProcess> io_;
  std::map<std::string, PipeKey> fifos_;
  sim::ObjectId fifo_dir_object_ = sim::kNoObject;
  std::uint64_t packets_ = 0;
  std::uint64_t end_hook_ = 0;
};

}  // namespace ipcsim::select

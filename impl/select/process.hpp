// The system calls a user process makes, as POSIX users know them: pipe,
// open (a disk file), dup, close, read, write, select, fork. Each is one op:
// one scheduling point, applied atomically by the process's own kernel. A
// process does not know whether an FD's pipe lives in its own memory space or
// in another one (the seed's claims 4 and 20): shadows answer the same calls.
//
//   select::spawn_process(sys, cpu0, "parent", [](select::Process& p) -> sim::Task<> {
//     int fds[2];
//     co_await p.pipe(fds);
//     co_await p.fork(cpu1, "child", [rd = fds[0]](select::Process& c) -> sim::Task<> {
//       select::Masks m{.r = 1ULL << rd};
//       int n = co_await c.select(rd + 1, m, 100us);   // a remote select: cpu1 asks cpu0's agent
//     });
//     co_await p.write(fds[1], 8);
//   });
//
// read() and write() do not block on an empty or full pipe (the FDs are
// non-blocking: use select to wait); a read or write through a shadow waits
// for the round trip to the pipe's home. They return the bytes moved, or -1
// (a bad FD, the wrong end, or a pipe whose CPU is gone).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "impl/select/kernel.hpp"
#include "sim/op.hpp"
#include "sim/task.hpp"

namespace ipcsim::select {

// One system call: `fn` runs in the kernel when the op is applied; it may
// block the caller (Kernel::block).
class [[nodiscard]] Call final : public sim::OpAwaiter<Call> {
 public:
  using Fn = std::function<void(sim::Actor&, Call&)>;
  Call(sim::World& w, const char* what, Fn fn) : OpAwaiter(w), what_(what), fn_(std::move(fn)) {}
  void apply(sim::World&, sim::Actor& self) override { fn_(self, *this); }
  std::string describe(const sim::World&) const override { return what_; }
  void result() {}

 private:
  const char* what_;
  Fn fn_;
};

class Process;
using Body = std::function<sim::Task<>(Process&)>;

class Process {
 public:
  Process(System& sys, sim::Ctx cx) : sys_(&sys), cx_(cx) {}
  Pid pid() const { return cx_.id(); }
  sim::Ctx& ctx() { return cx_; }
  System& system() const { return *sys_; }

  sim::Task<int> pipe(int fds[2]);
  // socketpair(): two connected ends in this memory space, each readable and
  // writable (a pipe each way); when one end is closed the other reads to end
  // of file and its writes fail (-1, EPIPE). 0, or -1.
  sim::Task<int> socketpair(int fds[2]);
  // socket(): a connection to the I/O process on `io_cpu` for its network
  // port `port` (S2-S22). Returns the FD, or -1.
  sim::Task<int> socket(sim::CpuId io_cpu, std::uint32_t port);
  // open() of TTY line `line`, kept by the Telnet server (an I/O process) on
  // `telnet_cpu`. The seed implements TTY select "in the same way as select
  // is called on sockets": the Telnet server keeps the real structure, each
  // CPU's agent serves the TTYs there (one agent serves every kind here), and
  // a read returns one input (a typed line). The FD, or -1.
  sim::Task<int> open_tty(sim::CpuId telnet_cpu, std::uint32_t line);
  // read() of one packet from a socket (or one input from a TTY): its id, 0
  // when none is there now, -1 on error.
  sim::Task<std::int64_t> read_packet(int fd);
  // recv(MSG_OOB) on a socket: the oldest urgent packet's id, 0 when none is
  // pending, -1 on error. Out-of-band data waits at the real socket in either
  // mode, so this always asks the I/O process.
  sim::Task<std::int64_t> read_oob(int fd);
  sim::Task<int> open_file();
  // mkfifo(): a FIFO named `name`; the real FIFO lives in this process's
  // memory space. 0, or -1 when the name exists (unless it names a FIFO of
  // this CPU's life before a restart: that one is gone, and made again).
  sim::Task<int> mkfifo(std::string name);
  // open() of a FIFO's read or write end (non-blocking): the real FIFO when
  // it lives here, a shadow FIFO otherwise (claim 12). The FD, or -1.
  sim::Task<int> open_fifo(std::string name, bool write);
  sim::Task<int> dup(int fd);
  // sendmsg() of one byte carrying `fd` (SCM_RIGHTS) on the socketpair end
  // `sock`: 1, 0 when its way is full (EAGAIN), -1 on an error (a bad FD, not
  // a socketpair end, an FD other than a pipe end or a file, the other end
  // closed: EPIPE). While in flight the FD's open description stays open.
  sim::Task<std::int64_t> send_fd(int sock, int fd);
  // recvmsg() of one byte from the socketpair end `sock`, and the FD it
  // carries: the new FD (the lowest free; a shadow when the pipe lives in
  // another memory space), or -1 (nothing there, a byte without an FD, an error).
  sim::Task<int> recv_fd(int sock);
  sim::Task<int> close(int fd);
  sim::Task<std::int64_t> read(int fd, std::size_t max);
  sim::Task<std::int64_t> write(int fd, std::size_t n);
  // select(): returns the count of ready (fd, event) bits and rewrites `masks`
  // (bits not ready are cleared), 0 at the timeout, -1 for a bad FD. No
  // timeout: wait until something is ready.
  sim::Task<int> select(int nfds, Masks& masks, std::optional<sim::Duration> timeout);
  // kill(): a signal to process `target` in this memory space. A select in
  // progress there returns -1 (EINTR) with its masks as they were passed
  // (POSIX leaves them unmodified on an error); otherwise the signal is
  // handled at once (no handlers are modelled) and changes nothing. 0, or -1
  // when no such process lives on this CPU.
  sim::Task<int> kill(Pid target);
  // Starts a child on `cpu` with a copy of this process's FD table: on the
  // same CPU the FDs share their open descriptions; on another CPU each open
  // description becomes one there (a shadow for a pipe made elsewhere).
  sim::Task<> fork(sim::Cpu& cpu, std::string name, Body body);

 private:
  Kernel& kernel() const;
  // Entering the kernel, in a call's step or after a wait: the step touches
  // it (its footprint for DPOR) and works on this process's entry there.
  Proc& enter(Kernel& k) const;
  System* sys_;
  sim::Ctx cx_;
};

// What a child inherits: its FDs, each naming an open description of the
// parent: shared when the child runs in the parent's memory space, and
// described by a copy (`desc`, taken in the parent's step) for a child on
// another CPU, whose kernel never reads the parent's.
struct Inherited {
  int fd;
  std::shared_ptr<Open> open;
  Open desc;
};

// Starts a process with no FDs (or `inherited` ones) on `cpu`.
sim::ActorRef spawn_process(System& sys, sim::Cpu& cpu, std::string name, Body body,
                            std::vector<Inherited> inherited = {}, Pid parent = 0);

}  // namespace ipcsim::select

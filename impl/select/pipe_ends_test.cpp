// The ends of a pipe across memory spaces: closing every read end makes the
// writers' writes fail (EPIPE) and their select report the write end ready,
// locally and through shadows; a crash of the CPU holding the last ends of
// one side closes them at the pipe's home (end of file, EPIPE).
#include <gtest/gtest.h>

#include "impl/select/kernel.hpp"
#include "impl/select/process.hpp"
#include "impl/select/test_support.hpp"
#include "sim/fault_plan.hpp"

namespace ipcsim::select {
namespace {

using testing::Machine;

struct Woken {
  int count = -2;
  Masks masks;
  sim::Instant at{};
  std::int64_t write = -2;
};

// A pipe of `capacity` bytes made on cpu0; a writer fills it and selects
// (no timeout) for write on the write end and for read on the same FD (a
// write end's read bit: error readiness); the reader, on `reader_cpu`,
// closes its read end at 30 us. `writer_cpu` 0: the writer is the maker.
sim::RunResult closed_reader_run(sim::CpuId writer_cpu, sim::CpuId reader_cpu, Woken& out) {
  sim::World w;
  Machine m(w, 3);
  System sys(w, m.cpus, *m.bus, {.pipe_capacity = 8});
  spawn_process(sys, *m.cpus[0], "maker", [&](Process& p) -> sim::Task<> {
    int a[2];
    co_await p.pipe(a);
    const int rd = a[0], wr = a[1];
    Body writer = [&, rd, wr](Process& c) -> sim::Task<> {
      co_await c.close(rd);
      EXPECT_EQ(co_await c.write(wr, 8), 8);  // full now
      out.masks = Masks{.r = 1ULL << wr, .w = 1ULL << wr};
      out.count = co_await c.select(wr + 1, out.masks, std::nullopt);
      out.at = c.ctx().now();
      out.write = co_await c.write(wr, 1);
    };
    Body reader = [&, rd, wr](Process& c) -> sim::Task<> {
      co_await c.close(wr);
      co_await c.ctx().sleep(30us);
      co_await c.close(rd);
    };
    co_await p.fork(*m.cpus[reader_cpu], "reader", std::move(reader));
    co_await p.fork(*m.cpus[writer_cpu], "writer", std::move(writer));
    co_await p.close(rd);
    co_await p.close(wr);
  });
  return w.run();
}

TEST(PipeEnds, ClosingTheLastReadEndWakesALocalWriterWithEpipe) {
  Woken out;
  const sim::RunResult r = closed_reader_run(0, 0, out);
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(out.count, 2);  // writable and "readable": both are POLLERR on Linux
  EXPECT_EQ(out.masks.r, out.masks.w);
  EXPECT_EQ(out.at, sim::at_ns(30'000));
  EXPECT_EQ(out.write, -1);  // EPIPE
}

TEST(PipeEnds, ARemoteReadersCloseReachesARemoteWriter) {
  Woken out;
  const sim::RunResult r = closed_reader_run(1, 2, out);
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(out.count, 2);
  EXPECT_EQ(out.masks.r, out.masks.w);
  // The close reaches the home at 32 us, the notifications the writer's CPU at 34 us.
  EXPECT_EQ(out.at, sim::at_ns(34'000));
  EXPECT_EQ(out.write, -1);
}

// A crash of the CPU holding the last write end (or, `reader_crashes`, the
// last read end): the pipe is made on cpu0 by a root that closes its ends,
// the writer is on cpu1, the reader on cpu2. The writer writes 8 bytes and
// holds its end; the reader reads them and waits (no timeout) for more. At
// 20 us the writer's CPU crashes: the home watches it (someone waits on the
// pipe and every write end is there), declares it dead, closes its ends, and
// the reader sees end of file. With the reader's crash instead, the writer
// waits on a full pipe and gets EPIPE.
struct CrashOutcome {
  sim::RunResult run;
  bool eof = false;            // the reader's select said readable and its read returned 0
  sim::Instant ended{};        // when the survivor saw end of file (or EPIPE)
  std::int64_t last_write = -2;  // the writer's write after its select
};

CrashOutcome crash_holder_run(bool reader_crashes, Bugs bugs) {
  sim::World w;
  Machine m(w, 3);
  System sys(w, m.cpus, *m.bus, {.pipe_capacity = 8, .check_period = 10us, .bugs = bugs});
  sim::FaultPlan plan;
  plan.add({.type = sim::FaultType::CrashCpu, .cpu = reader_crashes ? 2u : 1u, .at = sim::at_ns(20'000)});
  plan.install(w);
  CrashOutcome out;
  spawn_process(sys, *m.cpus[0], "root", [&](Process& p) -> sim::Task<> {
    int a[2];
    co_await p.pipe(a);
    const int rd = a[0], wr = a[1];
    Body writer = [&, rd, wr](Process& c) -> sim::Task<> {
      co_await c.close(rd);
      co_await c.write(wr, 8);
      if (reader_crashes) {
        co_await c.ctx().sleep(5us);
        for (;;) {  // the reader took the first 8 and reads no more: fill it, wait for room
          out.last_write = co_await c.write(wr, 8);
          if (out.last_write < 0) co_return;
          if (out.last_write > 0) continue;
          Masks mk{.w = 1ULL << wr};
          co_await c.select(wr + 1, mk, std::nullopt);
          out.ended = c.ctx().now();
        }
      }
      co_await c.ctx().sleep(1ms);
    };
    Body reader = [&, rd, wr](Process& c) -> sim::Task<> {
      co_await c.close(wr);
      for (;;) {
        Masks mk{.r = 1ULL << rd};
        co_await c.select(rd + 1, mk, std::nullopt);
        const std::int64_t got = co_await c.read(rd, 8);
        if (got > 0 && reader_crashes) co_await c.ctx().sleep(1ms);  // holding its read end
        if (got > 0) continue;
        out.eof = got == 0;
        out.ended = c.ctx().now();
        co_return;
      }
    };
    co_await p.fork(*m.cpus[1], "writer", std::move(writer));
    co_await p.fork(*m.cpus[2], "reader", std::move(reader));
    co_await p.close(rd);
    co_await p.close(wr);
  });
  out.run = w.run({.horizon = sim::at_ns(2'000'000)});
  return out;
}

TEST(PipeEnds, ACrashOfTheLastWritersCpuIsEndOfFileForAReaderElsewhere) {
  const CrashOutcome out = crash_holder_run(false, {});
  EXPECT_EQ(out.run.outcome, sim::RunOutcome::Quiescent);
  EXPECT_TRUE(out.eof);
  // The home pings cpu1 from the check after the reader's interest came;
  // suspect_after (2) misses later it is dead, and the notification takes a latency.
  EXPECT_LE(out.ended, sim::at_ns(20'000 + 3 * 10'000 + 2 * 2'000));
  EXPECT_GT(out.ended, sim::at_ns(20'000));
}

TEST(PipeEnds, ACrashOfTheLastReadersCpuIsEpipeForAWriterElsewhere) {
  const CrashOutcome out = crash_holder_run(true, {});
  EXPECT_EQ(out.run.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(out.last_write, -1);
  EXPECT_LE(out.ended, sim::at_ns(20'000 + 3 * 10'000 + 2 * 2'000));
  EXPECT_GT(out.ended, sim::at_ns(20'000));
}

TEST(PipeEnds, BrokenCrashKeepsEndsLeavesTheReaderWaitingForEver) {
  const CrashOutcome out = crash_holder_run(false, {.crash_keeps_ends = true});
  EXPECT_FALSE(out.eof);
  EXPECT_EQ(out.ended, sim::Instant{});
  // The reader's agent still pings the home it waits on: the run ends at the horizon.
  EXPECT_EQ(out.run.outcome, sim::RunOutcome::Horizon);
}

}  // namespace
}  // namespace ipcsim::select

namespace ipcsim::select {
namespace {

using testing::Machine;

// FD passing (SCM_RIGHTS) over a socketpair. The sender, on cpu0, makes a
// socketpair and forks the receiver onto cpu1 (a shadow of the pair), then
// makes a pipe, sends its write end and closes its own. In flight the write
// end stays open (no end of file); the receiver gets a new FD, a shadow of
// the pipe's write end counted at its home, writes through it and exits:
// then the sender's read end sees the bytes and end of file.
struct Passing {
  sim::RunResult run;
  std::int64_t sent = -2;
  int received = -2;
  int poll_in_flight = -2;     // the sender's poll of its read end while the FD is in flight
  std::int64_t written = -2;   // by the receiver through the FD it got
  std::int64_t read = -2;      // by the sender
  int eof_select = -2;         // the sender's select once the receiver exited
  std::int64_t eof_read = -2;
};

Passing pass_run(bool receiver_reads_plainly) {
  sim::World w;
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus);
  Passing out;
  spawn_process(sys, *m.cpus[0], "sender", [&](Process& p) -> sim::Task<> {
    int sp[2];
    co_await p.socketpair(sp);
    Body receiver = [&, s = sp[1]](Process& c) -> sim::Task<> {
      co_await c.ctx().sleep(20us);
      if (receiver_reads_plainly) {
        co_await c.read(s, 1);  // read(), not recvmsg(): the FD it carried is closed
        co_return;
      }
      out.received = co_await c.recv_fd(s);
      out.written = co_await c.write(out.received, 5);
    };
    co_await p.fork(*m.cpus[1], "receiver", std::move(receiver));
    co_await p.close(sp[1]);
    int a[2];
    co_await p.pipe(a);
    out.sent = co_await p.send_fd(sp[0], a[1]);
    co_await p.close(a[1]);
    Masks poll{.r = 1ULL << a[0]};
    out.poll_in_flight = co_await p.select(a[0] + 1, poll, 0us);
    Masks data{.r = 1ULL << a[0]};
    co_await p.select(a[0] + 1, data, std::nullopt);
    out.read = co_await p.read(a[0], 100);
    Masks eof{.r = 1ULL << a[0]};
    out.eof_select = co_await p.select(a[0] + 1, eof, std::nullopt);
    out.eof_read = co_await p.read(a[0], 100);
  });
  out.run = w.run({.horizon = sim::at_ns(10'000'000)});
  return out;
}

TEST(FdPassing, AnFdSentToAnotherMemorySpaceBecomesAShadowCountedAtItsHome) {
  const Passing out = pass_run(false);
  EXPECT_EQ(out.run.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(out.sent, 1);
  EXPECT_EQ(out.poll_in_flight, 0);  // in flight: still open, no end of file
  EXPECT_GE(out.received, 0);
  EXPECT_EQ(out.written, 5);
  EXPECT_EQ(out.read, 5);
  EXPECT_EQ(out.eof_select, 1);  // the receiver's exit closed the last write end
  EXPECT_EQ(out.eof_read, 0);
}

TEST(FdPassing, AnFdReadPastWithReadIsClosed) {
  Passing out = pass_run(true);
  EXPECT_EQ(out.sent, 1);
  EXPECT_EQ(out.poll_in_flight, 0);
  // The byte taken by read(): the write end it carried closes, the pipe is at
  // end of file, and the sender's first blocking select returns for it.
  EXPECT_EQ(out.run.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(out.read, 0);
}

TEST(FdPassing, WithinOneMemorySpace) {
  sim::World w;
  Machine m(w, 1);
  System sys(w, m.cpus, *m.bus);
  std::int64_t sent = -2, written = -2, got = -2;
  int fd = -2, eof = -2;
  spawn_process(sys, *m.cpus[0], "p", [&](Process& p) -> sim::Task<> {
    int sp[2], a[2];
    co_await p.socketpair(sp);
    co_await p.pipe(a);
    sent = co_await p.send_fd(sp[0], a[1]);
    co_await p.close(a[1]);
    fd = co_await p.recv_fd(sp[1]);
    written = co_await p.write(fd, 3);
    got = co_await p.read(a[0], 10);
    co_await p.close(fd);
    Masks mk{.r = 1ULL << a[0]};
    eof = co_await p.select(a[0] + 1, mk, 0us);
  });
  w.run();
  EXPECT_EQ(sent, 1);
  EXPECT_EQ(fd, 3);  // the lowest free FD: a[1]'s, closed
  EXPECT_EQ(written, 3);
  EXPECT_EQ(got, 3);
  EXPECT_EQ(eof, 1);
}

}  // namespace
}  // namespace ipcsim::select

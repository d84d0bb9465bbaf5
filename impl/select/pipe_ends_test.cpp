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

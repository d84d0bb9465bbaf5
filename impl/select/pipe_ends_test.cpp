// The ends of a pipe across memory spaces: closing every read end makes the
// writers' writes fail (EPIPE) and their select report the write end ready,
// locally and through shadows, for a select that waits as well as for a poll.
#include <gtest/gtest.h>

#include "impl/select/kernel.hpp"
#include "impl/select/process.hpp"
#include "impl/select/test_support.hpp"

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

}  // namespace
}  // namespace ipcsim::select

// The interrupt path: an ISR that may not block waits only on its interrupt
// line, takes bare blocks, fills them and hands them through a pipe to a task.
#include "impl/rtos/interrupt.hpp"

#include <gtest/gtest.h>

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/pipe.hpp"
#include "impl/rtos/rtos.hpp"
#include "impl/rtos/test_support.hpp"

namespace ipcsim::rtos {
namespace {

using namespace std::chrono_literals;

TEST(PacketTest, MakeAndParseRoundTripAndCorruptionIsSeen) {
  std::vector<std::byte> p = make_packet(7, 3, 40, 99);
  PacketInfo info = parse_packet(p.data(), 64);
  EXPECT_TRUE(info.intact);
  EXPECT_EQ(info.seq, 7u);
  EXPECT_EQ(info.priority, 3u);
  EXPECT_EQ(info.bytes, 40u);
  p[30] ^= std::byte{1};
  EXPECT_FALSE(parse_packet(p.data(), 64).intact);
  EXPECT_FALSE(parse_packet(make_packet(1, 1, 40, 1).data(), 32).intact) << "longer than the block";
}

TEST(InterruptTest, TheIsrWaitsOnlyOnItsLineAndPreemptsTheTask) {
  sim::World w({.seed = 2});
  testing::RecordLog log;
  w.attach(log);
  sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive});
  Rtos os(w, cpu.memory(), {.costs = {.block_get_bare = 40ns, .pipe_op = 80ns, .copy_bytes_per_ns = 0}});
  BlockPool& rx = os.create_pool("rx", 64, 4);
  Pipe& pipe = os.create_pipe("rxq", 4);
  InterruptLine irq(w, "eth.irq", 2);
  schedule_packets(w, irq,
                   {.count = 3, .first_at = sim::at_ns(1'500), .period = 1us, .min_bytes = 32, .max_bytes = 64});
  std::vector<std::int64_t> isr_at;
  w.spawn(cpu, "isr",
          [&](sim::Ctx cx) -> sim::Task<> {
            for (;;) {
              const Packet p = co_await irq.wait();
              isr_at.push_back(sim::to_ns(cx.now()));
              const Addr dbp = os.block_get_bare_now(rx);
              os.block_write(dbp, p.bytes);
              EXPECT_TRUE(pipe.put_now(dbp));
            }
          },
          {.priority = 255, .daemon = true, .may_block = false});
  std::vector<std::uint32_t> seqs;
  std::vector<std::int64_t> task_done;
  os.create_task(cpu, "driver", 10, [&](sim::Ctx cx) -> sim::Task<> {
    co_await cx.compute(2us);  // busy when the first interrupt comes
    task_done.push_back(sim::to_ns(cx.now()));
    for (int i = 0; i < 3; ++i) {
      const Addr dbp = co_await pipe.get();
      std::vector<std::byte> head(kPacketHeader);
      os.block_read(dbp, head);
      seqs.push_back(parse_packet(head.data(), kPacketHeader).seq);
      co_await os.block_rel_bare(rx, dbp);
    }
  });
  ASSERT_EQ(w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(isr_at, (std::vector<std::int64_t>{1500, 2500, 3500}));
  EXPECT_EQ(task_done, (std::vector<std::int64_t>{2000 + 40 + 80}))
      << "the ISR's BlockGet and pipe put (120 ns) preempted the 2 us compute";
  EXPECT_EQ(seqs, (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(rx.free_count(), 4u);
  EXPECT_EQ(log.count("rtos.irq.raise"), 3u);
  EXPECT_EQ(log.count("rtos.irq.take"), 3u);
  EXPECT_EQ(log.count("rtos.pipe.put"), 3u);
  EXPECT_EQ(log.count("rtos.pipe.get"), 3u);
}

TEST(InterruptTest, PacketsArrivingWhileTheFifoIsFullAreOverruns) {
  sim::World w;
  testing::RecordLog log;
  w.attach(log);
  sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive});
  InterruptLine irq(w, "irq", 2);
  for (int i = 0; i < 5; ++i) w.at(sim::at_ns(100), [&] { irq.raise(make_packet(1, 1, 16, 1)); });
  int taken = 0;
  w.spawn(cpu, "isr",
          [&](sim::Ctx cx) -> sim::Task<> {
            co_await cx.sleep(1us);  // masked for a while
            for (;;) {
              (void)co_await irq.wait();
              ++taken;
            }
          },
          {.priority = 255, .daemon = true, .may_block = false});
  w.run();
  EXPECT_EQ(taken, 2);
  EXPECT_EQ(irq.overruns(), 3u);
  EXPECT_EQ(log.count("rtos.irq.overrun"), 3u);
}

TEST(InterruptTest, AnIsrBlockingAnywhereElseIsStillAUsageError) {
  sim::World w;
  sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive});
  Rtos os(w, cpu.memory());
  Exchange& x = os.create_exchange("x", ExchangeType::Normal);
  InterruptLine irq(w, "irq");
  w.at(sim::at_ns(10), [&] { irq.raise(make_packet(1, 1, 16, 1)); });
  w.spawn(cpu, "isr",
          [&](sim::Ctx) -> sim::Task<> {
            (void)co_await irq.wait();
            (void)co_await x.receive();
          },
          {.priority = 255, .daemon = true, .may_block = false});
  try {
    w.run();
    FAIL();
  } catch (const sim::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("interrupt handler 'isr' (#1 on cpu0) would block: receive from exchange 'x'"),
              std::string::npos)
        << e.what();
  }
}

TEST(PipeTest, AFullPipeRefusesAndTryGetDoesNotWait) {
  sim::World w;
  testing::RecordLog log;
  w.attach(log);
  sim::Cpu& cpu = w.add_cpu({});
  Rtos os(w, cpu.memory());
  Pipe& pipe = os.create_pipe("p", 2);
  std::vector<bool> puts;
  std::vector<Addr> gets;
  w.spawn(cpu, "a", [&](sim::Ctx) -> sim::Task<> {
    gets.push_back(co_await pipe.try_get());
    for (Addr v : {11u, 22u, 33u}) puts.push_back(co_await pipe.put(v));
    gets.push_back(co_await pipe.get());
    gets.push_back(co_await pipe.get());
    gets.push_back(co_await pipe.get_for(1us));
  });
  w.run();
  EXPECT_EQ(puts, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(gets, (std::vector<Addr>{0, 11, 22, 0}));
  EXPECT_EQ(log.count("rtos.pipe.full"), 1u);
}

}  // namespace
}  // namespace ipcsim::rtos

// Block pools: free lists threaded through real bytes, bare BlockGet/BlockRel,
// exhaustion, geometry checks, and what a release to the wrong pool does.
#include "impl/rtos/block_pool.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "impl/rtos/rtos.hpp"
#include "impl/rtos/test_support.hpp"

namespace ipcsim::rtos {
namespace {

using namespace std::chrono_literals;

struct Machine {
  sim::World w{{.seed = 3}};
  testing::RecordLog log;
  sim::Cpu* cpu = nullptr;
  std::unique_ptr<Rtos> os;
  explicit Machine(RtosConfig config = {}) {
    w.attach(log);
    cpu = &w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 32 * 1024});
    os = std::make_unique<Rtos>(w, cpu->memory(), config);
  }
  std::uint32_t word(Addr a) {
    std::array<std::byte, 4> b{};
    EXPECT_TRUE(cpu->memory().peek(a, b));
    std::uint32_t v;
    std::memcpy(&v, b.data(), 4);
    return v;
  }
};

TEST(BlockPoolTest, FreeListIsThreadedThroughTheBlocksAndThePcbIsInMemory) {
  Machine m;
  BlockPool& p = m.os->create_pool("p64", 64, 4);
  EXPECT_EQ(p.stride(), 64u);
  EXPECT_EQ(m.word(p.handle() + layout::pcb::kMagic), layout::kPcb);
  EXPECT_EQ(m.word(p.handle() + layout::pcb::kFreeHead), p.first());
  EXPECT_EQ(m.word(p.handle() + layout::pcb::kFreeCount), 4u);
  for (std::uint32_t i = 0; i < 3; ++i) EXPECT_EQ(m.word(p.block_at(i)), p.block_at(i + 1));
  EXPECT_EQ(m.word(p.block_at(3)), kNull);
  EXPECT_EQ(p.check_free_list(), "");
}

TEST(BlockPoolTest, BareGetHandsOutEveryBlockOnceThenZeroAndRelIsLifo) {
  Machine m;
  BlockPool& p = m.os->create_pool("p64", 64, 4);
  std::vector<Addr> got;
  Addr after_empty = 1;
  Addr again = 0;
  m.w.spawn(*m.cpu, "isr", [&](sim::Ctx) -> sim::Task<> {
    for (int i = 0; i < 4; ++i) got.push_back(m.os->block_get_bare_now(p));
    after_empty = m.os->block_get_bare_now(p);
    m.os->block_rel_bare_now(p, got[1]);
    m.os->block_rel_bare_now(p, got[2]);
    again = co_await m.os->block_get_bare(p);  // the awaitable form
  });
  const sim::RunResult r = m.w.run();
  ASSERT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(got, (std::vector<Addr>{p.block_at(0), p.block_at(1), p.block_at(2), p.block_at(3)}));
  EXPECT_EQ(after_empty, kNull);
  EXPECT_EQ(again, got[2]) << "the last block released is the first handed out";
  EXPECT_EQ(p.free_count(), 1u);
  EXPECT_EQ(p.check_free_list(), "");
  EXPECT_EQ(m.log.count("rtos.block.get"), 5u);
  EXPECT_EQ(m.log.count("rtos.pool.empty"), 1u);
  EXPECT_EQ(m.log.of("rtos.block.rel")[0],
            "rtos.block.rel pool=" + std::to_string(p.handle()) + " dbp=" + std::to_string(got[1]));
}

TEST(BlockPoolTest, EachPoolRecordsTheBlocksLeavingAndEnteringItsFreeList) {
  Machine m;
  BlockPool& p = m.os->create_pool("p64", 64, 4);
  Heap& h = m.os->create_heap("h", 1024);
  Addr dbp = 0;
  Addr chunk = 0;
  m.os->create_task(*m.cpu, "t", 1, [&](sim::Ctx) -> sim::Task<> {
    dbp = m.os->block_get_bare_now(p);
    m.os->block_rel_bare_now(p, dbp);
    const Addr msg = co_await m.os->msg_get(p);
    co_await m.os->msg_rel(msg);
    chunk = m.os->heap_malloc_now(h, 100);
    m.os->heap_free_now(h, chunk);
  });
  m.w.run();
  const std::string pool = " pool=" + std::to_string(p.handle());
  const std::string mcbs = " pool=" + std::to_string(m.os->mcb_pool().handle());
  const Addr mcb = m.os->mcb_pool().block_at(0);
  EXPECT_EQ(m.log.of("rtos.pool.take"),
            (std::vector<std::string>{"rtos.pool.take pool=" + std::to_string(m.os->tcb_pool().handle()) +
                                          " block=" + std::to_string(m.os->tcb_pool().block_at(0)),
                                      "rtos.pool.take" + pool + " block=" + std::to_string(dbp),
                                      "rtos.pool.take" + mcbs + " block=" + std::to_string(mcb),
                                      "rtos.pool.take" + pool + " block=" + std::to_string(dbp)}));
  EXPECT_EQ(m.log.of("rtos.pool.put"),
            (std::vector<std::string>{"rtos.pool.put" + pool + " block=" + std::to_string(dbp),
                                      "rtos.pool.put" + pool + " block=" + std::to_string(dbp),
                                      "rtos.pool.put" + mcbs + " block=" + std::to_string(mcb),
                                      "rtos.pool.put pool=" + std::to_string(m.os->tcb_pool().handle()) +
                                          " block=" + std::to_string(m.os->tcb_pool().block_at(0))}));
  const std::string heap = " heap=" + std::to_string(h.handle());
  EXPECT_EQ(m.log.of("rtos.heap.take"),
            (std::vector<std::string>{"rtos.heap.take" + heap + " dbp=" + std::to_string(chunk) + " bytes=100"}));
  EXPECT_EQ(m.log.of("rtos.heap.put"),
            (std::vector<std::string>{"rtos.heap.put" + heap + " dbp=" + std::to_string(chunk)}));
}

// The seed's engine "determines a proper memory block pool ... that would
// satisfy the requirement": the smallest blocks that hold the request.
TEST(BlockPoolTest, PoolForPicksTheSmallestBlocksThatHoldTheRequestTheFirstAmongEquals) {
  Machine m;
  BlockPool& big = m.os->create_pool("big", 512, 2);
  BlockPool& small = m.os->create_pool("small", 64, 2);
  BlockPool& mid = m.os->create_pool("mid", 256, 2);
  BlockPool& mid2 = m.os->create_pool("mid2", 256, 2);
  EXPECT_EQ(m.os->pool_for(1), &small);
  EXPECT_EQ(m.os->pool_for(64), &small);
  EXPECT_EQ(m.os->pool_for(65), &mid);
  EXPECT_EQ(m.os->pool_for(256), &mid) << "the first created among equals";
  EXPECT_EQ(m.os->pool_for(300), &big);
  EXPECT_EQ(m.os->pool_for(513), nullptr);
  (void)mid2;
}

TEST(BlockPoolTest, GetsBySizeTakeFromThePoolPoolForPicksAndSayWhichOrNothingWhenNoneFits) {
  Machine m;
  BlockPool& small = m.os->create_pool("small", 64, 1);
  BlockPool& big = m.os->create_pool("big", 256, 2);
  Rtos::SizedBlock a, b, none;
  Addr msg = 0, too_big = 1, exhausted = 1;
  m.os->create_task(*m.cpu, "t", 1, [&](sim::Ctx) -> sim::Task<> {
    a = m.os->block_get_bare_sized_now(10);
    b = m.os->block_get_bare_sized_now(100);
    none = m.os->block_get_bare_sized_now(1000);
    msg = co_await m.os->msg_get_sized(200);
    too_big = co_await m.os->msg_get_sized(257);
    exhausted = co_await m.os->msg_get_sized(64);  // "small" has no block left: no fallback to "big"
    m.os->block_rel_bare_now(*a.pool, a.dbp);
    m.os->block_rel_bare_now(*b.pool, b.dbp);
    co_await m.os->msg_rel(msg);
  });
  const sim::RunResult r = m.w.run();
  ASSERT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(a.pool, &small);
  EXPECT_EQ(a.dbp, small.block_at(0));
  EXPECT_EQ(b.pool, &big);
  EXPECT_FALSE(none);
  EXPECT_EQ(none.pool, nullptr);
  EXPECT_NE(msg, kNull);
  EXPECT_EQ(m.log.of("rtos.msg.get")[0].find("rtos.msg.get msg=" + std::to_string(msg)), 0u);
  EXPECT_NE(m.log.of("rtos.msg.get")[0].find(" pool=" + std::to_string(big.handle())), std::string::npos);
  EXPECT_EQ(too_big, kNull);
  EXPECT_EQ(exhausted, kNull);
  EXPECT_EQ(m.log.of("rtos.pool.nofit"),
            (std::vector<std::string>{"rtos.pool.nofit bytes=1000", "rtos.pool.nofit bytes=257"}));
  EXPECT_EQ(small.free_count(), 1u);
  EXPECT_EQ(big.free_count(), 2u);
}

TEST(BlockPoolTest, BareOperationsChargeTheirConfiguredCpuTime) {
  Machine m({.costs = {.block_get_bare = 40ns, .block_rel_bare = 30ns}});
  BlockPool& p = m.os->create_pool("p", 32, 2);
  std::int64_t t = -1;
  m.w.spawn(*m.cpu, "a", [&](sim::Ctx cx) -> sim::Task<> {
    const Addr b = m.os->block_get_bare_now(p);
    m.os->block_rel_bare_now(p, b);
    co_await cx.yield();
    t = sim::to_ns(cx.now());
  });
  m.w.run();
  EXPECT_EQ(t, 70);
}

TEST(BlockPoolTest, GeometryKnowsBlockBoundariesWithRoundedStride) {
  Machine m;
  BlockPool& p = m.os->create_pool("odd", 20, 5);
  EXPECT_EQ(p.stride(), 24u);
  EXPECT_TRUE(p.is_block(p.first()));
  EXPECT_TRUE(p.is_block(p.first() + 24 * 4));
  EXPECT_FALSE(p.is_block(p.first() + 12));
  EXPECT_FALSE(p.is_block(p.first() + 24 * 5)) << "one past the last block";
  EXPECT_FALSE(p.is_block(p.first() - 24));
  EXPECT_FALSE(p.is_block(kNull));
}

TEST(BlockPoolTest, BareReleaseOfAForeignBlockIsAUsageErrorNamingActorAndPool) {
  Machine m;
  BlockPool& a = m.os->create_pool("a", 64, 2);
  BlockPool& b = m.os->create_pool("b", 128, 2);
  m.w.spawn(*m.cpu, "driver", [&](sim::Ctx) -> sim::Task<> {
    const Addr dbp = m.os->block_get_bare_now(b);
    m.os->block_rel_bare_now(a, dbp);
    co_return;
  });
  try {
    m.w.run();
    FAIL() << "expected a usage error";
  } catch (const sim::UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("BlockRel by 'driver' (#1 on cpu0)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("is not a block of pool 'a'"), std::string::npos) << msg;
  }
}

TEST(BlockPoolTest, UncheckedReleaseToTheWrongPoolCorruptsItAndTheNextGetSaysSo) {
  // Base blocks are "low security" (seed 001): without the check, the foreign
  // block goes on pool a's free list, and a's next BlockGet finds it.
  Machine m({.check_bare_release = false});
  BlockPool& a = m.os->create_pool("a", 64, 2);
  BlockPool& b = m.os->create_pool("b", 128, 2);
  Addr first = 1;
  m.w.spawn(*m.cpu, "driver", [&](sim::Ctx) -> sim::Task<> {
    m.os->block_rel_bare_now(a, m.os->block_get_bare_now(b));
    first = m.os->block_get_bare_now(a);
    co_return;
  });
  m.w.run();
  EXPECT_EQ(first, kNull);
  EXPECT_EQ(m.log.count("rtos.pool.corrupt"), 1u);
  EXPECT_NE(a.check_free_list().find("corrupted free list"), std::string::npos);
}

TEST(BlockPoolTest, ServicesOutsideAStepOrFromAnotherCpuAreUsageErrors) {
  sim::World w;
  sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
  sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
  Rtos os(w, c0.memory());
  BlockPool& p = os.create_pool("p", 32, 2);
  EXPECT_THROW((void)os.block_get_bare_now(p), sim::UsageError);
  sim::World w2;
  sim::Cpu& d0 = w2.add_cpu({.name = "cpu0"});
  sim::Cpu& d1 = w2.add_cpu({.name = "cpu1"});
  Rtos os2(w2, d0.memory());
  BlockPool& p2 = os2.create_pool("p", 32, 2);
  w2.spawn(d1, "far", [&](sim::Ctx) -> sim::Task<> {
    (void)os2.block_get_bare_now(p2);
    co_return;
  });
  try {
    w2.run();
    FAIL();
  } catch (const sim::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("which is not mapped into cpu1"), std::string::npos) << e.what();
  }
  (void)c1;
}

}  // namespace
}  // namespace ipcsim::rtos

// Standard blocks and messages: get, make, unmake, release, proxies, owners,
// and the pool of origin kept in the control block.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/rtos.hpp"
#include "impl/rtos/test_support.hpp"
#include "sim/gate.hpp"

namespace ipcsim::rtos {
namespace {

using namespace std::chrono_literals;
using testing::bytes_of;

struct Machine {
  sim::World w{{.seed = 9}};
  testing::RecordLog log;
  sim::Cpu* cpu = nullptr;
  std::unique_ptr<Rtos> os;
  explicit Machine(RtosConfig config = {}) {
    w.attach(log);
    cpu = &w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 48 * 1024});
    os = std::make_unique<Rtos>(w, cpu->memory(), config);
  }
  std::uint32_t word(Addr a) {
    std::array<std::byte, 4> b{};
    EXPECT_TRUE(cpu->memory().peek(a, b));
    std::uint32_t v;
    std::memcpy(&v, b.data(), 4);
    return v;
  }
  std::string run_expecting_usage_error() {
    try {
      w.run();
    } catch (const sim::UsageError& e) {
      return e.what();
    }
    return "no usage error";
  }
};

TEST(MessageTest, MsgGetLinksAnMcbInMemoryToABlockAndRelReturnsBoth) {
  Machine m;
  BlockPool& p = m.os->create_pool("p128", 128, 4);
  Addr msg = 0, dbp = 0;
  std::uint32_t mcb_state = 0, mcb_pool = 0, mcb_owner = 1, mcb_dbp = 0;
  TaskRef t = m.os->create_task(*m.cpu, "t", 3, [&](sim::Ctx) -> sim::Task<> {
    msg = co_await m.os->msg_get(p);
    dbp = m.os->msg_dbp(msg);
    mcb_state = m.word(msg + layout::mcb::kState);
    mcb_pool = m.word(msg + layout::mcb::kPool);
    mcb_dbp = m.word(msg + layout::mcb::kDbp);
    mcb_owner = m.word(msg + layout::mcb::kOwner);
    co_await m.os->msg_rel(msg);
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_TRUE(m.os->mcb_pool().is_block(msg));
  EXPECT_TRUE(p.is_block(dbp));
  EXPECT_EQ(mcb_state, layout::kMcbReal);
  EXPECT_EQ(mcb_pool, p.handle());
  EXPECT_EQ(mcb_dbp, dbp);
  EXPECT_EQ(mcb_owner, t.tcb);
  EXPECT_EQ(m.word(msg + layout::mcb::kState), layout::kFree);
  EXPECT_EQ(p.free_count(), 4u);
  EXPECT_EQ(m.os->mcb_pool().free_count(), m.os->mcb_pool().blocks());
  EXPECT_EQ(m.os->check_consistency(), "");
  const std::string task = std::to_string(t.actor.id);
  EXPECT_EQ(m.log.of("rtos.msg.get")[0],
            "rtos.msg.get msg=" + std::to_string(msg) + " cb_pool=" + std::to_string(m.os->mcb_pool().handle()) +
                " pool=" + std::to_string(p.handle()) + " dbp=" + std::to_string(dbp) + " bytes=128 owner=" + task);
}

TEST(MessageTest, MakeOnABareBlockRecordsItsPoolSoAnyLayerReleasesItThere) {
  // The seed's migration: an ISR-level actor takes a bare block from pool rx;
  // a task makes it a message; another task that knows nothing of rx releases it.
  Machine m;
  BlockPool& general = m.os->create_pool("general", 256, 4);
  BlockPool& rx = m.os->create_pool("rx", 256, 4);
  Exchange& up = m.os->create_exchange("up", ExchangeType::Normal);
  Addr dbp = 0;
  m.w.spawn(*m.cpu, "isr",
            [&](sim::Ctx) -> sim::Task<> {
              dbp = m.os->block_get_bare_now(rx);
              m.os->block_write(dbp, bytes_of("datagram"));
              co_return;
            },
            {.priority = 9, .may_block = false});
  std::string seen;
  m.os->create_task(*m.cpu, "link", 5, [&](sim::Ctx) -> sim::Task<> {
    const Addr msg = co_await m.os->msg_make(rx, dbp);
    co_await up.send(msg);
  });
  m.os->create_task(*m.cpu, "app", 4, [&](sim::Ctx) -> sim::Task<> {
    const Received r = co_await up.receive();
    std::vector<std::byte> out(8);
    m.os->msg_read(r.msg, 0, out);
    seen = testing::string_of(out);
    co_await m.os->msg_rel(r.msg);
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(seen, "datagram") << "the body migrated without a copy";
  EXPECT_EQ(rx.free_count(), 4u) << "back to rx, its pool of origin";
  EXPECT_EQ(general.free_count(), 4u);
  ASSERT_EQ(m.log.count("rtos.msg.rel"), 1u);
  EXPECT_NE(m.log.of("rtos.msg.rel")[0].find(" pool=" + std::to_string(rx.handle()) + " "), std::string::npos);
}

TEST(MessageTest, UnmakeGivesBackTheBareBlockAndItsPoolForOutput) {
  Machine m;
  BlockPool& p = m.os->create_pool("tx", 64, 2);
  Unmade u;
  Addr dbp = 0;
  m.os->create_task(*m.cpu, "t", 1, [&](sim::Ctx) -> sim::Task<> {
    const Addr msg = co_await m.os->msg_get(p);
    dbp = m.os->msg_dbp(msg);
    u = co_await m.os->msg_unmake(msg);
    BlockPool* origin = static_cast<BlockPool*>(m.os->source_at(u.pool));
    co_await m.os->block_rel_bare(*origin, u.dbp);
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(u.dbp, dbp);
  EXPECT_EQ(u.pool, p.handle());
  EXPECT_EQ(p.free_count(), 2u);
  EXPECT_EQ(m.os->control_blocks_in_use(), 0u);
}

TEST(MessageTest, StandardBlocksHaveABcbWithPoolAndOwner) {
  Machine m;
  BlockPool& p = m.os->create_pool("p", 32, 3);
  Heap& h = m.os->create_heap("h", 512);
  std::uint32_t state = 0;
  Addr heap_dbp = 0;
  Unmade u;
  TaskRef t = m.os->create_task(*m.cpu, "t", 1, [&](sim::Ctx) -> sim::Task<> {
    const Addr blk = co_await m.os->block_get(p);
    state = m.word(blk + layout::bcb::kState);
    EXPECT_EQ(m.word(blk + layout::bcb::kOwner), m.os->current_task().tcb);
    EXPECT_EQ(m.word(blk + layout::bcb::kPool), p.handle());
    co_await m.os->block_rel(blk);
    heap_dbp = co_await m.os->heap_malloc(h, 40);
    const Addr hb = co_await m.os->block_make(h, heap_dbp);
    u = co_await m.os->block_unmake(hb);
    co_await m.os->heap_free(h, u.dbp);
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(state, layout::kBcb);
  EXPECT_EQ(u.pool, h.handle());
  EXPECT_EQ(u.dbp, heap_dbp);
  EXPECT_EQ(p.free_count(), 3u);
  EXPECT_EQ(h.used_chunks(), 0u);
  EXPECT_EQ(m.log.count("rtos.blk.get"), 1u);
  EXPECT_EQ(m.log.count("rtos.blk.rel"), 1u);
  EXPECT_EQ(m.log.count("rtos.blk.make"), 1u);
  EXPECT_EQ(m.log.count("rtos.blk.unmake"), 1u);
  (void)t;
}

TEST(MessageTest, ProxiesShareTheRealBodyAndReleasingOneFreesOnlyItsMcb) {
  Machine m;
  BlockPool& p = m.os->create_pool("p", 96, 2);
  Addr real = 0, hdr = 0, data = 0, real_dbp = 0;
  std::uint32_t free_after_proxies = 0;
  std::string assembled;
  m.os->create_task(*m.cpu, "client", 2, [&](sim::Ctx) -> sim::Task<> {
    real = co_await m.os->msg_get(p);
    real_dbp = m.os->msg_dbp(real);
    hdr = co_await m.os->msg_make_proxy(real, 0, 4);
    data = co_await m.os->msg_make_proxy(real, 4, 8);
    m.os->msg_write(hdr, 0, bytes_of("HEAD"));
    m.os->msg_write(data, 0, bytes_of("payload!"));
    EXPECT_EQ(m.os->msg_proxy_of(data), real);
    EXPECT_EQ(m.os->msg_dbp(data), real_dbp + 4);
    co_await m.os->msg_rel(hdr);
    co_await m.os->msg_rel(data);
    free_after_proxies = p.free_count();
    std::vector<std::byte> out(12);
    m.os->msg_read(real, 0, out);
    assembled = testing::string_of(out);
    co_await m.os->msg_rel(real);
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(free_after_proxies, 1u) << "proxy releases leave the body with the real message";
  EXPECT_EQ(assembled, "HEADpayload!");
  EXPECT_EQ(p.free_count(), 2u);
  EXPECT_EQ(m.os->control_blocks_in_use(), 0u);
  const auto rels = m.log.of("rtos.msg.rel");
  ASSERT_EQ(rels.size(), 3u);
  EXPECT_NE(rels[0].find(" pool=0 "), std::string::npos) << rels[0];
  EXPECT_NE(rels[0].find(" proxy_of=" + std::to_string(real)), std::string::npos) << rels[0];
  EXPECT_EQ(m.log.count("rtos.msg.write"), 2u);
}

TEST(MessageTest, ProxyReleaseBugFreesTheSharedBody) {
  Machine m({.bugs = {.proxy_release_frees_body = true}});
  BlockPool& p = m.os->create_pool("p", 96, 2);
  std::uint32_t free_after_proxy = 0;
  m.os->create_task(*m.cpu, "client", 2, [&](sim::Ctx) -> sim::Task<> {
    const Addr real = co_await m.os->msg_get(p);
    const Addr proxy = co_await m.os->msg_make_proxy(real, 0, 8);
    co_await m.os->msg_rel(proxy);
    free_after_proxy = p.free_count();
    co_await m.os->msg_rel(real);
  });
  m.w.run();
  EXPECT_EQ(free_after_proxy, 2u) << "the broken variant gave the body back while the real message held it";
  EXPECT_NE(p.check_free_list(), "") << "and the real release put it on the free list a second time";
}

TEST(MessageTest, ReleaseToWrongPoolBugReturnsTheBodyToTheFirstPoolThatFits) {
  Machine m({.bugs = {.release_to_wrong_pool = true}});
  BlockPool& general = m.os->create_pool("general", 256, 2);
  BlockPool& rx = m.os->create_pool("rx", 256, 2);
  m.os->create_task(*m.cpu, "t", 2, [&](sim::Ctx) -> sim::Task<> {
    const Addr msg = co_await m.os->msg_get(rx);
    co_await m.os->msg_rel(msg);
  });
  m.w.run();
  EXPECT_EQ(rx.free_count(), 1u);
  EXPECT_EQ(general.free_count(), 3u);
}

TEST(MessageTest, ReleasingAMessageOneDoesNotOwnIsRefused) {
  Machine m;
  BlockPool& p = m.os->create_pool("p", 32, 2);
  Addr msg = 0;
  sim::Gate go(m.w, "go");
  m.os->create_task(*m.cpu, "owner", 5,
                    [&](sim::Ctx) -> sim::Task<> {
                      msg = co_await m.os->msg_get(p);
                      co_await go.open();
                    },
                    {.daemon = true});
  m.os->create_task(*m.cpu, "thief", 4, [&](sim::Ctx) -> sim::Task<> {
    co_await go.wait();
    co_await m.os->msg_rel(msg);
  });
  // The owner returned first and released it: the thief releases a free MCB.
  const std::string err = m.run_expecting_usage_error();
  EXPECT_NE(err.find("MsgRel by 'thief'"), std::string::npos) << err;
  EXPECT_NE(err.find("was already released"), std::string::npos) << err;
}

TEST(MessageTest, ReleasingAnotherTasksMessageIsRefusedNamingTheOwner) {
  Machine m;
  BlockPool& p = m.os->create_pool("p", 32, 2);
  Addr msg = 0;
  sim::Gate go(m.w, "go");
  sim::Gate done(m.w, "done");
  m.os->create_task(*m.cpu, "owner", 5,
                    [&](sim::Ctx) -> sim::Task<> {
                      msg = co_await m.os->msg_get(p);
                      co_await go.open();
                      co_await done.wait();
                    },
                    {.daemon = true});
  m.os->create_task(*m.cpu, "thief", 4, [&](sim::Ctx) -> sim::Task<> {
    co_await go.wait();
    co_await m.os->msg_rel(msg);
  });
  const std::string err = m.run_expecting_usage_error();
  EXPECT_NE(err.find("belongs to task 'owner' (#1 on cpu0)"), std::string::npos) << err;
}

TEST(MessageTest, ProxySectionsMustLieInsideTheRealBody) {
  Machine m;
  BlockPool& p = m.os->create_pool("p", 32, 2);
  m.os->create_task(*m.cpu, "t", 1, [&](sim::Ctx) -> sim::Task<> {
    const Addr real = co_await m.os->msg_get(p);
    (void)co_await m.os->msg_make_proxy(real, 30, 4);
  });
  const std::string err = m.run_expecting_usage_error();
  EXPECT_NE(err.find("section [30, 34) is not inside the 32-byte body"), std::string::npos) << err;
}

TEST(MessageTest, MessageAllocationCostsSubstantiallyMoreThanBareAllocation) {
  Machine m;  // default costs
  BlockPool& p = m.os->create_pool("p", 64, 4);
  std::int64_t bare_ns = 0, msg_ns = 0;
  m.os->create_task(*m.cpu, "t", 1, [&](sim::Ctx cx) -> sim::Task<> {
    sim::Instant t0 = cx.now();
    const Addr b = m.os->block_get_bare_now(p);
    m.os->block_rel_bare_now(p, b);
    co_await cx.yield();
    bare_ns = sim::to_ns(cx.now() - t0);
    t0 = cx.now();
    const Addr msg = m.os->msg_get_now(p);
    m.os->msg_rel_now(msg);
    co_await cx.yield();
    msg_ns = sim::to_ns(cx.now() - t0);
  });
  m.w.run();
  EXPECT_EQ(bare_ns, sim::to_ns(RtosCosts{}.block_get_bare + RtosCosts{}.block_rel_bare));
  EXPECT_EQ(msg_ns, sim::to_ns(RtosCosts{}.msg_get + RtosCosts{}.msg_rel));
  EXPECT_GE(msg_ns, 5 * bare_ns);
}

TEST(MessageTest, ExhaustedMcbPoolMakesMsgGetReturnZeroAndLeavesTheBlockInItsPool) {
  Machine m({.mcbs = 1});
  BlockPool& p = m.os->create_pool("p", 32, 4);
  Addr second = 1;
  m.os->create_task(*m.cpu, "t", 1, [&](sim::Ctx) -> sim::Task<> {
    const Addr first = co_await m.os->msg_get(p);
    second = co_await m.os->msg_get(p);
    co_await m.os->msg_rel(first);
  });
  m.w.run();
  EXPECT_EQ(second, kNull);
  EXPECT_EQ(p.free_count(), 4u);
  EXPECT_EQ(m.log.count("rtos.pool.empty"), 1u);
}

}  // namespace
}  // namespace ipcsim::rtos

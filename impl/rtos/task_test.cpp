// Tasks: deletion releases everything the task owns; a return is a deletion;
// a task killed behind the RTOS's back is reaped; a crash loses the memory and
// a restart formats it again.
#include <gtest/gtest.h>

#include "impl/rtos/exchange.hpp"
#include "impl/rtos/rtos.hpp"
#include "impl/rtos/test_support.hpp"
#include "sim/gate.hpp"

namespace ipcsim::rtos {
namespace {

using namespace std::chrono_literals;

struct Machine {
  sim::World w{{.seed = 21}};
  testing::RecordLog log;
  sim::Cpu* cpu = nullptr;
  std::unique_ptr<Rtos> os;
  BlockPool* pool = nullptr;
  Heap* heap = nullptr;
  explicit Machine(RtosConfig config = {}) {
    w.attach(log);
    cpu = &w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 48 * 1024});
    os = std::make_unique<Rtos>(w, cpu->memory(), config);
    pool = &os->create_pool("p", 64, 8);
    heap = &os->create_heap("h", 1024);
  }
};

// A worker that takes a message, a block, a heap message and two proxies,
// then waits forever.
sim::Task<> hoard(Rtos& os, BlockPool& pool, Heap& heap, sim::Gate& never) {
  const Addr m = co_await os.msg_get(pool);
  (void)co_await os.block_get(pool);
  (void)co_await os.msg_get(heap, 100);
  (void)co_await os.msg_make_proxy(m, 0, 8);
  (void)co_await os.msg_make_proxy(m, 8, 8);
  const Addr bare = co_await os.block_get_bare(pool);
  (void)co_await os.msg_make(pool, bare);
  co_await never.wait();
}

TEST(TaskTest, DeleteKillsTheTaskAndReleasesEverythingItOwns) {
  Machine m;
  sim::Gate never(m.w, "never");
  TaskRef worker = m.os->create_task(*m.cpu, "worker", 5,
                                     [&](sim::Ctx) -> sim::Task<> { co_await hoard(*m.os, *m.pool, *m.heap, never); });
  std::uint32_t owned_before = 0, released = 0;
  m.os->create_task(*m.cpu, "boss", 1, [&](sim::Ctx) -> sim::Task<> {
    owned_before = m.os->owned_by(worker);
    released = (co_await m.os->delete_task(worker)).released;
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(owned_before, 6u);
  EXPECT_EQ(released, 6u);
  EXPECT_FALSE(m.w.alive(worker.actor));
  EXPECT_EQ(m.pool->free_count(), 8u);
  EXPECT_EQ(m.heap->used_chunks(), 0u);
  EXPECT_EQ(m.os->control_blocks_in_use(), 0u);
  EXPECT_EQ(m.os->live_tasks(), 0u);
  EXPECT_EQ(m.os->check_consistency(), "");
  ASSERT_EQ(m.log.count("rtos.task.delete"), 2u);
  EXPECT_NE(m.log.of("rtos.task.delete")[0].find("released=6 reason=delete"), std::string::npos);
}

TEST(TaskTest, DeleteLeakBugKeepsTheOwnedBlocks) {
  Machine m({.bugs = {.delete_leaks_owned = true}});
  sim::Gate never(m.w, "never");
  TaskRef worker = m.os->create_task(*m.cpu, "worker", 5,
                                     [&](sim::Ctx) -> sim::Task<> { co_await hoard(*m.os, *m.pool, *m.heap, never); });
  m.os->create_task(*m.cpu, "boss", 1, [&](sim::Ctx) -> sim::Task<> { (void)co_await m.os->delete_task(worker); });
  m.w.run();
  EXPECT_EQ(m.os->control_blocks_in_use(), 6u);
  EXPECT_LT(m.pool->free_count(), 8u);
}

TEST(TaskTest, ReturningFromTheBodyReleasesWhatTheTaskStillOwns) {
  Machine m;
  m.os->create_task(*m.cpu, "sloppy", 5, [&](sim::Ctx) -> sim::Task<> {
    (void)co_await m.os->msg_get(*m.pool);
    (void)co_await m.os->block_get(*m.pool);
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(m.os->control_blocks_in_use(), 0u);
  EXPECT_EQ(m.pool->free_count(), 8u);
  EXPECT_NE(m.log.of("rtos.task.delete")[0].find("released=2 reason=exit"), std::string::npos);
}

TEST(TaskTest, MessagesQueuedAtAnExchangeSurviveTheirSendersDeletion) {
  Machine m;
  Exchange& x = m.os->create_exchange("x", ExchangeType::Normal);
  sim::Gate never(m.w, "never");
  TaskRef sender = m.os->create_task(*m.cpu, "sender", 5, [&](sim::Ctx) -> sim::Task<> {
    co_await x.send(co_await m.os->msg_get(*m.pool));
    (void)co_await m.os->msg_get(*m.pool);
    co_await never.wait();
  });
  bool received = false;
  m.os->create_task(*m.cpu, "boss", 3, [&](sim::Ctx) -> sim::Task<> {
    EXPECT_EQ((co_await m.os->delete_task(sender)).released, 1u);
    const Received r = co_await x.receive();
    received = static_cast<bool>(r);
    co_await m.os->msg_rel(r.msg);
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_TRUE(received);
  EXPECT_EQ(m.pool->free_count(), 8u);
}

TEST(TaskTest, ATaskKilledBehindTheRtossBackIsReapedAtTheNextService) {
  Machine m;
  sim::Gate never(m.w, "never");
  TaskRef victim = m.os->create_task(*m.cpu, "victim", 5,
                                     [&](sim::Ctx) -> sim::Task<> { co_await hoard(*m.os, *m.pool, *m.heap, never); });
  std::uint32_t in_use_after_kill = 0;
  m.w.spawn(*m.cpu, "assassin",
            [&](sim::Ctx cx) -> sim::Task<> {
              co_await cx.sleep(10us);
              co_await cx.kill(victim.actor);  // not TaskDelete: the RTOS is not told
              in_use_after_kill = m.os->control_blocks_in_use();
              const Addr msg = co_await m.os->msg_get(*m.pool);  // any control-block service reaps
              co_await m.os->msg_rel(msg);
            },
            {.priority = 1});
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(in_use_after_kill, 6u);
  EXPECT_EQ(m.os->control_blocks_in_use(), 0u);
  EXPECT_EQ(m.os->live_tasks(), 0u);
  EXPECT_NE(m.log.of("rtos.task.delete")[0].find("released=6 reason=reaped"), std::string::npos);
}

TEST(TaskTest, DeletingATaskThatIsAlreadyGoneDoesNothing) {
  Machine m;
  TaskRef quick = m.os->create_task(*m.cpu, "quick", 5, [&](sim::Ctx) -> sim::Task<> { co_return; });
  Rtos::Deleted d{true, 99};
  m.os->create_task(*m.cpu, "late", 1, [&](sim::Ctx) -> sim::Task<> { d = co_await m.os->delete_task(quick); });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_FALSE(d.deleted);
  EXPECT_EQ(d.released, 0u);
}

TEST(TaskTest, DeletingItselfOrANonTaskIsAUsageError) {
  Machine m;
  m.os->create_task(*m.cpu, "narcissus", 5,
                    [&](sim::Ctx) -> sim::Task<> { (void)co_await m.os->delete_task(m.os->current_task()); });
  try {
    m.w.run();
    FAIL();
  } catch (const sim::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("a task deletes itself by returning"), std::string::npos) << e.what();
  }
}

TEST(TaskTest, DeletingAPlainActorIsAUsageErrorNamingItByName) {
  Machine m;
  sim::Gate never(m.w, "never");
  const sim::ActorRef plain =
      m.w.spawn(*m.cpu, "bystander", [&](sim::Ctx) -> sim::Task<> { co_await never.wait(); }, {.daemon = true});
  m.os->create_task(*m.cpu, "boss", 5, [&](sim::Ctx) -> sim::Task<> {
    (void)co_await m.os->delete_task(TaskRef{plain, /*tcb=*/4});
  });
  try {
    m.w.run();
    FAIL();
  } catch (const sim::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("actor 'bystander' (#1 on cpu0) is not a task of this RTOS"),
              std::string::npos)
        << e.what();
  }
}

TEST(TaskTest, ACrashLosesTheMemoryAndARestartFormatsTheRtosAgain) {
  sim::World w({.seed = 4});
  testing::RecordLog log;
  w.attach(log);
  sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive});
  sim::Cpu& other = w.add_cpu({.name = "cpu1"});
  Rtos os(w, cpu.memory());
  BlockPool& p = os.create_pool("p", 64, 4);
  sim::Gate never(w, "never");
  os.create_task(cpu, "holder", 5,
                 [&](sim::Ctx) -> sim::Task<> {
                   (void)co_await os.msg_get(p);
                   co_await never.wait();
                 },
                 {.daemon = true});
  w.spawn(other, "operator", [&](sim::Ctx cx) -> sim::Task<> {
    co_await cx.sleep(5us);
    w.crash(cpu);
    EXPECT_TRUE(cpu.memory().lost());
    co_await cx.sleep(5us);
    w.restart(cpu);
  });
  ASSERT_EQ(w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(log.count("rtos.reset"), 1u);
  EXPECT_EQ(p.free_count(), 4u) << "formatted again after the restart";
  EXPECT_EQ(os.live_tasks(), 0u);
  EXPECT_EQ(os.check_consistency(), "");
}

}  // namespace
}  // namespace ipcsim::rtos

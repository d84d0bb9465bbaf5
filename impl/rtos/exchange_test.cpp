// Exchanges: normal (message queue by priority, task queue by priority),
// priority pass, broadcast (sticky, everyone resumed at once, late receivers,
// master stays owner, rounds), timeouts, ownership.
#include "impl/rtos/exchange.hpp"

#include <gtest/gtest.h>

#include "impl/rtos/rtos.hpp"
#include "impl/rtos/test_support.hpp"
#include "sim/gate.hpp"

namespace ipcsim::rtos {
namespace {

using namespace std::chrono_literals;

struct Machine {
  sim::World w{{.seed = 13}};
  testing::RecordLog log;
  testing::RecordLog kernel{"sim."};
  sim::Cpu* cpu = nullptr;
  std::unique_ptr<Rtos> os;
  BlockPool* pool = nullptr;
  Machine() {
    w.attach(log);
    w.attach(kernel);
    cpu = &w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 48 * 1024});
    os = std::make_unique<Rtos>(w, cpu->memory(),
                                RtosConfig{.costs = {.block_get_bare = 0ns,
                                                     .block_rel_bare = 0ns,
                                                     .block_get = 0ns,
                                                     .block_make = 0ns,
                                                     .block_unmake = 0ns,
                                                     .block_rel = 0ns,
                                                     .msg_get = 0ns,
                                                     .msg_make = 0ns,
                                                     .msg_unmake = 0ns,
                                                     .msg_rel = 0ns,
                                                     .send = 0ns,
                                                     .receive = 0ns,
                                                     .field = 0ns,
                                                     .copy_bytes_per_ns = 0}});
    pool = &os->create_pool("p", 64, 16);
  }
};

TEST(ExchangeTest, NormalQueuesMessagesByPriorityFifoAmongEquals) {
  Machine m;
  Exchange& x = m.os->create_exchange("x", ExchangeType::Normal);
  std::vector<std::uint32_t> order;
  m.os->create_task(*m.cpu, "sender", 5, [&](sim::Ctx) -> sim::Task<> {
    for (std::uint32_t prio : {1u, 7u, 3u, 7u, 1u}) {
      const Addr msg = co_await m.os->msg_get(*m.pool);
      m.os->msg_write(msg, 0, testing::bytes_of(std::string(1, static_cast<char>('a' + order.size() + prio))));
      co_await x.send(msg, prio);
    }
    EXPECT_EQ(x.queued(), 5u);
  });
  m.os->create_task(*m.cpu, "receiver", 2, [&](sim::Ctx) -> sim::Task<> {
    for (int i = 0; i < 5; ++i) {
      const Received r = co_await x.receive();
      order.push_back(r.priority);
      EXPECT_EQ(m.os->msg_owner(r.msg), m.os->current_task().tcb);
      co_await m.os->msg_rel(r.msg);
    }
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{7, 7, 3, 1, 1}));
  // FIFO among equals: the first 7 sent is received first.
  const auto sends = m.log.of("rtos.msg.send");
  const auto recvs = m.log.of("rtos.msg.receive");
  ASSERT_EQ(recvs.size(), 5u);
  auto msg_of = [](const std::string& l) {
    return l.substr(l.find("msg="), l.find(' ', l.find("msg=")) - l.find("msg="));
  };
  EXPECT_EQ(msg_of(recvs[0]), msg_of(sends[1]));
  EXPECT_EQ(msg_of(recvs[1]), msg_of(sends[3]));
  EXPECT_EQ(msg_of(recvs[3]), msg_of(sends[0]));
}

TEST(ExchangeTest, WaitingTasksAreServedByPriorityAndTheSenderHandsOverDirectly) {
  Machine m;
  Exchange& x = m.os->create_exchange("x", ExchangeType::Normal);
  std::vector<std::string> got;
  for (auto [name, prio] : {std::pair{"low", 2}, std::pair{"high", 6}, std::pair{"mid", 4}}) {
    m.os->create_task(*m.cpu, name, prio, [&, name = std::string(name)](sim::Ctx) -> sim::Task<> {
      const Received r = co_await x.receive();
      got.push_back(name);
      co_await m.os->msg_rel(r.msg);
    });
  }
  m.os->create_task(*m.cpu, "sender", 1, [&](sim::Ctx) -> sim::Task<> {
    for (int i = 0; i < 3; ++i) co_await x.send(co_await m.os->msg_get(*m.pool));
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(got, (std::vector<std::string>{"high", "mid", "low"}));
  EXPECT_EQ(x.queued(), 0u) << "every message went straight to a waiting task";
  // Every hand-off is a flow: the send's flow_out is the receive's flow_in.
  const auto sends = m.log.of("rtos.msg.send");
  const auto recvs = m.log.of("rtos.msg.receive");
  ASSERT_EQ(sends.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const std::string flow = sends[i].substr(sends[i].find("flow_out=") + 9);
    EXPECT_NE(recvs[i].find("flow_in=" + flow), std::string::npos) << sends[i] << " / " << recvs[i];
  }
}

TEST(ExchangeTest, ReceiveTimesOut) {
  Machine m;
  Exchange& x = m.os->create_exchange("x", ExchangeType::Normal);
  bool timed_out = false;
  std::int64_t at = 0;
  m.os->create_task(*m.cpu, "r", 1, [&](sim::Ctx cx) -> sim::Task<> {
    const Received r = co_await x.receive_for(7us);
    timed_out = !r;
    at = sim::to_ns(cx.now());
  });
  m.w.run();
  EXPECT_TRUE(timed_out);
  EXPECT_EQ(at, 7000);
}

TEST(ExchangeTest, PassExchangeGivesTheReceiverTheMessagePriority) {
  Machine m;
  Exchange& x = m.os->create_exchange("x", ExchangeType::Pass);
  std::vector<int> seen;
  m.os->create_task(*m.cpu, "server", 2, [&](sim::Ctx cx) -> sim::Task<> {
    for (int i = 0; i < 2; ++i) {
      const Received r = co_await x.receive();
      seen.push_back(cx.priority());
      co_await m.os->msg_rel(r.msg);
    }
  });
  m.os->create_task(*m.cpu, "client", 1, [&](sim::Ctx) -> sim::Task<> {
    co_await x.send(co_await m.os->msg_get(*m.pool), 9);  // hand-off to the waiting server
    co_await x.send(co_await m.os->msg_get(*m.pool), 4);  // queued, dequeued by the server
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(seen, (std::vector<int>{9, 4}));
  EXPECT_EQ(m.kernel.count("sim.priority"), 2u);
}

TEST(ExchangeTest, PassBugLeavesTheReceiverAtItsOwnPriority) {
  sim::World w;
  sim::Cpu& cpu = w.add_cpu({.policy = sim::RunPolicy::PriorityPreemptive});
  Rtos os(w, cpu.memory(), {.bugs = {.pass_keeps_receiver_priority = true}});
  BlockPool& p = os.create_pool("p", 32, 2);
  Exchange& x = os.create_exchange("x", ExchangeType::Pass);
  int seen = -1;
  os.create_task(cpu, "server", 2, [&](sim::Ctx cx) -> sim::Task<> {
    const Received r = co_await x.receive();
    seen = cx.priority();
    co_await os.msg_rel(r.msg);
  });
  os.create_task(cpu, "client", 1, [&](sim::Ctx) -> sim::Task<> { co_await x.send(co_await os.msg_get(p), 9); });
  w.run();
  EXPECT_EQ(seen, 2);
}

TEST(ExchangeTest, BroadcastResumesEveryWaiterAtOnceAndLaterReceiversDoNotWait) {
  Machine m;
  Exchange& bx = m.os->create_exchange("bx", ExchangeType::Broadcast);
  std::vector<std::string> got;
  Addr sent = 0;
  for (const char* name : {"s1", "s2", "s3"}) {
    m.os->create_task(*m.cpu, name, 5, [&, name = std::string(name)](sim::Ctx cx) -> sim::Task<> {
      const Received r = co_await bx.receive();
      got.push_back(name + "@" + std::to_string(sim::to_ns(cx.now())) + "#" + std::to_string(r.round));
      EXPECT_EQ(r.msg, sent);
      EXPECT_EQ(r.dbp, m.os->msg_dbp(sent));
    });
  }
  m.os->create_task(*m.cpu, "master", 3, [&](sim::Ctx cx) -> sim::Task<> {
    sent = co_await m.os->msg_get(*m.pool);
    co_await cx.sleep(2us);
    co_await bx.send(sent);
    EXPECT_EQ(m.os->msg_owner(sent), m.os->current_task().tcb) << "the master stays the owner";
    co_await cx.sleep(3us);
    EXPECT_EQ(bx.sticky(), sent);
    co_await m.os->msg_rel(sent);  // takes it off the exchange
    EXPECT_EQ(bx.sticky(), kNull);
  });
  m.os->create_task(*m.cpu, "late", 4, [&](sim::Ctx cx) -> sim::Task<> {
    co_await cx.sleep(4us);
    const Received r = co_await bx.receive();
    got.push_back("late@" + std::to_string(sim::to_ns(cx.now())) + "#" + std::to_string(r.round));
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[3], "late@4000#1");
  for (int i = 0; i < 3; ++i) EXPECT_NE(got[i].find("@2000#1"), std::string::npos) << got[i];
  const auto sends = m.log.of("rtos.msg.send");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_NE(sends[0].find("round=1"), std::string::npos);
  EXPECT_NE(sends[0].find("waiting=3"), std::string::npos);
  EXPECT_EQ(m.log.count("rtos.msg.receive"), 4u);
  EXPECT_EQ(m.log.count("rtos.bcast.clear"), 1u);
}

TEST(ExchangeTest, BroadcastRoundsCountResendsAndForwardingTakesTheMessageOff) {
  Machine m;
  Exchange& bx = m.os->create_exchange("bx", ExchangeType::Broadcast);
  Exchange& out = m.os->create_exchange("out", ExchangeType::Normal);
  std::vector<std::uint32_t> rounds;
  m.os->create_task(*m.cpu, "master", 3, [&](sim::Ctx) -> sim::Task<> {
    const Addr msg = co_await m.os->msg_get(*m.pool);
    co_await bx.send(msg);
    co_await bx.send(msg);  // changed and rebroadcast: round 2
    rounds.push_back(bx.round());
    co_await out.send(msg);  // forwarded: no longer on show, no longer the master's
    rounds.push_back(bx.sticky());
  });
  m.os->create_task(*m.cpu, "sink", 1, [&](sim::Ctx) -> sim::Task<> {
    const Received r = co_await out.receive();
    co_await m.os->msg_rel(r.msg);
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(rounds, (std::vector<std::uint32_t>{2, 0}));
  EXPECT_EQ(m.log.count("rtos.bcast.clear"), 1u);
  EXPECT_EQ(m.os->control_blocks_in_use(), 0u);
}

// XchgPeek looks without taking: the round on show at a broadcast exchange
// (0 when none), the messages queued at a normal one; it is traced.
TEST(ExchangeTest, PeekSeesTheRoundOnShowOrTheQueueAndTakesNothing) {
  Machine m;
  Exchange& bx = m.os->create_exchange("bx", ExchangeType::Broadcast);
  Exchange& q = m.os->create_exchange("q", ExchangeType::Normal);
  std::vector<std::uint32_t> seen;
  m.os->create_task(*m.cpu, "master", 3, [&](sim::Ctx) -> sim::Task<> {
    seen.push_back(co_await bx.peek());  // nothing on show yet
    const Addr msg = co_await m.os->msg_get(*m.pool);
    co_await bx.send(msg);
    co_await bx.send(msg);
    seen.push_back(co_await bx.peek());  // round 2 on show
    seen.push_back(co_await q.peek());
    co_await q.send(msg);  // leaves the broadcast exchange, waits at q
    seen.push_back(co_await bx.peek());
    seen.push_back(co_await q.peek());
    seen.push_back(co_await q.peek());  // a peek takes nothing
    const Received r = co_await q.receive();
    co_await m.os->msg_rel(r.msg);
  });
  ASSERT_EQ(m.w.run().outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(seen, (std::vector<std::uint32_t>{0, 2, 0, 0, 1, 1}));
  EXPECT_EQ(m.log.count("rtos.xchg.peek"), 6u);
  EXPECT_EQ(m.log.of("rtos.xchg.peek")[1].substr(m.log.of("rtos.xchg.peek")[1].rfind(' ')), " seen=2");
}

TEST(ExchangeTest, ASlaveCannotReleaseTheMastersBroadcastMessage) {
  Machine m;
  Exchange& bx = m.os->create_exchange("bx", ExchangeType::Broadcast);
  sim::Gate never(m.w, "never");
  m.os->create_task(*m.cpu, "master", 3,
                    [&](sim::Ctx) -> sim::Task<> {
                      co_await bx.send(co_await m.os->msg_get(*m.pool));
                      co_await never.wait();
                    },
                    {.daemon = true});
  m.os->create_task(*m.cpu, "slave", 2, [&](sim::Ctx) -> sim::Task<> {
    const Received r = co_await bx.receive();
    co_await m.os->msg_rel(r.msg);
  });
  try {
    m.w.run();
    FAIL();
  } catch (const sim::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("MsgRel by 'slave'"), std::string::npos) << e.what();
  }
}

TEST(ExchangeTest, AQueuedMessageBelongsToTheExchange) {
  Machine m;
  Exchange& x = m.os->create_exchange("x", ExchangeType::Normal);
  m.os->create_task(*m.cpu, "t", 3, [&](sim::Ctx) -> sim::Task<> {
    const Addr msg = co_await m.os->msg_get(*m.pool);
    co_await x.send(msg);
    EXPECT_EQ(m.os->msg_owner(msg), x.handle());
    co_await m.os->msg_rel(msg);
  });
  try {
    m.w.run();
    FAIL();
  } catch (const sim::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("is queued at exchange 'x'"), std::string::npos) << e.what();
  }
}

// At the end of every run the RTOS records what each exchange really holds,
// read from its XCB and the MCBs linked from it, whatever the outcome.
TEST(ExchangeTest, TheEndOfARunRecordsEachExchangesQueueAndShowAsMemoryHasThem) {
  Machine m;
  Exchange& x = m.os->create_exchange("x", ExchangeType::Normal);
  Exchange& bx = m.os->create_exchange("bx", ExchangeType::Broadcast);
  Addr a = 0, b = 0, c = 0;
  sim::Gate never(m.w, "never");
  m.os->create_task(*m.cpu, "t", 3, [&](sim::Ctx) -> sim::Task<> {
    a = co_await m.os->msg_get(*m.pool);
    b = co_await m.os->msg_get(*m.pool);
    c = co_await m.os->msg_get(*m.pool);
    co_await x.send(a, 1);
    co_await x.send(b, 4);
    co_await bx.send(c);
    co_await never.wait();  // a deadlock: not only quiescent runs are inventoried
  });
  const sim::RunResult r = m.w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Deadlock);
  const std::vector<std::string> inv = m.log.of("rtos.xchg.inventory");
  ASSERT_EQ(inv.size(), 2u);
  EXPECT_EQ(inv[0], "rtos.xchg.inventory xchg=" + std::to_string(x.handle()) + " queued=2 msgs=" + std::to_string(b) +
                        " " + std::to_string(a) + " broken_link=false sticky=0 round=0");
  EXPECT_EQ(inv[1], "rtos.xchg.inventory xchg=" + std::to_string(bx.handle()) +
                        " queued=0 msgs= broken_link=false sticky=" + std::to_string(c) + " round=1");
  EXPECT_EQ(m.log.lines.back().substr(0, 19), "rtos.xchg.inventory") << "the last RTOS record of the run";
}

TEST(ExchangeTest, NoInventoryOfAnRtosWhoseMemoryWasLostInACrash) {
  Machine m;
  m.os->create_exchange("x", ExchangeType::Normal);
  m.w.at(sim::at_ns(10), [&] { m.w.crash(*m.cpu); });
  m.w.run();
  EXPECT_EQ(m.log.count("rtos.xchg.inventory"), 0u);
}

}  // namespace
}  // namespace ipcsim::rtos

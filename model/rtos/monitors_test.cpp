// The RTOS monitors pool_origin, no_double_delivery, sections_filled and
// priority_pass on hand-written traces: each accepts a correct history and
// names the first wrong record of a broken one. (The other monitors have a
// test file each: *_monitor_test.cpp.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/rtos/delivery_monitor.hpp"
#include "model/rtos/monitor_test_support.hpp"
#include "model/rtos/pool_origin_monitor.hpp"
#include "model/rtos/priority_pass_monitor.hpp"
#include "model/rtos/sections_monitor.hpp"

namespace ipcsim::model::rtos {
namespace {

using namespace testing;

TEST(PoolOriginMonitorTest, AcceptsGetMakeSendReceiveRelease) {
  Feed f;
  PoolOriginMonitor m;
  declare(f, m);
  take(f, m, 100, 1064);
  f(m, "rtos.block.get", {{"rtos", 1}, {"pool", 100}, {"dbp", 1064}}, 9);
  take(f, m, 300, 3048);
  f(m, "rtos.msg.make",
    {{"rtos", 1}, {"msg", 3048}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 1064}, {"bytes", 64}, {"owner", 3},
     {"proxy_of", 0}},
    3);
  send(f, m, 3048, 500, 1, 7, 3);
  f(m, "rtos.task.delete", {{"rtos", 1}, {"task", 3}, {"by", 3}, {"released", 0}, {"reason", "exit"}}, 3);
  receive(f, m, 3048, 500, 1, 7, 4);
  EXPECT_EQ(m.control_blocks_live(), 1u);
  msg_rel(f, m, 3048, 100, 1064, 4);
  f(m, "rtos.task.delete", {{"rtos", 1}, {"task", 4}, {"by", 4}, {"released", 0}, {"reason", "exit"}}, 4);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.bodies_allocated(), 0u);
  EXPECT_EQ(m.returns_checked(), 2u);
}

TEST(PoolOriginMonitorTest, CatchesABodyEnteringAnotherPoolsFreeList) {
  Feed f;
  PoolOriginMonitor m;
  declare(f, m);
  msg_get(f, m, 3000, 200, 2000, 3);
  put(f, m, 100, 2000);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->record_seq, f.seq - 1);
  EXPECT_EQ(m.violation()->message, "dbp 2000 released to pool #100 but it came from pool #200");
}

// The origin is learnt from the pool that handed the block out and checked
// against the pool that received it, never against what the release record says.
TEST(PoolOriginMonitorTest, DoesNotTakeTheReleaseRecordsWordForWhereTheBodyWent) {
  {
    // The release record claims the right pool; the pool that received the body says otherwise.
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    msg_get(f, m, 3000, 200, 2000, 3);
    put(f, m, 100, 2000);
    put(f, m, 300, 3000);
    f(m, "rtos.msg.rel",
      {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 200}, {"dbp", 2000}, {"proxy_of", 0}, {"owner", 3}},
      3);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "dbp 2000 released to pool #100 but it came from pool #200");
  }
  {
    // A release record with no pool receiving the body: the body went nowhere.
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    msg_get(f, m, 3000, 200, 2000, 3);
    put(f, m, 300, 3000);
    f(m, "rtos.msg.rel",
      {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 200}, {"dbp", 2000}, {"proxy_of", 0}, {"owner", 3}},
      3);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "rtos.msg.rel of control block 3000: no pool received its body dbp 2000");
  }
  {
    // A body entering a free list without any release.
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    msg_get(f, m, 3000, 200, 2000, 3);
    put(f, m, 200, 2000);
    send(f, m, 3000, 500, 1, 7, 3);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "dbp 2000 entered the free list of pool #200 but no service released it");
  }
}

TEST(PoolOriginMonitorTest, NamesPoolsAsTheScenarioDoes) {
  Feed f;
  PoolOriginMonitor m;
  declare(f, m, /*named=*/true);
  msg_get(f, m, 3000, 200, 2000, 3);
  put(f, m, 100, 2000);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message, "dbp 2000 released to pool 'A' but it came from pool 'B'");
}

TEST(PoolOriginMonitorTest, CatchesDoubleReleaseForeignBlocksAndBadMakes) {
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    take(f, m, 100, 1000);
    f(m, "rtos.block.get", {{"rtos", 1}, {"pool", 100}, {"dbp", 1000}});
    put(f, m, 100, 1000);
    f(m, "rtos.block.rel", {{"rtos", 1}, {"pool", 100}, {"dbp", 1000}});
    put(f, m, 100, 1000);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("not allocated (released twice?)"), std::string::npos);
  }
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    take(f, m, 100, 2000);  // pool A hands out B's block
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("which is not one of its blocks"), std::string::npos);
  }
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    take(f, m, 100, 1000);
    take(f, m, 100, 1000);  // handed out twice
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("which is still allocated (from pool #100)"), std::string::npos);
  }
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    take(f, m, 100, 1000);
    f(m, "rtos.block.get", {{"rtos", 1}, {"pool", 100}, {"dbp", 1000}});
    take(f, m, 300, 3000);
    f(m, "rtos.msg.make",
      {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 200}, {"dbp", 1000}, {"bytes", 64}, {"owner", 0},
       {"proxy_of", 0}});
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("records pool #200 for dbp 1000, which came from pool #100"),
              std::string::npos);
  }
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    msg_get(f, m, 3000, 100, 1000, 0);
    put(f, m, 100, 1000);
    f(m, "rtos.block.rel", {{"rtos", 1}, {"pool", 100}, {"dbp", 1000}});  // bare release of a message's body
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("while control block 3000 holds it"), std::string::npos);
  }
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    msg_get(f, m, 3000, 100, 1000, 3);
    put(f, m, 100, 3000);  // an MCB into a body pool
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "dbp 3000 released to pool #100 but it came from pool #300");
  }
}

TEST(PoolOriginMonitorTest, CatchesAProxyReleaseThatFreesTheBody) {
  Feed f;
  PoolOriginMonitor m;
  declare(f, m, /*named=*/true);
  msg_get(f, m, 3000, 100, 1000, 3);
  proxy_make(f, m, 3048, 3000, 1008, 8, 3);
  proxy_rel(f, m, 3048, 3000, 1008, 3);
  EXPECT_FALSE(m.violated());
  proxy_make(f, m, 3048, 3000, 1008, 8, 3);
  put(f, m, 100, 1000);  // the proxy's release frees the real message's body
  put(f, m, 300, 3048);
  f(m, "rtos.msg.rel",
    {{"rtos", 1}, {"msg", 3048}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 1000}, {"proxy_of", 3000}, {"owner", 3}},
    3);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'sender' (#3) releasing proxy 3048 returned dbp 1000 to pool 'A': a proxy has no body of its own "
            "(message 3000 holds it)");
}

TEST(PoolOriginMonitorTest, CatchesLeaksAfterDeletionAndAtQuiescenceButNotInACutShortRun) {
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m, /*named=*/true);
    msg_get(f, m, 3000, 100, 1000, 5);
    f(m, "rtos.task.delete", {{"rtos", 1}, {"task", 5}, {"by", 2}, {"released", 0}, {"reason", "delete"}}, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "task 'other' (#5) deleted (delete) while still owning control block 3000: leaked");
  }
  for (auto outcome : {sim::RunOutcome::Quiescent, sim::RunOutcome::Horizon}) {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    take(f, m, 200, 2064);
    f(m, "rtos.block.get", {{"rtos", 1}, {"pool", 200}, {"dbp", 2064}});
    m.finish(ended(outcome));
    EXPECT_EQ(m.violated(), outcome == sim::RunOutcome::Quiescent);
    if (m.violated()) {
      EXPECT_EQ(m.violation()->message, "leaked at quiescence: 1 block(s), the first dbp 2064 from pool #200");
    }
  }
}

TEST(PoolOriginMonitorTest, ACrashLosesTheRtossMemorySoNothingThereIsLeaked) {
  Feed f;
  PoolOriginMonitor m;
  declare(f, m);
  msg_get(f, m, 3000, 100, 1000, 5);
  f(m, "cpu.crash", {}, 0, /*cpu=*/0);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated());
}

TEST(DeliveryMonitorTest, CatchesASendDeliveredTwice) {
  Feed f;
  DeliveryMonitor m;
  declare(f, m, /*named=*/true);
  send(f, m, 3000, 500, 1, 11, 3);
  receive(f, m, 3000, 500, 1, 11, 4);
  EXPECT_FALSE(m.violated());
  EXPECT_EQ(m.deliveries(), 1u);
  receive(f, m, 3000, 500, 1, 11, 5);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "message 3000 delivered twice from one send to exchange 'x': to 'receiver' (#4) and to 'other' (#5)");
}

TEST(DeliveryMonitorTest, EachSlaveGetsEachBroadcastRoundExactlyOnce) {
  auto start = [](Feed& f, Monitor& m) {
    declare(f, m);
    send(f, m, 3000, 600, 0, 20, 2, 1);
    receive(f, m, 3000, 600, 0, 20, 3, 1);
    receive(f, m, 3000, 600, 0, 20, 4, 1);
  };
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    send(f, m, 3000, 600, 0, 21, 2, 2);
    receive(f, m, 3000, 600, 0, 21, 4, 2);
    receive(f, m, 3000, 600, 0, 21, 3, 2);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 2}}, 2);
    EXPECT_FALSE(m.violated()) << m.violation()->message;
    EXPECT_EQ(m.rounds_closed(), 2u);
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    receive(f, m, 3000, 600, 0, 20, 4, 1);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "slave #4 received broadcast round 1 of exchange #600 twice");
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    send(f, m, 3000, 600, 0, 21, 2, 2);
    receive(f, m, 3000, 600, 0, 21, 4, 2);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 2}}, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "slave #3 missed broadcast round 2 of exchange #600 (its last was round 1)");
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    f(m, "sim.exit", {}, 3);  // a slave that ends is no longer expected
    send(f, m, 3000, 600, 0, 21, 2, 2);
    receive(f, m, 3000, 600, 0, 21, 4, 2);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 2}}, 2);
    EXPECT_FALSE(m.violated());
  }
}

// An RTOS that lies about its rounds (every record says round 0, the message
// handle is the same every round): the monitor numbers rounds by the sends it
// saw and ties each receive to its send by the hand-off's flow, so it judges
// as it would with honest records.
TEST(DeliveryMonitorTest, NumbersBroadcastRoundsItselfWhateverTheRoundFieldSays) {
  auto start = [](Feed& f, Monitor& m) {
    declare(f, m);
    send(f, m, 3000, 600, 0, 20, 2, /*round=*/0);
    receive(f, m, 3000, 600, 0, 20, 3, 0);
    receive(f, m, 3000, 600, 0, 20, 4, 0);
  };
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    send(f, m, 3000, 600, 0, 21, 2, 0);
    receive(f, m, 3000, 600, 0, 21, 4, 0);
    receive(f, m, 3000, 600, 0, 21, 3, 0);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 0}}, 2);
    EXPECT_FALSE(m.violated()) << m.violation()->message;
    EXPECT_EQ(m.rounds_closed(), 2u);
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    receive(f, m, 3000, 600, 0, 20, 4, 0);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "slave #4 received broadcast round 1 of exchange #600 twice");
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    send(f, m, 3000, 600, 0, 21, 2, 0);
    receive(f, m, 3000, 600, 0, 21, 4, 0);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 0}}, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "slave #3 missed broadcast round 2 of exchange #600 (its last was round 1)");
  }
  {
    // Round 2 on show, but slave 3 is handed round 1's hand-off again.
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    send(f, m, 3000, 600, 0, 21, 2, 0);
    receive(f, m, 3000, 600, 0, 20, 3, 0);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "slave #3 took round 1 of exchange #600 but round 2 is on show");
  }
  {
    // A receive after the message left the exchange.
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 0}}, 2);
    receive(f, m, 3000, 600, 0, 20, 3, 0);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "slave #3 received message 3000 from exchange #600 while no round is on show");
  }
}

TEST(SectionsMonitorTest, EveryProxySectionIsFilledExactlyOnceBeforeTheRealMessageGoesOn) {
  auto start = [](Feed& f, Monitor& m) {
    declare(f, m, /*named=*/true);
    f(m, "rtos.msg.make", {{"rtos", 1}, {"msg", 3048}, {"pool", 0}, {"dbp", 1000}, {"bytes", 4}, {"proxy_of", 3000}},
      3);
    f(m, "rtos.msg.make", {{"rtos", 1}, {"msg", 3096}, {"pool", 0}, {"dbp", 1004}, {"bytes", 8}, {"proxy_of", 3000}},
      3);
    f(m, "rtos.msg.write", {{"rtos", 1}, {"msg", 3048}, {"proxy_of", 3000}, {"lo", 1000}, {"hi", 1004}}, 5);
  };
  {
    Feed f;
    SectionsMonitor m;
    start(f, m);
    f(m, "rtos.msg.write", {{"rtos", 1}, {"msg", 3096}, {"proxy_of", 3000}, {"lo", 1004}, {"hi", 1008}}, 4);
    f(m, "rtos.msg.write", {{"rtos", 1}, {"msg", 3096}, {"proxy_of", 3000}, {"lo", 1008}, {"hi", 1012}}, 4);
    send(f, m, 3000, 500, 0, 30, 3);
    EXPECT_FALSE(m.violated()) << m.violation()->message;
    EXPECT_EQ(m.sections_completed(), 2u);
  }
  {
    Feed f;
    SectionsMonitor m;
    start(f, m);
    send(f, m, 3000, 500, 0, 30, 3);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "message 3000 forwarded by 'sender' (#3) to exchange 'x' before the section of proxy 3096 was filled "
              "(byte 1004 never written)");
  }
  {
    Feed f;
    SectionsMonitor m;
    start(f, m);
    f(m, "rtos.msg.write", {{"rtos", 1}, {"msg", 3000}, {"proxy_of", 0}, {"lo", 1002}, {"hi", 1003}}, 3);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "byte 1002 of the section of proxy 3048 (message 3000) filled twice, the second time by 'sender' (#3)");
  }
  {
    // An assembly given up (the real message released) is not one forwarded incomplete.
    Feed f;
    SectionsMonitor m;
    start(f, m);
    f(m, "rtos.msg.rel", {{"rtos", 1}, {"msg", 3000}, {"proxy_of", 0}}, 3);
    send(f, m, 3000, 500, 0, 30, 3);
    EXPECT_FALSE(m.violated());
  }
}

TEST(PriorityPassMonitorTest, TheReceiverMustRunAtTheMessagePriority) {
  auto start = [](Feed& f, Monitor& m) {
    f(m, "sim.spawn", {{"name", "server"}, {"prio", 2}}, 7);
    f(m, "rtos.xchg.create", {{"rtos", 1}, {"xchg", 700}, {"type", "pass"}}, 0, 0, 20);
    f(m, "sim.object", {{"type", "exchange"}, {"name", "app"}}, 0, 0, 20);
    send(f, m, 3000, 700, 6, 40, 1);
  };
  {
    Feed f;
    PriorityPassMonitor m;
    start(f, m);
    receive(f, m, 3000, 700, 6, 40, 7);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "task 'server' (#7) received message 3000 at a priority-pass exchange, 'app', with message priority 6 "
              "but runs at priority 2");
  }
  {
    // The receive record's own priority is not taken on trust: the send's is what was passed.
    Feed f;
    PriorityPassMonitor m;
    start(f, m);
    receive(f, m, 3000, 700, 2, 40, 7);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("message priority 6 but runs at priority 2"), std::string::npos);
  }
  {
    Feed f;
    PriorityPassMonitor m;
    start(f, m);
    f(m, "sim.priority", {{"from", 2}, {"to", 6}}, 7);
    receive(f, m, 3000, 700, 6, 40, 7);
    f(m, "sim.wake", {{"status", "ok"}, {"by", 1}}, 7);
    f(m, "sim.dispatch", {}, 7);
    EXPECT_FALSE(m.violated());
    EXPECT_EQ(m.passes(), 1u);
  }
  {
    // Handed over at priority 6, put back to 2 before it ever ran.
    Feed f;
    PriorityPassMonitor m;
    start(f, m);
    f(m, "sim.priority", {{"from", 2}, {"to", 6}}, 7);
    receive(f, m, 3000, 700, 6, 40, 7);
    f(m, "sim.wake", {{"status", "ok"}, {"by", 1}}, 7);
    f(m, "sim.priority", {{"from", 6}, {"to", 2}}, 7);
    f(m, "sim.dispatch", {}, 7);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("handed a priority-pass message of priority 6 but runs at priority 2"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace ipcsim::model::rtos

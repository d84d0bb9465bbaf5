// The RTOS monitors on hand-written traces: each accepts a correct history and
// names the first wrong record of a broken one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/rtos/delivery_monitor.hpp"
#include "model/rtos/pool_origin_monitor.hpp"
#include "model/rtos/priority_pass_monitor.hpp"

namespace ipcsim::model::rtos {
namespace {

// Feeds hand-made records to a monitor, numbering them.
struct Feed {
  std::uint64_t seq = 0;
  void operator()(Monitor& m, std::string_view kind, std::vector<sim::Field> fields, sim::ActorId actor = 0,
                  sim::CpuId cpu = 0) {
    sim::TraceRecord r;
    r.seq = seq++;
    r.kind = kind;
    r.actor = actor;
    r.cpu = cpu;
    r.fields = fields;
    m.on_record(r);
  }
};

sim::RunResult ended(sim::RunOutcome o) {
  sim::RunResult r;
  r.outcome = o;
  return r;
}

// One RTOS (id 1) on cpu 0 with pools A (handle 100, blocks 1000.. stride 64)
// and B (handle 200, blocks 2000.. stride 64), and an MCB pool (handle 300).
void declare(Feed& f, Monitor& m) {
  f(m, "rtos.create", {{"rtos", 1}, {"mem", 2}, {"shared", false}, {"home_cpu", 0}});
  f(m, "rtos.pool.create",
    {{"rtos", 1},
     {"pool", 300},
     {"pool_kind", "mcb"},
     {"block_size", 48},
     {"stride", 48},
     {"blocks", 8},
     {"first", 3000}});
  f(m, "rtos.pool.create",
    {{"rtos", 1},
     {"pool", 100},
     {"pool_kind", "base"},
     {"block_size", 64},
     {"stride", 64},
     {"blocks", 4},
     {"first", 1000}});
  f(m, "rtos.pool.create",
    {{"rtos", 1},
     {"pool", 200},
     {"pool_kind", "base"},
     {"block_size", 64},
     {"stride", 64},
     {"blocks", 4},
     {"first", 2000}});
  f(m, "rtos.xchg.create", {{"rtos", 1}, {"xchg", 500}, {"type", "normal"}});
  f(m, "rtos.xchg.create", {{"rtos", 1}, {"xchg", 600}, {"type", "broadcast"}});
}

TEST(PoolOriginMonitorTest, AcceptsGetMakeSendReceiveRelease) {
  Feed f;
  PoolOriginMonitor m;
  declare(f, m);
  f(m, "rtos.block.get", {{"rtos", 1}, {"pool", 100}, {"dbp", 1064}}, 9);
  f(m, "rtos.msg.make",
    {{"rtos", 1},
     {"msg", 3048},
     {"cb_pool", 300},
     {"pool", 100},
     {"dbp", 1064},
     {"bytes", 64},
     {"owner", 3},
     {"proxy_of", 0}},
    3);
  f(m, "rtos.msg.send",
    {{"rtos", 1},
     {"msg", 3048},
     {"xchg", 500},
     {"prio", 1},
     {"dbp", 1064},
     {"proxy_of", 0},
     {"round", 0},
     {"flow_out", 7}},
    3);
  f(m, "rtos.task.delete", {{"rtos", 1}, {"task", 3}, {"by", 3}, {"released", 0}, {"reason", "exit"}}, 3);
  f(m, "rtos.msg.receive",
    {{"rtos", 1}, {"msg", 3048}, {"xchg", 500}, {"prio", 1}, {"round", 0}, {"pass", false}, {"flow_in", 7}}, 4);
  EXPECT_EQ(m.control_blocks_live(), 1u);
  f(m, "rtos.msg.rel",
    {{"rtos", 1}, {"msg", 3048}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 1064}, {"proxy_of", 0}, {"owner", 4}}, 4);
  f(m, "rtos.task.delete", {{"rtos", 1}, {"task", 4}, {"by", 4}, {"released", 0}, {"reason", "exit"}}, 4);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.bodies_allocated(), 0u);
}

TEST(PoolOriginMonitorTest, CatchesAReleaseToTheWrongPool) {
  Feed f;
  PoolOriginMonitor m;
  declare(f, m);
  f(m, "rtos.msg.get",
    {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 200}, {"dbp", 2000}, {"bytes", 64}, {"owner", 3}}, 3);
  f(m, "rtos.msg.rel",
    {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 2000}, {"proxy_of", 0}, {"owner", 3}}, 3);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->record_seq, 7u);
  EXPECT_EQ(m.violation()->message, "dbp 2000 released to pool #100 but it came from pool #200");
}

TEST(PoolOriginMonitorTest, CatchesDoubleReleaseForeignBlocksAndBadMakes) {
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    f(m, "rtos.block.get", {{"rtos", 1}, {"pool", 100}, {"dbp", 1000}});
    f(m, "rtos.block.rel", {{"rtos", 1}, {"pool", 100}, {"dbp", 1000}});
    f(m, "rtos.block.rel", {{"rtos", 1}, {"pool", 100}, {"dbp", 1000}});
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("not allocated (released twice?)"), std::string::npos);
  }
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    f(m, "rtos.block.get", {{"rtos", 1}, {"pool", 100}, {"dbp", 2000}});  // pool A hands out B's block
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("which is not one of its blocks"), std::string::npos);
  }
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    f(m, "rtos.block.get", {{"rtos", 1}, {"pool", 100}, {"dbp", 1000}});
    f(m, "rtos.msg.make",
      {{"rtos", 1},
       {"msg", 3000},
       {"cb_pool", 300},
       {"pool", 200},
       {"dbp", 1000},
       {"bytes", 64},
       {"owner", 0},
       {"proxy_of", 0}});
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("records pool #200 for dbp 1000, which came from pool #100"),
              std::string::npos);
  }
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    f(m, "rtos.msg.get",
      {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 1000}, {"bytes", 64}, {"owner", 0}});
    f(m, "rtos.block.rel", {{"rtos", 1}, {"pool", 100}, {"dbp", 1000}});  // bare release of a message's body
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("while control block 3000 holds it"), std::string::npos);
  }
}

TEST(PoolOriginMonitorTest, CatchesAProxyReleaseThatFreesTheBody) {
  Feed f;
  PoolOriginMonitor m;
  declare(f, m);
  f(m, "rtos.msg.get",
    {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 1000}, {"bytes", 64}, {"owner", 3}}, 3);
  f(m, "rtos.msg.make",
    {{"rtos", 1},
     {"msg", 3048},
     {"cb_pool", 300},
     {"pool", 0},
     {"dbp", 1008},
     {"bytes", 8},
     {"owner", 3},
     {"proxy_of", 3000}},
    3);
  f(m, "rtos.msg.rel",
    {{"rtos", 1}, {"msg", 3048}, {"cb_pool", 300}, {"pool", 0}, {"dbp", 1008}, {"proxy_of", 3000}, {"owner", 3}}, 3);
  EXPECT_FALSE(m.violated());
  f(m, "rtos.msg.make",
    {{"rtos", 1},
     {"msg", 3048},
     {"cb_pool", 300},
     {"pool", 0},
     {"dbp", 1008},
     {"bytes", 8},
     {"owner", 3},
     {"proxy_of", 3000}},
    3);
  f(m, "rtos.msg.rel",
    {{"rtos", 1}, {"msg", 3048}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 1000}, {"proxy_of", 3000}, {"owner", 3}}, 3);
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("a proxy has no body of its own"), std::string::npos);
}

TEST(PoolOriginMonitorTest, CatchesLeaksAfterDeletionAndAtQuiescenceButNotInACutShortRun) {
  {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
    f(m, "rtos.msg.get",
      {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 1000}, {"bytes", 64}, {"owner", 5}}, 5);
    f(m, "rtos.task.delete", {{"rtos", 1}, {"task", 5}, {"by", 2}, {"released", 0}, {"reason", "delete"}}, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "task #5 deleted (delete) while still owning control block 3000: leaked");
  }
  for (auto outcome : {sim::RunOutcome::Quiescent, sim::RunOutcome::Horizon}) {
    Feed f;
    PoolOriginMonitor m;
    declare(f, m);
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
  f(m, "rtos.msg.get",
    {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 1000}, {"bytes", 64}, {"owner", 5}}, 5);
  f(m, "cpu.crash", {}, 0, /*cpu=*/0);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated());
}

TEST(DeliveryMonitorTest, CatchesASendDeliveredTwice) {
  Feed f;
  DeliveryMonitor m;
  declare(f, m);
  f(m, "rtos.msg.send", {{"rtos", 1}, {"msg", 3000}, {"xchg", 500}, {"round", 0}, {"flow_out", 11}}, 3);
  f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"xchg", 500}, {"round", 0}, {"flow_in", 11}}, 4);
  EXPECT_FALSE(m.violated());
  EXPECT_EQ(m.deliveries(), 1u);
  f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"xchg", 500}, {"round", 0}, {"flow_in", 11}}, 5);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message, "message 3000 delivered twice from one send: to #4 and to #5");
}

TEST(DeliveryMonitorTest, EachSlaveGetsEachBroadcastRoundExactlyOnce) {
  auto start = [](Feed& f, Monitor& m) {
    declare(f, m);
    f(m, "rtos.msg.send", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 1}, {"flow_out", 20}}, 2);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 1}, {"flow_in", 20}}, 3);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 1}, {"flow_in", 20}}, 4);
  };
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    f(m, "rtos.msg.send", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 2}, {"flow_out", 21}}, 2);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 2}, {"flow_in", 21}}, 4);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 2}, {"flow_in", 21}}, 3);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 2}}, 2);
    EXPECT_FALSE(m.violated()) << m.violation()->message;
    EXPECT_EQ(m.rounds_closed(), 2u);
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 1}, {"flow_in", 20}}, 4);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "slave #4 received broadcast round 1 of exchange #600 twice");
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    f(m, "rtos.msg.send", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 2}, {"flow_out", 21}}, 2);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 2}, {"flow_in", 21}}, 4);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 2}}, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "slave #3 missed broadcast round 2 of exchange #600 (its last was round 1)");
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    f(m, "sim.exit", {}, 3);  // a slave that ends is no longer expected
    f(m, "rtos.msg.send", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 2}, {"flow_out", 21}}, 2);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"xchg", 600}, {"round", 2}, {"flow_in", 21}}, 4);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 2}}, 2);
    EXPECT_FALSE(m.violated());
  }
}

TEST(DeliveryMonitorTest, EveryProxySectionIsFilledExactlyOnceBeforeTheRealMessageGoesOn) {
  auto start = [](Feed& f, Monitor& m) {
    declare(f, m);
    f(m, "rtos.msg.make", {{"rtos", 1}, {"msg", 3048}, {"pool", 0}, {"dbp", 1000}, {"bytes", 4}, {"proxy_of", 3000}},
      2);
    f(m, "rtos.msg.make", {{"rtos", 1}, {"msg", 3096}, {"pool", 0}, {"dbp", 1004}, {"bytes", 8}, {"proxy_of", 3000}},
      2);
    f(m, "rtos.msg.write", {{"rtos", 1}, {"msg", 3048}, {"proxy_of", 3000}, {"lo", 1000}, {"hi", 1004}}, 5);
  };
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    f(m, "rtos.msg.write", {{"rtos", 1}, {"msg", 3096}, {"proxy_of", 3000}, {"lo", 1004}, {"hi", 1008}}, 6);
    f(m, "rtos.msg.write", {{"rtos", 1}, {"msg", 3096}, {"proxy_of", 3000}, {"lo", 1008}, {"hi", 1012}}, 6);
    f(m, "rtos.msg.send", {{"rtos", 1}, {"msg", 3000}, {"xchg", 500}, {"round", 0}, {"flow_out", 30}}, 2);
    EXPECT_FALSE(m.violated()) << m.violation()->message;
    EXPECT_EQ(m.sections_completed(), 2u);
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    f(m, "rtos.msg.send", {{"rtos", 1}, {"msg", 3000}, {"xchg", 500}, {"round", 0}, {"flow_out", 30}}, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "message 3000 forwarded before the section of proxy 3096 was filled (byte 1004 never written)");
  }
  {
    Feed f;
    DeliveryMonitor m;
    start(f, m);
    f(m, "rtos.msg.write", {{"rtos", 1}, {"msg", 3000}, {"proxy_of", 0}, {"lo", 1002}, {"hi", 1003}}, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "byte 1002 of the section of proxy 3048 (message 3000) filled twice");
  }
}

TEST(PriorityPassMonitorTest, TheReceiverMustRunAtTheMessagePriority) {
  {
    Feed f;
    PriorityPassMonitor m;
    f(m, "sim.spawn", {{"name", "server"}, {"prio", 2}}, 7);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"prio", 6}, {"pass", true}}, 7);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("message priority 6 but runs at priority 2"), std::string::npos);
  }
  {
    Feed f;
    PriorityPassMonitor m;
    f(m, "sim.spawn", {{"name", "server"}, {"prio", 2}}, 7);
    f(m, "sim.priority", {{"from", 2}, {"to", 6}}, 7);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"prio", 6}, {"pass", true}}, 7);
    f(m, "sim.wake", {{"status", "ok"}, {"by", 1}}, 7);
    f(m, "sim.dispatch", {}, 7);
    EXPECT_FALSE(m.violated());
    EXPECT_EQ(m.passes(), 1u);
  }
  {
    // Handed over at priority 6, put back to 2 before it ever ran.
    Feed f;
    PriorityPassMonitor m;
    f(m, "sim.spawn", {{"name", "server"}, {"prio", 2}}, 7);
    f(m, "sim.priority", {{"from", 2}, {"to", 6}}, 7);
    f(m, "rtos.msg.receive", {{"rtos", 1}, {"msg", 3000}, {"prio", 6}, {"pass", true}}, 7);
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

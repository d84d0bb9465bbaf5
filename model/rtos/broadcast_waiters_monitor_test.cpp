// broadcast_reaches_waiters on hand-written traces. The waiters are the tasks
// the kernel blocked on the broadcast exchange's object (14 in declare()).
#include "model/rtos/broadcast_waiters_monitor.hpp"

#include <gtest/gtest.h>

#include "model/rtos/monitor_test_support.hpp"

namespace ipcsim::model::rtos {
namespace {

using namespace testing;

constexpr sim::ObjectId kBx = 14;

void blocks(Feed& f, Monitor& m, sim::ActorId who) { f(m, "sim.block", {{"op", "receive"}}, who, 0, kBx); }
void wakes(Feed& f, Monitor& m, sim::ActorId who, const char* status = "ok") {
  f(m, "sim.wake", {{"status", status}, {"by", 3}}, who, 0, kBx);
}

TEST(BroadcastWaitersMonitorTest, EveryWaiterAtTheSendGetsTheRoundLateReceiversOweNothing) {
  Feed f;
  BroadcastWaitersMonitor m;
  declare(f, m);
  blocks(f, m, 4);
  blocks(f, m, 5);
  send(f, m, 3000, 600, 0, 1, 3, 1);
  receive(f, m, 3000, 600, 0, 1, 4, 1);
  wakes(f, m, 4);
  receive(f, m, 3000, 600, 0, 1, 5, 1);
  wakes(f, m, 5);
  receive(f, m, 3000, 600, 0, 1, 6, 1);  // a late receiver: it was not waiting
  send(f, m, 3000, 600, 0, 2, 3, 2);     // nobody waits for round 2
  f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 2}}, 3);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.waiters_served(), 2u);
}

TEST(BroadcastWaitersMonitorTest, CatchesAWaiterLeftBehindWhenTheRunEndsOrTheRoundCloses) {
  {
    Feed f;
    BroadcastWaitersMonitor m;
    declare(f, m, /*named=*/true);
    blocks(f, m, 4);
    blocks(f, m, 5);
    send(f, m, 3000, 600, 0, 1, 3, 1);
    receive(f, m, 3000, 600, 0, 1, 4, 1);
    wakes(f, m, 4);
    m.finish(ended(sim::RunOutcome::Deadlock));
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "'other' (#5) was waiting at broadcast exchange 'bx' when 'sender' (#3) sent round 1 (message 3000) at "
              "t=" + std::to_string(f.seq - 3) + "ns, but never received it (the run ended)");
  }
  {
    Feed f;
    BroadcastWaitersMonitor m;
    declare(f, m);
    blocks(f, m, 4);
    send(f, m, 3000, 600, 0, 1, 3, 1);
    send(f, m, 3000, 600, 0, 2, 3, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("(the round closed: a later round was sent)"), std::string::npos);
  }
  {
    Feed f;
    BroadcastWaitersMonitor m;
    declare(f, m);
    blocks(f, m, 4);
    send(f, m, 3000, 600, 0, 1, 3, 1);
    wakes(f, m, 4, "timeout");
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("(woken with status timeout)"), std::string::npos);
  }
}

// The round a waiter is owed is the monitor's own count of sends; the RTOS's
// round field (here 0 throughout) is never what decides.
TEST(BroadcastWaitersMonitorTest, NumbersRoundsItselfWhateverTheRoundFieldSays) {
  {
    Feed f;
    BroadcastWaitersMonitor m;
    declare(f, m);
    blocks(f, m, 4);
    blocks(f, m, 5);
    send(f, m, 3000, 600, 0, 1, 3, /*round=*/0);
    receive(f, m, 3000, 600, 0, 1, 4, 0);
    wakes(f, m, 4);
    receive(f, m, 3000, 600, 0, 1, 5, 0);
    wakes(f, m, 5);
    send(f, m, 3000, 600, 0, 2, 3, 0);
    m.finish(ended(sim::RunOutcome::Quiescent));
    EXPECT_FALSE(m.violated()) << m.violation()->message;
    EXPECT_EQ(m.waiters_served(), 2u);
  }
  {
    // Round 1 goes out to nobody; 4 then waits and is owed round 2, but is
    // handed round 1's hand-off, the record claiming round 2.
    Feed f;
    BroadcastWaitersMonitor m;
    declare(f, m);
    send(f, m, 3000, 600, 0, 1, 3, 1);
    blocks(f, m, 4);
    send(f, m, 3000, 600, 0, 2, 3, 2);
    receive(f, m, 3000, 600, 0, 1, 4, /*round=*/2);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("sent round 2 (message 3000)"), std::string::npos) << m.violation()->message;
    EXPECT_NE(m.violation()->message.find("(it received round 1 instead)"), std::string::npos)
        << m.violation()->message;
  }
}

TEST(BroadcastWaitersMonitorTest, AWaiterThatTimedOutOrWasKilledBeforeTheSendOwesNothing) {
  Feed f;
  BroadcastWaitersMonitor m;
  declare(f, m);
  blocks(f, m, 4);
  blocks(f, m, 5);
  f(m, "sim.timeout", {}, 4, 0, kBx);
  wakes(f, m, 4, "timeout");
  f(m, "sim.kill", {{"reason", "killed"}}, 5);
  send(f, m, 3000, 600, 0, 1, 3, 1);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

}  // namespace
}  // namespace ipcsim::model::rtos

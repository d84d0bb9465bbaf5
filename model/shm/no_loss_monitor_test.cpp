// no_loss on hand-written traces.
#include "model/shm/no_loss_monitor.hpp"

#include <gtest/gtest.h>

#include "model/shm/monitor_test_support.hpp"

namespace ipcsim::model::shm {
namespace {

using namespace testing;

void two_processes(Script& s) {
  s.create();
  s.register_process(kP1);
  s.register_process(kP2);
}

TEST(NoLossMonitorTest, AcceptsReceivedFailedAndPendingTransfers) {
  NoLossMonitor m;
  Script s{m};
  two_processes(s);
  s.transfer(100, kP1, kP2);
  // Out of memory: failed back to the sender at once.
  s("shm.alloc.fail", {{"mgr", 1}, {"bytes", 9000}, {"error", "too_large"}}, kP1);
  s("shm.send", {{"xfer", 101}, {"src", kP1}, {"dst", kP2}, {"bytes", 9000}, {"sum", 1}, {"flow_out", 101}}, kP1);
  s("shm.send.failed", {{"xfer", 101}, {"src", kP1}, {"dst", kP2}, {"reason", "too_large"}}, kP1);
  // Published and granted; p2 is busy elsewhere when the run can go no further.
  s.send(102, kP1, kP2);
  s.grant(102, kP1, kP2);
  s("sim.block", {{"op", "lock mutex 'shm.admin.lock'"}}, kP2, kAdminLock);  // a lock: deadlock_free's
  s("shm.end.pending", {{"xfer", 102}, {"src", kP1}, {"dst", kP2}});
  m.finish(ended(sim::RunOutcome::Deadlock));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.transfers_seen(), 3u);
}

// one_shot_signal: the engine's signal reaches p2 while it is not waiting, and
// is gone when p2 waits: it waits forever with its record unread.
TEST(NoLossMonitorTest, CatchesALostWakeUp) {
  NoLossMonitor m;
  Script s{m};
  two_processes(s);
  s.send(100, kP1, kP2);
  s.acquire(kEngine);
  s("shm.map", {{"xfer", 100}, {"pid", kP2}, {"rel", 0}, {"bytes", 100}}, kEngine);
  s.release(kEngine);
  s("shm.notify", {{"xfer", 100}, {"dst", kP2}}, kEngine);  // nobody waiting: dropped
  s("sim.block", {{"op", "take semaphore 'p2.event'"}}, kP2, event_of(kP2));
  s("shm.end.pending", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}});
  m.finish(ended(sim::RunOutcome::Deadlock));
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("transfer 100 from 'p1' (#3) to 'p2' (#4) (sent at t="), std::string::npos);
  EXPECT_NE(m.violation()->message.find(") was never received: 'p2' (#4) was notified at t="), std::string::npos);
  EXPECT_NE(m.violation()->message.find(" but ends the run waiting on its event 'p2.event', the wake-up lost"),
            std::string::npos)
      << m.violation()->message;
}

// The same wait at a horizon proves nothing: the run was cut, not stuck.
TEST(NoLossMonitorTest, AWaitingDestinationAtTheHorizonIsNotJudged) {
  NoLossMonitor m;
  Script s{m};
  two_processes(s);
  s.send(100, kP1, kP2);
  s("shm.notify", {{"xfer", 100}, {"dst", kP2}}, kEngine);
  s("sim.block", {{"op", "take semaphore 'p2.event'"}}, kP2, event_of(kP2));
  s("shm.end.pending", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}});
  m.finish(ended(sim::RunOutcome::Horizon));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

TEST(NoLossMonitorTest, CatchesATransferThatVanished) {
  NoLossMonitor m;
  Script s{m};
  two_processes(s);
  s.send(100, kP1, kP2);
  s.grant(100, kP1, kP2);
  s("shm.loc.clear", {{"xfer", 100}}, kEngine);  // cleared unread
  m.finish(ended(sim::RunOutcome::Horizon));
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find(
                " vanished: neither received, nor failed, nor pending in admin memory at the end"),
            std::string::npos);
}

TEST(NoLossMonitorTest, CatchesATransferToTheDeadNeverFailed) {
  NoLossMonitor m;
  Script s{m};
  two_processes(s);
  s.send(100, kP1, kP2);
  s.crash(kP2);
  s("shm.end.pending", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}});
  m.finish(ended(sim::RunOutcome::Quiescent));
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find(" is still pending at the end, but 'p2' (#4) has ended: it was never failed "
                                        "back to 'p1' (#3)"),
            std::string::npos);
}

TEST(NoLossMonitorTest, CatchesATransferBothReceivedAndFailed) {
  NoLossMonitor m;
  Script s{m};
  two_processes(s);
  s.transfer(100, kP1, kP2);
  s("shm.send.failed", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}, {"reason", "dst_terminated"}}, kEngine);
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find(" failed (dst_terminated) after it had already been received"),
            std::string::npos);
}

}  // namespace
}  // namespace ipcsim::model::shm

// crash_cleanup on hand-written traces.
#include "model/shm/crash_cleanup_monitor.hpp"

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

TEST(CrashCleanupMonitorTest, AcceptsTheCorrectRunAndARecoveredBlockLock) {
  CrashCleanupMonitor m;
  Script s{m};
  correct_run(s);
  EXPECT_EQ(m.frees_checked(), 3u);
  // p3 dies holding its block lock mid-send; the engine recovers the lock,
  // frees the sub-block and the block.
  s.register_process(kP3);
  s.lock(kP3, block_lock_of(kP3));
  s.alloc(mgr_of(kP3), 8192, 100, 128, kP3);
  s.crash(kP3);
  s("shm.lock.recover", {{"lock", block_lock_of(kP3)}, {"dead", kP3}}, kEngine, block_lock_of(kP3));
  s("mutex.recover", {{"dead", kP3}, {"to", 0}}, kEngine, block_lock_of(kP3));
  s.free(mgr_of(kP3), 8192, kEngine);
  s.cleanup(kP3);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

// leak_on_termination: the engine learns of the death and frees nothing.
TEST(CrashCleanupMonitorTest, CatchesTheBlockOfTheDeadLeftAllocated) {
  CrashCleanupMonitor m;
  Script s{m};
  two_processes(s);
  s.crash(kP1);
  s("shm.terminate", {{"pid", kP1}, {"how", "crash"}}, kEngine);
  s("shm.cleanup", {{"pid", kP1}, {"blocks", 0}}, kEngine);
  m.finish(ended(sim::RunOutcome::Quiescent));
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find(
                "'p1' (#3) ended at t=") , std::string::npos);
  EXPECT_NE(m.violation()->message.find(", but its block [0, +4096) is still allocated at the end of the run"),
            std::string::npos);
}

// A crash mid-registration: the block was secured, no manager assigned yet.
TEST(CrashCleanupMonitorTest, CatchesABlockLeftByARegistrantThatDied) {
  CrashCleanupMonitor m;
  Script s{m};
  s.create();
  s("shm.register.begin", {{"pid", kP1}}, kP1);
  s.acquire(kP1);
  s.alloc(0, 0, kBlockBytes, kBlockBytes, kP1);
  s.crash(kP1);
  s("shm.lock.recover", {{"lock", kAdminLock}, {"dead", kP1}}, kEngine, kAdminLock);
  s("mutex.recover", {{"dead", kP1}, {"to", 0}}, kEngine, kAdminLock);
  m.finish(ended(sim::RunOutcome::Quiescent));
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find(", but its block [0, +4096) is still allocated"), std::string::npos);
}

TEST(CrashCleanupMonitorTest, ACleanupCutShortByTheHorizonIsNotJudged) {
  CrashCleanupMonitor m;
  Script s{m};
  two_processes(s);
  s.crash(kP1);
  m.finish(ended(sim::RunOutcome::Horizon));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

// In a deadlock whose engine waits for a lock it could not clean up: the
// deadlock is the finding (deadlock_free's), the leak its consequence; but a
// lock the dead still hold is judged all the same.
TEST(CrashCleanupMonitorTest, AnEngineStuckOnALockIsNotBlamedForTheLeakButTheDeadsLockIs) {
  CrashCleanupMonitor m;
  Script s{m};
  two_processes(s);
  s.lock(kP2, block_lock_of(kP2));
  s.crash(kP1);
  s("sim.block", {{"op", "lock mutex 'p2.block'"}}, kEngine, block_lock_of(kP2));
  m.finish(ended(sim::RunOutcome::Deadlock));
  EXPECT_FALSE(m.violated()) << m.violation()->message;

  CrashCleanupMonitor m2;
  Script s2{m2};
  two_processes(s2);
  s2.lock(kP1, block_lock_of(kP1));
  s2.crash(kP1);
  s2("sim.block", {{"op", "lock mutex 'p1.block'"}}, kEngine, block_lock_of(kP1));
  m2.finish(ended(sim::RunOutcome::Deadlock));
  ASSERT_TRUE(m2.violated());
  EXPECT_NE(m2.violation()->message.find("the block lock 'p1.block' of 'p1' (#3) is still held at the end"),
            std::string::npos)
      << m2.violation()->message;
}

TEST(CrashCleanupMonitorTest, CatchesALockLeftWithTheDead) {
  CrashCleanupMonitor m;
  Script s{m};
  two_processes(s);
  s.lock(kP1, block_lock_of(kP1));
  s.crash(kP1);
  s.cleanup(kP1);
  m.finish(ended(sim::RunOutcome::Quiescent));
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("the block lock 'p1.block' of 'p1' (#3) is still held at the end of the run "
                                        "by 'p1' (#3), which ended at t="),
            std::string::npos)
      << m.violation()->message;
}

// The claims' "crash cleanup race": a survivor frees what the dead left.
TEST(CrashCleanupMonitorTest, CatchesASurvivorFreeingTheDeadsBlock) {
  CrashCleanupMonitor m;
  Script s{m};
  two_processes(s);
  s.crash(kP1);
  s.free(0, 0, kP2);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p2' (#4) freed [0, +4096) of 'p1' (#3), which has ended: only the engine frees what the dead leave");
}

TEST(CrashCleanupMonitorTest, CatchesABlockFreedUnderAnOutstandingGrant) {
  CrashCleanupMonitor m;
  Script s{m};
  two_processes(s);
  s.send(100, kP1, kP2);
  s.grant(100, kP1, kP2);
  s.crash(kP1);
  s.cleanup(kP1);  // frees p1's block while p2 may still read the payload in it
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "the engine 'engine' (#2) freed [0, +4096) while 'p2' (#4) still holds a grant into it (transfer 100)");
}

}  // namespace
}  // namespace ipcsim::model::shm

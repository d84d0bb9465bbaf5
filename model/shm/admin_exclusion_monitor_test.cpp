// admin_exclusion on hand-written traces.
#include "model/shm/admin_exclusion_monitor.hpp"

#include <gtest/gtest.h>

#include "model/shm/monitor_test_support.hpp"

namespace ipcsim::model::shm {
namespace {

using namespace testing;

TEST(AdminExclusionMonitorTest, AcceptsTheCorrectRunAndARecoveredLock) {
  AdminExclusionMonitor m;
  Script s{m};
  correct_run(s);
  EXPECT_GT(m.writes_checked(), 8u);
  // p3 dies holding the admin lock; the engine recovers it and p2 takes it.
  s.register_process(kP3);
  s.acquire(kP3);
  s.crash(kP3);
  s("shm.lock.recover", {{"lock", kAdminLock}, {"dead", kP3}}, kEngine, kAdminLock);
  s("mutex.recover", {{"dead", kP3}, {"to", kEngine}}, kEngine, kAdminLock);
  s.acquire(kEngine);
  s.release(kEngine);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

// check_then_lock: the lock is a word in admin memory, tested by one load and
// set by a later store, so two registrants both believe they hold it.
TEST(AdminExclusionMonitorTest, CatchesTwoHoldersOfCheckThenLock) {
  AdminExclusionMonitor m;
  Script s{m};
  s.create(/*admin_lock=*/0);
  s("shm.admin.acquire", {{"pid", kP1}}, kP1);
  s("shm.admin.acquire", {{"pid", kP2}}, kP2);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message, "'p2' (#4) acquired the admin lock while 'p1' (#3) holds it since t=12ns: two holders");
}

// skip_admin_lock: the sender writes its location record without the lock.
TEST(AdminExclusionMonitorTest, CatchesALocationRecordWrittenWithoutTheLock) {
  AdminExclusionMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.register_process(kP2);
  s("shm.loc.write", {{"xfer", 7}, {"src", kP1}, {"dst", kP2}, {"rel", 0}, {"bytes", 100}}, kP1);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p1' (#3) wrote a location record in admin memory without holding the admin lock 'shm.admin.lock' "
            "(nobody holds it)");
}

TEST(AdminExclusionMonitorTest, CatchesAWriteWhileAnotherHoldsTheLock) {
  AdminExclusionMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.acquire(kEngine);
  s("shm.registry.clear", {{"pid", kP1}, {"slot", 0}}, kP1);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p1' (#3) cleared a registry record in admin memory without holding the admin lock 'shm.admin.lock' (the "
            "engine 'engine' (#2) holds it)");
}

TEST(AdminExclusionMonitorTest, CatchesALockTakenFromTheDeadWithoutRecovery) {
  AdminExclusionMonitor m;
  Script s{m};
  s.create();
  s.acquire(kP1);
  s.crash(kP1);
  s.acquire(kP2);
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("'p2' (#4) acquired the admin lock 'shm.admin.lock' while 'p1' (#3) (dead, its "
                                        "lock never recovered) holds it"),
            std::string::npos)
      << m.violation()->message;
}

TEST(AdminExclusionMonitorTest, CatchesARecoveryFromTheLiving) {
  AdminExclusionMonitor m;
  Script s{m};
  s.create();
  s.acquire(kP1);
  s("shm.lock.recover", {{"lock", kAdminLock}, {"dead", kP1}}, kEngine, kAdminLock);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "the engine 'engine' (#2) recovered the admin lock 'shm.admin.lock' from 'p1' (#3), which is alive: a "
            "recovery must only take a dead party's lock");
}

TEST(AdminExclusionMonitorTest, CatchesAReleaseByANonHolder) {
  AdminExclusionMonitor m;
  Script s{m};
  s.create();
  s.acquire(kP1);
  s("shm.admin.release", {{"pid", kP2}}, kP2);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message, "'p2' (#4) released the admin lock 'shm.admin.lock', which 'p1' (#3) holds");
}

// A claim to hold the admin lock that the kernel's mutex does not back.
TEST(AdminExclusionMonitorTest, CatchesAClaimTheKernelDoesNotBack) {
  AdminExclusionMonitor m;
  Script s{m};
  s.create();
  s.acquire(kP1);
  s.release(kP1);
  s("shm.admin.acquire", {{"pid", kP2}}, kP2);  // no mutex.lock
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p2' (#4) claims the admin lock 'shm.admin.lock', but the kernel's mutex is free");
}

}  // namespace
}  // namespace ipcsim::model::shm

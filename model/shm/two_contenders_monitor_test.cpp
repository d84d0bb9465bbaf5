// two_contenders on hand-written traces.
#include "model/shm/two_contenders_monitor.hpp"

#include <gtest/gtest.h>

#include "model/shm/monitor_test_support.hpp"

namespace ipcsim::model::shm {
namespace {

using namespace testing;

TEST(TwoContendersMonitorTest, AcceptsTheOwnerAndTheEngine) {
  TwoContendersMonitor m;
  Script s{m};
  correct_run(s);
  s.register_process(kP3);
  s.lock(kP3, block_lock_of(kP3));
  s("sim.block", {{"op", "lock mutex 'p3.block'"}}, kEngine, block_lock_of(kP3));  // the engine waits for it
  s.unlock(kP3, block_lock_of(kP3));
  s.lock(kEngine, block_lock_of(kP3));
  s.unlock(kEngine, block_lock_of(kP3));
  s.lock(kP1, kAdminLock);  // other mutexes are not block locks
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.contentions_checked(), 5u);
}

// fill_destination_block: the sender fills a sub-block of the destination's
// block, so it takes the destination's block lock: a third party.
TEST(TwoContendersMonitorTest, CatchesASenderTakingTheDestinationsBlockLock) {
  TwoContendersMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.register_process(kP2);
  s.lock(kP1, block_lock_of(kP2));
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p1' (#3) holds the block lock 'p2.block' of 'p2' (#4): only 'p2' (#4) and the engine may contend for a "
            "block's lock");
}

TEST(TwoContendersMonitorTest, CatchesAThirdPartyWaitingOrTrying) {
  for (const char* kind : {"sim.block", "mutex.busy"}) {
    TwoContendersMonitor m;
    Script s{m};
    s.create();
    s.register_process(kP1);
    s.lock(kP1, block_lock_of(kP1));
    s(kind, {{"owner", kP1}}, kP3, block_lock_of(kP1));
    ASSERT_TRUE(m.violated()) << kind;
    EXPECT_NE(m.violation()->message.find("'p3' (#5) "), std::string::npos);
    EXPECT_NE(m.violation()->message.find(" the block lock 'p1.block' of 'p1' (#3)"), std::string::npos);
  }
}

// A restarted process is a new pid on the same slot's lock: the lock is its now.
TEST(TwoContendersMonitorTest, ARestartedProcessOwnsItsSlotsLock) {
  TwoContendersMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.crash(kP1);
  s("sim.spawn", {{"name", "p1"}}, 9, 0);
  s("shm.register.begin", {{"pid", 9}}, 9);
  s("shm.handles", {{"pid", 9}, {"event", event_of(kP1)}, {"block_lock", block_lock_of(kP1)}}, 9);
  s.lock(9, block_lock_of(kP1));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

}  // namespace
}  // namespace ipcsim::model::shm

// isolation on hand-written traces.
#include "model/shm/isolation_monitor.hpp"

#include <gtest/gtest.h>

#include "model/shm/monitor_test_support.hpp"

namespace ipcsim::model::shm {
namespace {

using namespace testing;

TEST(IsolationMonitorTest, AcceptsOwnBlocksAndGrantedReads) {
  IsolationMonitor m;
  Script s{m};
  correct_run(s);
  EXPECT_EQ(m.accesses_checked(), 2u);  // p1 writes its own block, p2 reads the grant
  s.register_process(kP3);
  s.access(kP3, 8192, 4096, "write");
  s.access(kP3, 8192 + 4000, 96, "read");
  s.access(kEngine, 0, 64, "read");  // the engine mediates
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

// direct_access: a process reads a peer's block without a grant, and the
// check lets it through (the owner field may even claim it is its own).
TEST(IsolationMonitorTest, CatchesADirectReadOfAPeersBlock) {
  IsolationMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.register_process(kP2);
  s.access(kP2, 100, 8, "read", /*owner=*/kP2);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p2' (#4) read [100, +8) of the data region, in the block of 'p1' (#3), without a grant");
}

TEST(IsolationMonitorTest, CatchesAReadAfterTheGrantWasRevoked) {
  IsolationMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.register_process(kP2);
  s.transfer(100, kP1, kP2);
  s.access(kP2, 0, 100, "read");
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p2' (#4) read [0, +100) of the data region, in the block of 'p1' (#3), without a grant");
}

TEST(IsolationMonitorTest, CatchesAWriteIntoAGrantAndAnAccessBeyondIt) {
  {
    IsolationMonitor m;
    Script s{m};
    s.create();
    s.register_process(kP1);
    s.register_process(kP2);
    s.send(100, kP1, kP2);
    s.grant(100, kP1, kP2);
    s.access(kP2, 0, 100, "write");
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "'p2' (#4) wrote [0, +100) of the data region, in the block of 'p1' (#3): a process may write only its "
              "own block");
  }
  {
    IsolationMonitor m;
    Script s{m};
    s.create();
    s.register_process(kP1);
    s.register_process(kP2);
    s.send(100, kP1, kP2);
    s.grant(100, kP1, kP2);
    s.access(kP2, 0, 101, "read");  // one byte past the grant
    ASSERT_TRUE(m.violated());
  }
}

TEST(IsolationMonitorTest, CatchesAnAccessToAFreedBlock) {
  IsolationMonitor m;
  Script s{m};
  correct_run(s);
  s.access(kP2, 4096, 8, "write");  // its block was freed at its cleanup
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p2' (#4) wrote [4096, +8) of the data region, in no process's block: a process may write only its own "
            "block");
}

}  // namespace
}  // namespace ipcsim::model::shm

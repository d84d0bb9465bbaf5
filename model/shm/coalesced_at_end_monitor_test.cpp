// coalesced_at_end on hand-written traces.
#include "model/shm/coalesced_at_end_monitor.hpp"

#include <gtest/gtest.h>

#include "model/shm/monitor_test_support.hpp"

namespace ipcsim::model::shm {
namespace {

using namespace testing;

TEST(CoalescedAtEndMonitorTest, AcceptsTheCorrectRun) {
  CoalescedAtEndMonitor m;
  Script s{m};
  correct_run(s);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.managers_checked(), 1u);
}

TEST(CoalescedAtEndMonitorTest, AcceptsLiveProcessesWhoseAllocatorsMatchTheBooks) {
  CoalescedAtEndMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.register_process(kP2);
  s.alloc(mgr_of(kP2), 4096 + 1024, 1000, 1024, kP2);
  s.end_space_manager(2);
  s.end_manager(kP1);
  s.end_free(mgr_of(kP2), 4096, 1024);
  s.end_live(mgr_of(kP2), 4096 + 1024, 1024);
  s.end_free(mgr_of(kP2), 4096 + 2048, 2048);
  m.finish(ended(sim::RunOutcome::Horizon));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.managers_checked(), 3u);
}

// no_coalesce: every free goes back as it is, never merged with its buddy.
TEST(CoalescedAtEndMonitorTest, CatchesFreesThatDidNotCoalesce) {
  CoalescedAtEndMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.alloc(mgr_of(kP1), 0, 100, 128, kP1);
  s.free(mgr_of(kP1), 0, kEngine);
  s.end_space_manager(1);
  // What the allocator holds: the split pieces, not merged back.
  s.end_free(mgr_of(kP1), 0, 128);
  s.end_free(mgr_of(kP1), 128, 128);
  s.end_free(mgr_of(kP1), 256, 256);
  s.end_free(mgr_of(kP1), 512, 512);
  s.end_free(mgr_of(kP1), 1024, 1024);
  s.end_free(mgr_of(kP1), 2048, 2048);
  m.finish(ended(sim::RunOutcome::Horizon));
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "manager 1 (the block of 'p1' (#3)) ends holding free [0, +128) [128, +128) [256, +256) [512, +512) "
            "[1024, +1024) [2048, +2048); fully coalesced it would hold [0, +4096)");
}

// leak_on_termination: cleanup frees nothing, so once everybody has ended the
// space manager still holds the dead's blocks.
TEST(CoalescedAtEndMonitorTest, CatchesBlocksLeftOnceEveryProcessEnded) {
  CoalescedAtEndMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.crash(kP1);
  s("shm.terminate", {{"pid", kP1}, {"how", "crash"}}, kEngine);
  s.end_space_manager(1);
  s.end_manager(kP1);
  m.finish(ended(sim::RunOutcome::Quiescent));
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("every process has ended, but the space manager (0) still holds [0, +4096) "
                                        "(got by 'p1' (#3) at t="),
            std::string::npos)
      << m.violation()->message;
}

TEST(CoalescedAtEndMonitorTest, CatchesAnAllocatorThatDisagreesWithTheBooks) {
  CoalescedAtEndMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.alloc(mgr_of(kP1), 0, 100, 128, kP1);
  s.free(mgr_of(kP1), 0, kEngine);  // recorded, but the allocator still holds it
  s.end_space_manager(1);
  s.end_live(mgr_of(kP1), 0, 128);
  m.finish(ended(sim::RunOutcome::Horizon));
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "manager 1 (the block of 'p1' (#3)) still holds allocated [0, +128), which the records say is free");
}

TEST(CoalescedAtEndMonitorTest, CatchesAManagerNeverObserved) {
  CoalescedAtEndMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.end_space_manager(1);
  m.finish(ended(sim::RunOutcome::Horizon));
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "no end-of-run observation of manager 1 (the block of 'p1' (#3)): what it holds cannot be judged");
}

}  // namespace
}  // namespace ipcsim::model::shm

// no_overlap on hand-written traces.
#include "model/shm/no_overlap_monitor.hpp"

#include <gtest/gtest.h>

#include "model/shm/monitor_test_support.hpp"

namespace ipcsim::model::shm {
namespace {

using namespace testing;

TEST(NoOverlapMonitorTest, AcceptsTheCorrectRunAndSoundAllocations) {
  NoOverlapMonitor m;
  Script s{m};
  correct_run(s);
  s.register_process(kP3);            // 8192 again after both blocks were freed: fine
  s.alloc(mgr_of(kP3), 8192, 64, 64, kP3);        // the minimum block
  s.alloc(mgr_of(kP3), 8192 + 64, 1, 64, kP3);    // 1 byte: the minimum block
  s.alloc(mgr_of(kP3), 8192 + 128, 65, 128, kP3);  // rounded up, aligned within the block
  s.alloc(mgr_of(kP3), 8192 + 2048, 2048, 2048, kP3);
  s.free(mgr_of(kP3), 8192 + 64, kEngine);
  s.alloc(mgr_of(kP3), 8192 + 64, 64, 64, kP3);   // its place again once freed
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.allocations_checked(), 9u);
}

TEST(NoOverlapMonitorTest, CatchesOverlappingAllocations) {
  NoOverlapMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.alloc(1, 0, 256, 256, kP1);
  s.alloc(1, 128, 100, 128, kP1);
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("'p1' (#3) got [128, +128) (asked 100 bytes) from manager 1 (the block of 'p1' "
                                        "(#3)), which overlaps [0, +256), live since 'p1' (#3) got it at t="),
            std::string::npos)
      << m.violation()->message;
}

TEST(NoOverlapMonitorTest, CatchesUnsoundSizesAndPlaces) {
  struct Case {
    std::uint64_t rel, asked, granted;
    const char* says;
  };
  const Case cases[] = {
      {0, 100, 256, "twice what was asked or more, and not the minimum block"},
      {0, 100, 96, "not a power of two of at least the minimum block (64 bytes)"},
      {0, 100, 32, "not a power of two of at least the minimum block"},
      {0, 300, 256, "smaller than asked"},
      {64, 100, 128, "not aligned to its size within [0, +4096)"},
      {4096, 100, 128, "outside its range [0, +4096)"},
  };
  for (const Case& c : cases) {
    NoOverlapMonitor m;
    Script s{m};
    s.create();
    s.register_process(kP1);
    s.alloc(1, c.rel, c.asked, c.granted, kP1);
    ASSERT_TRUE(m.violated()) << c.says;
    EXPECT_NE(m.violation()->message.find(c.says), std::string::npos) << m.violation()->message;
  }
}

TEST(NoOverlapMonitorTest, CatchesADoubleFree) {
  NoOverlapMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.alloc(1, 0, 100, 128, kP1);
  s.free(1, 0, kEngine);
  s.free(1, 0, kP1);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p1' (#3) freed offset 0 into manager 1 (the block of 'p1' (#3)), where nothing live starts there: a "
            "double free, or a free of what was never allocated");
}

TEST(NoOverlapMonitorTest, CatchesAnAllocationFromARetiredManager) {
  NoOverlapMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s.free(0, 0, kEngine);  // the block goes back: manager 1 with it
  s.alloc(1, 0, 100, 128, kP1);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p1' (#3) got [0, +128) (asked 100 bytes) from manager 1, which manages no block: it was never assigned, "
            "or its block was freed");
}

TEST(NoOverlapMonitorTest, CatchesAManagerOverABlockNeverHandedOut) {
  NoOverlapMonitor m;
  Script s{m};
  s.create();
  s("shm.manager.assign", {{"pid", kP1}, {"mgr", 1}, {"rel", 0}, {"bytes", kBlockBytes}}, kP1);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "manager 1 of 'p1' (#3) was assigned over [0, +4096), which is not a block the space manager handed out");
}

}  // namespace
}  // namespace ipcsim::model::shm

// published_complete on hand-written traces.
#include "model/shm/published_complete_monitor.hpp"

#include <gtest/gtest.h>

#include "model/shm/monitor_test_support.hpp"

namespace ipcsim::model::shm {
namespace {

using namespace testing;

TEST(PublishedCompleteMonitorTest, AcceptsTheCorrectRun) {
  PublishedCompleteMonitor m;
  Script s{m};
  correct_run(s);
  m.finish(ended(sim::RunOutcome::Quiescent));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.caches_checked(), 2u);
}

// signal_before_manager: the seed's literal order sets the flag and signals
// the engine before the manager is assigned.
void register_signalling_first(Script& s, sim::ActorId p, bool engine_caches_early) {
  s("shm.register.begin", {{"pid", p}}, p);
  s.acquire(p);
  s.alloc(0, block_of(p), kBlockBytes, kBlockBytes, p);
  s("shm.handles", {{"pid", p}, {"event", event_of(p)}, {"block_lock", block_lock_of(p)}}, p);
  s("shm.registry.store", {{"pid", p}, {"slot", 0}, {"rel", block_of(p)}, {"bytes", kBlockBytes}}, p);
  s("shm.registered", {{"pid", p}}, p);
  s("shm.engine.signal", {{"pid", p}, {"what", "registered"}}, p);
  if (engine_caches_early) s("shm.engine.cache", {{"pid", p}}, kEngine);
  s("shm.manager.assign", {{"pid", p}, {"mgr", mgr_of(p)}, {"rel", block_of(p)}, {"bytes", kBlockBytes}}, p);
  s.release(p);
}

TEST(PublishedCompleteMonitorTest, CatchesASignalBeforeTheManagerIsAssigned) {
  PublishedCompleteMonitor m;
  Script s{m};
  s.create();
  register_signalling_first(s, kP1, false);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p1' (#3) signalled the engine that 'p1' (#3) is registered, but its registration lacks an assigned "
            "manager");
}

TEST(PublishedCompleteMonitorTest, CatchesTheEngineCachingARecordWithoutAManager) {
  PublishedCompleteMonitor m;
  Script s{m};
  s.create();
  s("shm.register.begin", {{"pid", kP1}}, kP1);
  s("shm.registered", {{"pid", kP1}}, kP1);
  s("shm.engine.cache", {{"pid", kP1}}, kEngine);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "the engine 'engine' (#2) cached the record of 'p1' (#3), which lacks its handles, its registry record and "
            "an assigned manager");
}

TEST(PublishedCompleteMonitorTest, CatchesTheEngineCachingBeforeTheFlag) {
  PublishedCompleteMonitor m;
  Script s{m};
  s.create();
  s("shm.register.begin", {{"pid", kP1}}, kP1);
  s("shm.engine.cache", {{"pid", kP1}}, kEngine);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "the engine 'engine' (#2) cached the record of 'p1' (#3), whose registered flag is not set");
}

// A new registration (a restarted process is a new pid, but a retry of the
// same pid) starts from nothing: what an earlier attempt did does not count.
TEST(PublishedCompleteMonitorTest, ARegistrationStartsFromNothing) {
  PublishedCompleteMonitor m;
  Script s{m};
  s.create();
  s.register_process(kP1);
  s("shm.register.begin", {{"pid", kP1}}, kP1);
  s("shm.registered", {{"pid", kP1}}, kP1);
  s("shm.engine.signal", {{"pid", kP1}, {"what", "registered"}}, kP1);
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("lacks its handles, its registry record and an assigned manager"),
            std::string::npos);
}

}  // namespace
}  // namespace ipcsim::model::shm

// Deadlock detection: every live actor blocked and no event pending.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/mutex.hpp"
#include "sim/semaphore.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(DeadlockTest, AbbaDeadlockIsReportedWithBothActorsAndBothMutexes) {
  World w;
  Cpu& c0 = w.add_cpu({.name = "cpu0"});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  Mutex m1(w, "m1");
  Mutex m2(w, "m2");
  w.spawn(c0, "alice", [&](Ctx cx) -> Task<> {
    co_await m1.lock();
    co_await cx.compute(1us);
    co_await m2.lock();
  });
  w.spawn(c1, "bob", [&](Ctx cx) -> Task<> {
    co_await m2.lock();
    co_await cx.compute(1us);
    co_await m1.lock();
  });
  const RunResult r = w.run();
  ASSERT_EQ(r.outcome, RunOutcome::Deadlock);
  ASSERT_TRUE(r.deadlock.has_value());
  const DeadlockReport& d = *r.deadlock;
  ASSERT_EQ(d.cycle.size(), 2u);
  EXPECT_NE(std::find(d.cycle.begin(), d.cycle.end(), 1u), d.cycle.end());
  EXPECT_NE(std::find(d.cycle.begin(), d.cycle.end(), 2u), d.cycle.end());
  EXPECT_TRUE(contains(d.text, "'alice' (#1 on cpu0) waits to lock mutex 'm2'")) << d.text;
  EXPECT_TRUE(contains(d.text, "held by 'bob' (#2 on cpu1)")) << d.text;
  EXPECT_TRUE(contains(d.text, "'bob' (#2 on cpu1) waits to lock mutex 'm1'")) << d.text;
  EXPECT_TRUE(contains(d.text, "held by 'alice' (#1 on cpu0)")) << d.text;
  EXPECT_TRUE(contains(d.text, "deadlock_test.cpp:")) << "names the acquisition sites: " << d.text;
}

TEST(DeadlockTest, WaitingForASignalNobodySendsIsADeadlockWithoutCycle) {
  World w;
  Cpu& c = w.add_cpu({});
  Semaphore s(w, "never", 0);
  w.spawn(c, "forlorn", [&](Ctx) -> Task<> { co_await s.wait(); });
  const RunResult r = w.run();
  ASSERT_EQ(r.outcome, RunOutcome::Deadlock);
  EXPECT_TRUE(r.deadlock->cycle.empty());
  EXPECT_TRUE(contains(r.deadlock->text, "no wait-for cycle")) << r.deadlock->text;
  EXPECT_TRUE(contains(r.deadlock->text, "wait on semaphore 'never'")) << r.deadlock->text;
}

TEST(DeadlockTest, ABlockedDaemonIsNotADeadlock) {
  World w;
  Cpu& c = w.add_cpu({});
  Semaphore s(w, "requests", 0);
  w.spawn(c, "server", [&](Ctx) -> Task<> {
    for (;;) co_await s.wait();
  }, {.daemon = true});
  w.spawn(c, "client", [&](Ctx) -> Task<> { co_await s.signal(); });
  EXPECT_EQ(w.run().outcome, RunOutcome::Quiescent);
}

TEST(DeadlockTest, RelockingOnesOwnMutexIsAOneActorCycle) {
  World w;
  Cpu& c = w.add_cpu({});
  Mutex m(w, "m");
  w.spawn(c, "forgetful", [&](Ctx) -> Task<> {
    co_await m.lock();
    co_await m.lock();
  });
  const RunResult r = w.run();
  ASSERT_EQ(r.outcome, RunOutcome::Deadlock);
  EXPECT_EQ(r.deadlock->cycle, (std::vector<ActorId>{1}));
}

TEST(DeadlockTest, MutualJoinIsACycle) {
  World w;
  Cpu& c = w.add_cpu({});
  ActorRef a, b;
  a = w.spawn(c, "a", [&](Ctx cx) -> Task<> { (void)co_await cx.join(b); });
  b = w.spawn(c, "b", [&](Ctx cx) -> Task<> { (void)co_await cx.join(a); });
  const RunResult r = w.run();
  ASSERT_EQ(r.outcome, RunOutcome::Deadlock);
  EXPECT_EQ(r.deadlock->cycle.size(), 2u);
  // The report names whom each one joins as it names the blocked actors.
  EXPECT_NE(r.deadlock->text.find("waits to join 'b' (#2 on "), std::string::npos) << r.deadlock->text;
  EXPECT_NE(r.deadlock->text.find("waits to join 'a' (#1 on "), std::string::npos) << r.deadlock->text;
}

TEST(DeadlockTest, NoDeadlockWhileATimerIsPending) {
  World w;
  Cpu& c = w.add_cpu({});
  Semaphore s(w, "s", 0);
  w.spawn(c, "waiter", [&](Ctx) -> Task<> { co_await s.wait(); });
  w.spawn(c, "late", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(1ms);
    co_await s.signal();
  });
  EXPECT_EQ(w.run().outcome, RunOutcome::Quiescent);
}

}  // namespace
}  // namespace ipcsim::sim

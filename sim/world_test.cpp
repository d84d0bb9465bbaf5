#include "sim/world.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/event.hpp"
#include "sim/jsonl_writer.hpp"
#include "sim/replay_chooser.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

TEST(World, ActorRunsToCompletion) {
  World w;
  Cpu& c = w.add_cpu({.name = "cpu0"});
  int ran = 0;
  w.spawn(c, "a", [&](Ctx) -> Task<> {
    ++ran;
    co_return;
  });
  const RunResult r = w.run();
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(r.outcome, RunOutcome::Quiescent);
  EXPECT_EQ(w.live_actor_count(), 0u);
}

// End hooks run once when run() ends, whatever the outcome, before sim.end,
// so what they record is part of the run's trace.
TEST(World, EndHooksRunBeforeTheEndRecordWhateverTheOutcomeAndCanBeRemoved) {
  struct Kinds final : Observer {
    std::vector<std::string> kinds;
    void on_record(const TraceRecord& r) override { kinds.emplace_back(r.kind); }
  };
  for (const bool deadlock : {false, true}) {
    World w;
    Kinds seen;
    w.attach(seen);
    Cpu& c = w.add_cpu({.name = "cpu0"});
    Event e(w, "e");
    int called = 0;
    w.add_end_hook([&] {
      ++called;
      w.emit("test.inventory", kNoObject);
    });
    const std::uint64_t removed = w.add_end_hook([&] { called += 100; });
    w.remove_end_hook(removed);
    w.spawn(c, "a", [&](Ctx) -> Task<> {
      if (deadlock) co_await e.wait();
    });
    const RunResult r = w.run();
    EXPECT_EQ(r.outcome, deadlock ? RunOutcome::Deadlock : RunOutcome::Quiescent);
    EXPECT_EQ(called, 1);
    ASSERT_GE(seen.kinds.size(), 2u);
    EXPECT_EQ(seen.kinds[seen.kinds.size() - 2], "test.inventory");
    EXPECT_EQ(seen.kinds.back(), "sim.end");
  }
}

TEST(World, SleepAdvancesVirtualTimeOnly) {
  World w;
  Cpu& c = w.add_cpu({});
  std::vector<std::int64_t> seen;
  w.spawn(c, "sleeper", [&](Ctx cx) -> Task<> {
    seen.push_back(to_ns(cx.now()));
    co_await cx.sleep(5us);
    seen.push_back(to_ns(cx.now()));
    co_await cx.sleep(250ns);
    seen.push_back(to_ns(cx.now()));
  });
  const RunResult r = w.run();
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 5000, 5250}));
  EXPECT_EQ(to_ns(r.end_time), 5250);
}

TEST(World, ComputeHoldsTheCpuSleepReleasesIt) {
  World w;
  Cpu& c = w.add_cpu({.policy = RunPolicy::Fifo});
  std::vector<std::string> log;
  w.spawn(c, "computer", [&](Ctx cx) -> Task<> {
    co_await cx.compute(10us);
    log.push_back("computer done at " + std::to_string(to_ns(cx.now())));
    co_await cx.sleep(10us);
    log.push_back("computer woke at " + std::to_string(to_ns(cx.now())));
  });
  w.spawn(c, "other", [&](Ctx cx) -> Task<> {
    log.push_back("other runs at " + std::to_string(to_ns(cx.now())));
    co_await cx.compute(15us);  // still holds the CPU when "computer" wakes at 20us
  });
  // Force "computer" first: with one choice it could also run second.
  ReplayChooser order({{ChoiceKind::Schedule, 2, 0}}, ReplayChooser::Mode::Lenient);
  w.set_chooser(order);
  w.run();
  EXPECT_EQ(log, (std::vector<std::string>{"computer done at 10000", "other runs at 10000",
                                           "computer woke at 25000"}));
}

Task<int> twice(Ctx cx, int v) {
  co_await cx.sleep(1us);
  co_return v * 2;
}

Task<int> four_times(Ctx cx, int v) {
  const int a = co_await twice(cx, v);
  co_return co_await twice(cx, a);
}

TEST(World, NestedTasksReturnValuesAndSuspendThroughTheChain) {
  World w;
  Cpu& c = w.add_cpu({});
  int result = 0;
  w.spawn(c, "outer", [&](Ctx cx) -> Task<> { result = co_await four_times(cx, 5); });
  const RunResult r = w.run();
  EXPECT_EQ(result, 20);
  EXPECT_EQ(to_ns(r.end_time), 2000);
}

TEST(World, JoinWaitsForTheEndOfAnotherActor) {
  World w;
  Cpu& c0 = w.add_cpu({});
  Cpu& c1 = w.add_cpu({});
  JoinResult how = JoinResult::Timeout;
  std::int64_t joined_at = -1;
  w.spawn(c0, "parent", [&](Ctx cx) -> Task<> {
    ActorRef child = cx.spawn(c1, "child", [](Ctx cx2) -> Task<> { co_await cx2.sleep(7us); });
    how = co_await cx.join(child);
    joined_at = to_ns(cx.now());
  });
  w.run();
  EXPECT_EQ(how, JoinResult::Finished);
  EXPECT_EQ(joined_at, 7000);
}

TEST(World, JoinTimesOut) {
  World w;
  Cpu& c = w.add_cpu({});
  JoinResult how = JoinResult::Finished;
  w.spawn(c, "parent", [&](Ctx cx) -> Task<> {
    ActorRef child = cx.spawn(cx.cpu(), "child", [](Ctx cx2) -> Task<> { co_await cx2.sleep(1ms); });
    how = co_await cx.join(child, 3us);
    EXPECT_EQ(to_ns(cx.now()), 3000);
  });
  w.run();
  EXPECT_EQ(how, JoinResult::Timeout);
}

TEST(World, KilledActorNeverRunsAgainAndJoinersLearnIt) {
  World w;
  Cpu& c = w.add_cpu({});
  int victim_steps = 0;
  JoinResult how = JoinResult::Finished;
  ActorRef victim = w.spawn(c, "victim", [&](Ctx cx) -> Task<> {
    for (;;) {
      ++victim_steps;
      co_await cx.sleep(1us);
    }
  });
  w.spawn(c, "watcher", [&](Ctx cx) -> Task<> { how = co_await cx.join(victim); });
  w.spawn(c, "killer", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(3500ns);
    const bool was_alive = co_await cx.kill(victim);
    EXPECT_TRUE(was_alive);
  });
  const RunResult r = w.run({.horizon = at_ns(100'000)});
  EXPECT_EQ(victim_steps, 4);  // t = 0, 1, 2, 3 us
  EXPECT_EQ(how, JoinResult::Killed);
  EXPECT_FALSE(w.alive(victim));
  EXPECT_EQ(r.outcome, RunOutcome::Quiescent);
}

TEST(World, ExceptionInAnActorFailsTheRunNamingTheActor) {
  World w;
  Cpu& c = w.add_cpu({.name = "cpu0"});
  w.spawn(c, "thrower", [](Ctx cx) -> Task<> {
    co_await cx.sleep(1us);
    throw std::runtime_error("boom");
  });
  try {
    w.run();
    FAIL() << "run() should throw";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'thrower' (#1 on cpu0) failed: boom"), std::string::npos) << e.what();
  }
}

TEST(World, HorizonAndStepLimitStopTheRun) {
  {
    World w;
    Cpu& c = w.add_cpu({});
    w.spawn(c, "ticker", [](Ctx cx) -> Task<> {
      for (;;) co_await cx.sleep(1us);
    });
    const RunResult r = w.run({.horizon = at_ns(10'500)});
    EXPECT_EQ(r.outcome, RunOutcome::Horizon);
    EXPECT_EQ(to_ns(r.end_time), 10'500);
  }
  {
    World w;
    Cpu& c = w.add_cpu({});
    w.spawn(c, "spinner", [](Ctx cx) -> Task<> {
      for (;;) co_await cx.yield();
    });
    const RunResult r = w.run({.max_steps = 100});
    EXPECT_EQ(r.outcome, RunOutcome::StepLimit);
    EXPECT_EQ(r.steps, 100u);
  }
}

TEST(World, TimedCallbacksRunInTimeThenScheduleOrder) {
  World w;
  std::vector<int> order;
  w.at(at_ns(20), [&] { order.push_back(3); });
  w.at(at_ns(10), [&] { order.push_back(1); });
  w.at(at_ns(10), [&] { order.push_back(2); });
  const RunResult r = w.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(r.events, 3u);
}

TEST(World, StopFromAnObserverEndsTheRun) {
  struct StopAtThird : Observer {
    World* w = nullptr;
    int n = 0;
    void on_step(const StepInfo&) override {
      if (++n == 3) w->stop("seen enough");
    }
  } observer;
  World w;
  observer.w = &w;
  w.attach(observer);
  Cpu& c = w.add_cpu({});
  w.spawn(c, "spinner", [](Ctx cx) -> Task<> {
    for (;;) co_await cx.yield();
  });
  const RunResult r = w.run();
  EXPECT_EQ(r.outcome, RunOutcome::Stopped);
  EXPECT_EQ(r.stop_reason, "seen enough");
  EXPECT_EQ(r.steps, 3u);
}

TEST(World, SpawnOnADownCpuIsAUsageError) {
  World w;
  Cpu& c = w.add_cpu({.name = "cpu0"});
  w.crash(c);
  EXPECT_THROW(w.spawn(c, "late", [](Ctx) -> Task<> { co_return; }), UsageError);
}

TEST(World, AwaitingOutsideAnActorIsAUsageError) {
  World w;
  w.add_cpu({});
  Task<> orphan = [](World& world) -> Task<> {
    Ctx* none = nullptr;
    (void)none;
    co_await ops::Yield(world);
  }(w);
  auto h = orphan.release();
  h.resume();  // await_suspend throws inside the coroutine: it ends with the error
  EXPECT_TRUE(h.done());
  EXPECT_TRUE(h.promise().error != nullptr);
  h.destroy();
  EXPECT_TRUE(w.failed());
}

}  // namespace
}  // namespace ipcsim::sim

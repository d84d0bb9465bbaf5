// Run policies: who gets the CPU, when the chooser is asked, and when not.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sim/replay_chooser.hpp"
#include "sim/semaphore.hpp"
#include "sim/test_workloads.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

TEST(Scheduling, PriorityPreemptiveRunsTheHighestPriorityReadyActor) {
  World w;
  Cpu& c = w.add_cpu({.policy = RunPolicy::PriorityPreemptive});
  std::vector<std::string> order;
  for (auto [name, prio] : {std::pair{"low", 1}, std::pair{"high", 9}, std::pair{"mid", 5}}) {
    w.spawn(c, name, [&order, n = std::string(name)](Ctx cx) -> Task<> {
      order.push_back(n);
      co_await cx.compute(1us);
      order.push_back(n + " done");
    }, {.priority = prio});
  }
  w.run();
  EXPECT_EQ(order, (std::vector<std::string>{"high", "high done", "mid", "mid done", "low", "low done"}));
  EXPECT_TRUE(w.choices().empty()) << "distinct priorities leave nothing to choose";
}

TEST(Scheduling, ArrivalOfHigherPriorityPreemptsACompute) {
  World w;
  Cpu& c = w.add_cpu({.policy = RunPolicy::PriorityPreemptive});
  std::vector<std::string> log;
  auto stamp = [&](Ctx& cx, const std::string& what) { log.push_back(what + "@" + std::to_string(to_ns(cx.now()))); };
  w.spawn(c, "low", [&](Ctx cx) -> Task<> {
    stamp(cx, "low starts");
    co_await cx.compute(10us);
    stamp(cx, "low ends");
  }, {.priority = 1});
  w.spawn(c, "high", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(3us);
    stamp(cx, "high runs");
    co_await cx.compute(2us);
    stamp(cx, "high ends");
  }, {.priority = 9});
  w.run();
  // high sleeps first (it is ready first by priority), then low computes 3us,
  // is preempted for 2us, and finishes its remaining 7us.
  EXPECT_EQ(log, (std::vector<std::string>{"low starts@0", "high runs@3000", "high ends@5000", "low ends@12000"}));
}

TEST(Scheduling, WakingAHigherPriorityActorPreemptsTheWakerBeforeItsNextLine) {
  World w;
  Cpu& c = w.add_cpu({.policy = RunPolicy::PriorityPreemptive});
  Semaphore s(w, "s", 0);
  std::vector<std::string> log;
  w.spawn(c, "high", [&](Ctx) -> Task<> {
    co_await s.wait();
    log.push_back("high woke");
  }, {.priority = 9});
  w.spawn(c, "low", [&](Ctx) -> Task<> {
    co_await s.signal();
    log.push_back("low after signal");
  }, {.priority = 1});
  w.run();
  EXPECT_EQ(log, (std::vector<std::string>{"high woke", "low after signal"}));
}

TEST(Scheduling, FifoNeverPreemptsAndRunsInReadyOrder) {
  World w;
  Cpu& c = w.add_cpu({.policy = RunPolicy::Fifo});
  std::vector<std::string> log;
  w.spawn(c, "first", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(1us);
    log.push_back("first@" + std::to_string(to_ns(cx.now())));
    co_await cx.compute(10us);
    log.push_back("first done@" + std::to_string(to_ns(cx.now())));
  }, {.priority = 1});
  w.spawn(c, "urgent", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(2us);
    log.push_back("urgent@" + std::to_string(to_ns(cx.now())));
  }, {.priority = 200});  // priority means nothing on a FIFO CPU
  ReplayChooser first_first({{ChoiceKind::Schedule, 2, 0}});
  w.set_chooser(first_first);
  w.run();
  EXPECT_EQ(log, (std::vector<std::string>{"first@1000", "first done@11000", "urgent@11000"}));
}

TEST(Scheduling, TheChooserDecidesOnlyAmongEquals) {
  World w;
  Cpu& c = w.add_cpu({.policy = RunPolicy::PriorityPreemptive});
  for (int i = 0; i < 3; ++i) {
    w.spawn(c, "eq" + std::to_string(i), [](Ctx cx) -> Task<> { co_await cx.compute(1us); }, {.priority = 5});
  }
  w.spawn(c, "top", [](Ctx cx) -> Task<> { co_await cx.compute(1us); }, {.priority = 7});
  w.run();
  // "top" runs without a question; then 3 equals, then 2: two choices in all.
  ASSERT_EQ(w.choices().size(), 2u);
  EXPECT_EQ(w.choices()[0].n, 3u);
  EXPECT_EQ(w.choices()[1].n, 2u);
  for (const auto& ch : w.choices()) EXPECT_EQ(ch.kind, ChoiceKind::Schedule);
}

TEST(Scheduling, ActorsOnDifferentCpusAtTheSameInstantAreInterleavedByTheChooser) {
  World w;
  Cpu& a = w.add_cpu({});
  Cpu& b = w.add_cpu({});
  std::string order;
  w.spawn(a, "A", [&](Ctx) -> Task<> { order += 'A'; co_return; });
  w.spawn(b, "B", [&](Ctx) -> Task<> { order += 'B'; co_return; });
  ReplayChooser pick_second({{ChoiceKind::Schedule, 2, 1}});
  w.set_chooser(pick_second);
  w.run();
  EXPECT_EQ(order, "BA");
}

TEST(Scheduling, TwoSeedsGiveDifferentInterleavingsOfARacyWorkload) {
  std::set<std::vector<std::uint32_t>> arrival_orders;
  std::set<std::uint32_t> final_counts;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    World w({.seed = seed});
    testing::RacyWorkload load;
    load.build(w, 4, {});  // no faults: only the schedule varies
    w.run();
    arrival_orders.insert(load.arrivals);
    final_counts.insert(load.final_count);
  }
  EXPECT_GT(arrival_orders.size(), 1u);
  EXPECT_GT(final_counts.size(), 1u) << "the lost-update race should show in some schedules";
}

TEST(Scheduling, PickingAmongManyEqualsStaysCorrect) {
  World w({.seed = 3});
  Cpu& c = w.add_cpu({});
  std::vector<int> ran;
  for (int i = 0; i < 500; ++i) {
    w.spawn(c, "a" + std::to_string(i), [&ran, i](Ctx) -> Task<> {
      ran.push_back(i);
      co_return;
    });
  }
  w.run();
  ASSERT_EQ(ran.size(), 500u);
  EXPECT_EQ(std::set<int>(ran.begin(), ran.end()).size(), 500u);
  ASSERT_EQ(w.choices().size(), 499u);
  for (std::size_t k = 0; k < w.choices().size(); ++k) EXPECT_EQ(w.choices()[k].n, 500 - k);
}

TEST(Scheduling, RaisingPriorityOfAReadyActorMovesItAhead) {
  World w;
  Cpu& c = w.add_cpu({.policy = RunPolicy::PriorityPreemptive});
  std::vector<std::string> log;
  ActorRef late = w.spawn(c, "late", [&](Ctx) -> Task<> { log.push_back("late"); co_return; }, {.priority = 1});
  w.spawn(c, "boss", [&](Ctx cx) -> Task<> {
    log.push_back("boss");
    const Actor* a = cx.world().find(late);
    cx.world().set_priority(*const_cast<Actor*>(a), 50);  // now above boss: preempts at the op
    co_await cx.yield();
    log.push_back("boss again");
  }, {.priority = 10});
  w.run();
  EXPECT_EQ(log, (std::vector<std::string>{"boss", "late", "boss again"}));
}

}  // namespace
}  // namespace ipcsim::sim

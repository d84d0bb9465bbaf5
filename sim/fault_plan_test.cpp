// Faults: crash, restart, kill, partition; each one a chooser decision.
#include "sim/fault_plan.hpp"

#include <gtest/gtest.h>

#include <array>

#include "sim/bus.hpp"
#include "sim/test_workloads.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

TEST(FaultPlanTest, ACrashedCpusActorsNeverRunAgainAndItsMemoryIsLost) {
  World w;
  Cpu& c0 = w.add_cpu({.name = "cpu0"});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  int ticks = 0;
  int ticks_after_crash = -1;
  ActorRef ticker = w.spawn(c1, "ticker", [&](Ctx cx) -> Task<> {
    for (;;) {
      cx.cpu().memory().put<int>(0, ++ticks);
      co_await cx.sleep(1us);
    }
  });
  w.spawn(c0, "observer", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(5500ns);
    ticks_after_crash = ticks;
    co_await cx.sleep(20us);
  });
  FaultPlan plan;
  plan.add({.type = FaultType::CrashCpu, .cpu = 1, .at = at_ns(5'200)});
  plan.install(w);
  w.run();
  EXPECT_EQ(ticks_after_crash, 6);  // ticks at 0..5 us
  EXPECT_EQ(ticks, 6) << "no step of a crashed CPU's actor after the crash";
  EXPECT_FALSE(w.alive(ticker));
  EXPECT_FALSE(c1.up());
  EXPECT_TRUE(c1.memory().lost());
  std::array<std::byte, 4> raw{};
  EXPECT_FALSE(c1.memory().peek(0, raw)) << "a crashed CPU's memory reads as lost";
}

TEST(FaultPlanTest, RestartBringsAFreshMemoryAndRunsTheBootHooks) {
  World w;
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  std::vector<std::int64_t> boots;
  int seen_after_restart = -1;
  auto start = [&](Cpu& c) {
    w.spawn(c, "service", [&](Ctx cx) -> Task<> {
      boots.push_back(to_ns(cx.now()));
      seen_after_restart = cx.cpu().memory().get<int>(0);
      cx.cpu().memory().put<int>(0, 1234);
      co_await cx.sleep(1ms);
    });
  };
  c1.on_boot(start);
  start(c1);
  FaultPlan plan;
  plan.add({.type = FaultType::CrashCpu, .cpu = 0, .at = at_ns(100), .restart_after = 50us});
  plan.install(w);
  w.run();
  EXPECT_EQ(boots, (std::vector<std::int64_t>{0, 50'100}));
  EXPECT_EQ(seen_after_restart, 0) << "the old contents are gone after a restart";
  EXPECT_EQ(c1.incarnation(), 2u);
  EXPECT_EQ(c1.memory().incarnation(), 2u);
}

TEST(FaultPlanTest, ACrashStopsTheCpusBusTrafficBothWays) {
  World w;
  Cpu& c0 = w.add_cpu({.name = "cpu0"});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  Bus& bus = w.add_bus({.name = "b", .cpus = {0, 1}, .latency = 1us, .bytes_per_second = 1'000'000});
  Port& at0 = w.add_port(c0, "at0");
  Port& at1 = w.add_port(c1, "at1");
  int received_by_0 = 0;
  w.spawn(c1, "chatty", [&](Ctx) -> Task<> {
    // 1000 B at 1 MB/s: 1 ms each on the wire; the crash comes during the first.
    for (int i = 0; i < 3; ++i) co_await bus.send(at0, 0, std::vector<std::byte>(1000));
  });
  w.spawn(c0, "sink", [&](Ctx) -> Task<> {
    for (;;) {
      auto m = co_await at0.recv_for(10ms);
      if (!m) co_return;
      ++received_by_0;
    }
  });
  w.spawn(c0, "late-sender", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(5ms);
    co_await bus.send(at1, 0, std::vector<std::byte>(10));  // lands on a crashed CPU
  });
  FaultPlan plan;
  plan.add({.type = FaultType::CrashCpu, .cpu = 1, .at = at_ns(500'000)});
  plan.install(w);
  w.run();
  EXPECT_EQ(received_by_0, 0);
  EXPECT_EQ(bus.counters().dropped, 4u);
}

TEST(FaultPlanTest, EveryFaultIsAChooserDecision) {
  World w;
  Cpu& c = w.add_cpu({});
  int ticks = 0;
  w.spawn(c, "ticker", [&](Ctx cx) -> Task<> {
    for (int i = 0; i < 10; ++i) {
      ++ticks;
      co_await cx.sleep(1us);
    }
  });
  testing::ScriptedChooser never;  // answers 0: "no fault"
  w.set_chooser(never);
  FaultPlan plan;
  plan.add({.type = FaultType::CrashCpu, .cpu = 0, .at = at_ns(3'500)});
  plan.install(w);
  w.run();
  EXPECT_EQ(ticks, 10) << "the chooser said no: the crash did not happen";
  ASSERT_EQ(w.choices().size(), 1u);
  EXPECT_EQ(w.choices()[0].kind, ChoiceKind::FaultCrash);
}

TEST(FaultPlanTest, PeriodicFaultsAreProbabilisticAndWithinTheBudget) {
  auto crashes_with = [](std::uint64_t seed, std::uint32_t budget) {
    World w({.seed = seed, .max_faults = budget});
    w.add_cpu({});
    for (int i = 0; i < 8; ++i) w.add_cpu({});
    for (CpuId i = 1; i <= 8; ++i) {
      w.spawn(w.cpu(i), "idle", [](Ctx cx) -> Task<> { co_await cx.sleep(1ms); });
    }
    FaultPlan plan;
    for (CpuId i = 1; i <= 8; ++i) {
      plan.add({.type = FaultType::CrashCpu, .cpu = i, .at = at_ns(0), .every = 10us, .until = at_ns(100'000),
                .ppm = 200'000, .restart_after = 5us});
    }
    plan.install(w);
    w.run();
    int fired = 0;
    for (const auto& c : w.choices()) fired += c.kind == ChoiceKind::FaultCrash && c.value == 1;
    return fired;
  };
  const int unlimited = crashes_with(1, UINT32_MAX);
  EXPECT_GT(unlimited, 3);
  EXPECT_LT(unlimited, 80);
  EXPECT_EQ(crashes_with(1, 2), 2);
  EXPECT_EQ(crashes_with(1, UINT32_MAX), unlimited) << "same seed, same faults";
}

TEST(FaultPlanTest, KillTargetsALiveActorByName) {
  World w;
  Cpu& c = w.add_cpu({});
  bool finished = false;
  w.spawn(c, "victim", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(10us);
    finished = true;
  });
  FaultPlan plan;
  plan.add({.type = FaultType::KillActor, .actor = "victim", .at = at_ns(1'000)});
  plan.add({.type = FaultType::KillActor, .actor = "nobody", .at = at_ns(1'000)});
  plan.install(w);
  w.run();
  EXPECT_FALSE(finished);
  EXPECT_EQ(w.choices().size(), 1u) << "a kill with no target asks nothing";
}

TEST(FaultPlanTest, PartitionAndHealAreScheduled) {
  World w;
  Cpu& c0 = w.add_cpu({});
  Cpu& c1 = w.add_cpu({});
  Bus& bus = w.add_bus({.name = "b", .cpus = {0, 1}, .latency = 1us});
  Port& in = w.add_port(c1, "in");
  std::vector<std::uint32_t> got;
  w.spawn(c0, "sender", [&](Ctx cx) -> Task<> {
    for (std::uint32_t i = 0; i < 5; ++i) {
      co_await bus.send(in, i, std::vector<std::byte>(4));
      co_await cx.sleep(10us);
    }
  });
  w.spawn(c1, "receiver", [&](Ctx) -> Task<> {
    for (;;) {
      auto m = co_await in.recv_for(100us);
      if (!m) co_return;
      got.push_back(m->tag);
    }
  });
  FaultPlan plan;
  plan.add({.type = FaultType::Partition, .bus = 0, .groups = {{0}, {1}}, .at = at_ns(5'000)});
  plan.add({.type = FaultType::Heal, .bus = 0, .at = at_ns(25'000)});
  plan.install(w);
  w.run();
  EXPECT_EQ(got, (std::vector<std::uint32_t>{0, 3, 4}));
}

}  // namespace
}  // namespace ipcsim::sim

// signal_then_wait: why a broadcast slave signals semT and waits at semG in
// one step. With two separate ops, a master on another CPU can pass semT and
// pulse the gate between them; the pulse misses the slave and the next round
// never completes (a deadlock the kernel reports). In one step it cannot.
#include "impl/rtos/sync.hpp"

#include <gtest/gtest.h>

namespace ipcsim::rtos {
namespace {

// One master (cpu0) and two slaves (cpu1, cpu2) go through `rounds` rounds,
// the slaves ending each with end_round() under `interlock`.
sim::RunOutcome rounds(std::uint64_t seed, Interlock interlock) {
  sim::World w({.seed = seed});
  sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
  sim::ThresholdSemaphore semT(w, "semT", 2);
  sim::Gate semG(w, "semG");
  constexpr int kRounds = 3;
  w.spawn(c0, "master", [&](sim::Ctx) -> sim::Task<> {
    for (int r = 0; r < kRounds; ++r) {
      co_await semT.wait();
      co_await semG.pulse();
    }
  });
  for (int i = 0; i < 2; ++i) {
    sim::Cpu& c = w.add_cpu({.name = "cpu" + std::to_string(i + 1)});
    w.spawn(c, "slave" + std::to_string(i), [&, interlock](sim::Ctx) -> sim::Task<> {
      for (int r = 0; r < kRounds; ++r) co_await end_round(semT, semG, interlock);
    });
  }
  return w.run().outcome;
}

TEST(SignalThenWaitTest, TwoSeparateOpsCanMissThePulseOneStepCannot) {
  int separate_deadlocks = 0;
  int atomic_deadlocks = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    separate_deadlocks += rounds(seed, Interlock::Seed) == sim::RunOutcome::Deadlock ? 1 : 0;
    atomic_deadlocks += rounds(seed, Interlock::Atomic) == sim::RunOutcome::Deadlock ? 1 : 0;
  }
  EXPECT_GT(separate_deadlocks, 0) << "some schedule lets the master pulse before a slave reaches the gate";
  EXPECT_LT(separate_deadlocks, 60) << "and some do not: the schedule decides";
  EXPECT_EQ(atomic_deadlocks, 0);
}

TEST(SignalThenWaitTest, TheGateWaitCanTimeOut) {
  sim::World w;
  sim::Cpu& c = w.add_cpu({});
  sim::ThresholdSemaphore semT(w, "semT", 5);
  sim::Gate semG(w, "semG");
  bool passed = true;
  w.spawn(c, "slave", [&](sim::Ctx) -> sim::Task<> {
    passed = co_await signal_then_wait(semT, semG, std::chrono::microseconds(3));
  });
  w.run();
  EXPECT_FALSE(passed);
  EXPECT_EQ(semT.count(), 1u);
}

}  // namespace
}  // namespace ipcsim::rtos

// The RTOS's properties on real runs of the canonical workloads: green for the
// correct RTOS over several seeds, and each broken variant caught by the
// monitor of the property it breaks.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "impl/rtos/workloads.hpp"
#include "model/rtos/rtos_monitors.hpp"
#include "sim/fault_plan.hpp"

namespace ipcsim::model::rtos {
namespace {

namespace wl = ipcsim::rtos::workloads;
using namespace std::chrono_literals;
using ipcsim::rtos::Bugs;

using Builder = std::function<std::unique_ptr<wl::Workload>(sim::World&, sim::Cpu&, const Bugs&)>;

struct Verdict {
  sim::RunResult result;
  std::string check;
  std::string property;  // of the first violation, "" when green
  std::string message;
};

Verdict judge(std::uint64_t seed, const Builder& build, const Bugs& bugs = {}) {
  Verdict v;
  sim::World w({.seed = seed});
  RtosMonitors monitors;
  monitors.attach(w);
  sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 128 * 1024});
  auto workload = build(w, cpu, bugs);
  v.result = w.run();
  monitors.finish(v.result);
  v.check = workload->check();
  if (const Violation* first = monitors.first_violation()) {
    v.property = first->property;
    v.message = first->message;
  }
  return v;
}

const Builder kPipeline = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_pipeline(w, c, {}, b);
};
const Builder kPassChain = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_pass_chain(w, c, {}, b);
};
const Builder kBroadcast = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_broadcast(w, c, {}, b);
};
const Builder kAssembly = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_assembly(w, c, {}, b);
};
const Builder kDeletion = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_deletion(w, c, {}, b);
};
const Builder kBroadcasters = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_broadcasters(w, c, {}, b);
};

class CorrectRtos : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(CorrectRtos, EveryWorkloadKeepsEveryPropertyGreen) {
  for (const Builder* build : {&kPipeline, &kPassChain, &kBroadcast, &kAssembly, &kDeletion, &kBroadcasters}) {
    const Verdict v = judge(GetParam(), *build);
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
    EXPECT_EQ(v.check, "");
    EXPECT_EQ(v.property, "") << v.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CorrectRtos, ::testing::Values(1, 2, 3, 4, 5, 77, 2024));

TEST(BrokenVariantTest, ReleaseToTheWrongPoolIsCaughtByPoolOrigin) {
  const Verdict v = judge(1, kPipeline, {.release_to_wrong_pool = true});
  EXPECT_EQ(v.property, "pool_origin");
  EXPECT_NE(v.message.find("released to pool 'general' but it came from pool 'rx'"), std::string::npos) << v.message;
}

TEST(BrokenVariantTest, BroadcastWithoutTheGateIsCaughtByNoDoubleDelivery) {
  for (const Builder* build : {&kBroadcast, &kBroadcasters}) {
    const Verdict v = judge(1, *build, {.broadcast_without_gate = true});
    EXPECT_EQ(v.property, "no_double_delivery");
    EXPECT_NE(v.message.find("twice"), std::string::npos) << v.message;
  }
}

TEST(BrokenVariantTest, AProxyReleaseThatFreesTheBodyIsCaughtByPoolOrigin) {
  const Verdict v = judge(1, kAssembly, {.proxy_release_frees_body = true});
  EXPECT_EQ(v.property, "pool_origin");
  EXPECT_NE(v.message.find("a proxy has no body of its own"), std::string::npos) << v.message;
}

TEST(BrokenVariantTest, DeletionThatLeaksOwnedBlocksIsCaughtByPoolOrigin) {
  const Verdict v = judge(1, kDeletion, {.delete_leaks_owned = true});
  EXPECT_EQ(v.property, "pool_origin");
  EXPECT_NE(v.message.find("while still owning"), std::string::npos) << v.message;
}

TEST(BrokenVariantTest, APassExchangeThatKeepsTheReceiversPriorityIsCaughtByPriorityPass) {
  for (const Builder* build : {&kPassChain, &kPipeline}) {
    const Verdict v = judge(1, *build, {.pass_keeps_receiver_priority = true});
    EXPECT_EQ(v.property, "priority_pass");
    EXPECT_NE(v.message.find("at a priority-pass exchange"), std::string::npos) << v.message;
  }
}

TEST(BrokenVariantTest, ForwardingBeforeEverySectionIsFilledIsCaughtByNoDoubleDelivery) {
  const Verdict v = judge(1, kAssembly, {.assembly_threshold_off_by_one = true});
  EXPECT_EQ(v.property, "no_double_delivery");
  EXPECT_NE(v.message.find("forwarded before the section of proxy"), std::string::npos) << v.message;
}

TEST(BrokenVariantTest, EachVariantIsCaughtOnEverySeedTried) {
  struct Case {
    const Builder* build;
    Bugs bugs;
    const char* property;
  };
  const Case cases[] = {
      {&kPipeline, {.release_to_wrong_pool = true}, "pool_origin"},
      {&kBroadcast, {.broadcast_without_gate = true}, "no_double_delivery"},
      {&kAssembly, {.proxy_release_frees_body = true}, "pool_origin"},
      {&kDeletion, {.delete_leaks_owned = true}, "pool_origin"},
      {&kPassChain, {.pass_keeps_receiver_priority = true}, "priority_pass"},
      {&kAssembly, {.assembly_threshold_off_by_one = true}, "no_double_delivery"},
  };
  for (const Case& c : cases) {
    for (std::uint64_t seed = 10; seed < 16; ++seed) {
      EXPECT_EQ(judge(seed, *c.build, c.bugs).property, c.property) << "seed " << seed << ", expected " << c.property;
    }
  }
}

// Slaves on other CPUs than the master: true parallelism, the RTOS in a
// shared region.
Verdict judge_parallel(std::uint64_t seed, bool broadcasters, const Bugs& bugs = {}) {
  Verdict v;
  sim::World w({.seed = seed});
  RtosMonitors monitors;
  monitors.attach(w);
  sim::Cpu& home = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive});
  std::vector<sim::Cpu*> others;
  for (int i = 1; i <= 3; ++i) {
    others.push_back(&w.add_cpu({.name = "cpu" + std::to_string(i), .policy = sim::RunPolicy::PriorityPreemptive}));
  }
  std::unique_ptr<wl::Workload> workload;
  if (broadcasters) {
    workload = wl::build_broadcasters(w, home, {.slaves = 5}, bugs, others);
  } else {
    workload = wl::build_broadcast(w, home, {.slaves = 6, .rounds = 4}, bugs, others);
  }
  v.result = w.run();
  monitors.finish(v.result);
  v.check = workload->check();
  if (const Violation* first = monitors.first_violation()) {
    v.property = first->property;
    v.message = first->message;
  }
  return v;
}

TEST(ParallelSlavesTest, BroadcastWithSlavesOnOtherCpusStaysGreen) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    for (bool broadcasters : {false, true}) {
      const Verdict v = judge_parallel(seed, broadcasters);
      EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent) << "seed " << seed;
      EXPECT_EQ(v.check, "") << "seed " << seed;
      EXPECT_EQ(v.property, "") << "seed " << seed << ": " << v.message;
    }
  }
}

TEST(ParallelSlavesTest, WithoutTheGateParallelSlavesAreCaughtToo) {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    caught += judge_parallel(seed, false, {.broadcast_without_gate = true}).property == "no_double_delivery" ? 1 : 0;
  }
  EXPECT_GT(caught, 0);
}

// Faults: a crash loses the RTOS's memory with everything in it, which is not
// a leak; a restart formats it again. A task killed by a fault plan (not
// through the RTOS) is reaped by the next service, releasing what it owned.
TEST(FaultTest, ACrashOfTheRtossCpuWithOrWithoutRestartLeavesEveryPropertyGreen) {
  for (const bool restart : {false, true}) {
    sim::World w({.seed = 5});
    RtosMonitors monitors;
    monitors.attach(w);
    sim::Cpu& cpu =
        w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 128 * 1024});
    w.add_cpu({.name = "cpu1"});
    // A slow app: messages are queued, owned and in flight when the CPU goes down.
    auto workload = wl::build_pipeline(w, cpu, {.packets = 30, .app_work = 20us});
    sim::FaultPlan plan;
    plan.add({.type = sim::FaultType::CrashCpu,
              .cpu = 0,
              .at = sim::at_ns(60'000),
              .restart_after = restart ? sim::Duration{10us} : sim::Duration{0}});
    plan.install(w);
    const sim::RunResult r = w.run();
    monitors.finish(r);
    EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
    EXPECT_EQ(r.faults, 1u);
    EXPECT_TRUE(monitors.green()) << monitors.first_violation()->message;
    if (restart) {
      EXPECT_EQ(workload->os().check_consistency(), "") << "formatted again after the restart";
    }
    EXPECT_GT(workload->stats.delivered, 0u);
    EXPECT_LT(workload->stats.delivered, 30u) << "packets after the crash found no ISR";
  }
}

TEST(FaultTest, ATaskKilledByAFaultPlanIsReapedAndItsMessagesReleased) {
  sim::World w({.seed = 6});
  RtosMonitors monitors;
  monitors.attach(w);
  sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 128 * 1024});
  auto workload = wl::build_deletion(w, cpu, {.workers = 3, .holdings = 6, .exiting = 3, .killed = 0, .work = 2us});
  sim::FaultPlan plan;
  plan.add({.type = sim::FaultType::KillActor, .actor = "worker1", .at = sim::at_ns(5'000)});
  plan.install(w);
  const sim::RunResult r = w.run();
  monitors.finish(r);
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_TRUE(monitors.green()) << monitors.first_violation()->message;
  EXPECT_EQ(workload->check(), "");
}

}  // namespace
}  // namespace ipcsim::model::rtos

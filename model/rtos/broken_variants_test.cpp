// The RTOS's properties on real runs of the canonical workloads: green for the
// correct RTOS over several seeds, and each broken variant caught by the
// monitor of the property it breaks.
#include <gtest/gtest.h>

#include <functional>
#include <map>
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

TEST(BrokenVariantTest, ForwardingBeforeEverySectionIsFilledIsCaughtBySectionsFilled) {
  const Verdict v = judge(1, kAssembly, {.assembly_threshold_off_by_one = true});
  EXPECT_EQ(v.property, "sections_filled");
  EXPECT_NE(v.message.find("forwarded by 'client'"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("before the section of proxy"), std::string::npos) << v.message;
}

// Workloads shaped so that each new variant's mistake shows (see the bundled
// scenarios of the same names in scenarios/rtos/).
const Builder kFewPriorities = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_pass_chain(w, c, {.stages = 2, .messages = 6, .min_msg_priority = 5, .max_msg_priority = 6}, b);
};
const Builder kTwoRequests = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_broadcasters(w, c, {.broadcasters = 2, .messages_each = 1, .slaves = 2}, b);
};
// Workers that hold many things: each deleted one holds a proxy and its real message.
const Builder kHoarders = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_deletion(w, c, {.holdings = 12}, b);
};
const Builder kLateReader = [](sim::World& w, sim::Cpu& c, const Bugs& b) -> std::unique_ptr<wl::Workload> {
  return wl::build_broadcast(
      w, c, {.slaves = 2, .rounds = 2, .sink_priority = 2, .late_readers = 1, .late_reader_priority = 3}, b);
};

TEST(BrokenVariantTest, EqualsLeavingLastInFirstOutAreCaughtByExchangeOrder) {
  for (const Builder* build : {&kFewPriorities, &kPassChain}) {
    const Verdict v = judge(1, *build, {.lifo_among_equals = true});
    EXPECT_EQ(v.property, "exchange_order") << v.message;
    EXPECT_NE(v.message.find("was waiting there: same priority, sent earlier"), std::string::npos) << v.message;
    EXPECT_EQ(judge(1, *build).property, "") << "the same workload, correct";
  }
}

TEST(BrokenVariantTest, AnInsertionThatDropsItsSuccessorsIsCaughtByNoMessageLossAtTheEndOfADeadlockedRun) {
  // Two requests queued before the master takes any: when the second outranks
  // the first it goes in front and (broken) drops it. The master then waits for
  // it forever: a deadlock, where pool_origin does not look for leaks.
  const Verdict v = judge(2, kTwoRequests, {.insert_forgets_successor = true});
  EXPECT_EQ(v.result.outcome, sim::RunOutcome::Deadlock);
  EXPECT_EQ(v.property, "no_message_loss") << v.message;
  EXPECT_NE(v.message.find("sent to exchange 'requests' by 'broadcaster1'"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("the exchange no longer holds it: lost"), std::string::npos) << v.message;
  // Whatever the seed, the loss is caught whenever it happens (the second request
  // outranks the first), by no_message_loss or, when a lower-priority message
  // is taken after it, by exchange_order; a run without the loss stays green.
  int lost = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const Verdict w = judge(seed, kTwoRequests, {.insert_forgets_successor = true});
    if (w.property.empty()) {
      EXPECT_EQ(w.check, "") << "seed " << seed << ": a run the monitors pass must be a complete one";
    } else {
      EXPECT_EQ(w.property, "no_message_loss") << "seed " << seed << ": " << w.message;
      ++lost;
    }
  }
  EXPECT_GT(lost, 3);
}

TEST(BrokenVariantTest, ABroadcastThatResumesOneWaiterIsCaughtByBroadcastReachesWaiters) {
  for (const Builder* build : {&kBroadcast, &kBroadcasters}) {
    const Verdict v = judge(1, *build, {.broadcast_wakes_one = true});
    EXPECT_EQ(v.property, "broadcast_reaches_waiters") << v.message;
    EXPECT_NE(v.message.find("was waiting at broadcast exchange 'bx' when 'master'"), std::string::npos)
        << v.message;
  }
}

TEST(BrokenVariantTest, AForwardThatLeavesTheMessageOnShowIsCaughtByOneHolder) {
  const Verdict v = judge(1, kLateReader, {.forward_leaves_on_show = true});
  EXPECT_EQ(v.property, "one_holder") << v.message;
  EXPECT_EQ(v.message,
            "late receiver 'reader0' (#4) was handed message 1608 at broadcast exchange 'bx', but it is no longer on "
            "show there: it is queued at exchange 'assembled'");
  const Verdict ok = judge(1, kLateReader);
  EXPECT_EQ(ok.property, "") << ok.message;
  EXPECT_EQ(ok.check, "");
}

TEST(BrokenVariantTest, DeletingARealMessageBeforeItsProxiesIsCaughtByNoDanglingProxy) {
  const Verdict v = judge(1, kDeletion, {.delete_frees_real_before_proxies = true});
  EXPECT_EQ(v.property, "no_dangling_proxy") << v.message;
  EXPECT_NE(v.message.find("is still live: the proxy now points into a body"), std::string::npos) << v.message;
}

// pool_origin learns where a body went from the pool that received it. Here
// every release record is rewritten to name the pool the body came from, as an
// implementation that reported its own correctness would: the monitor, which
// reads that field for nothing, still sees the body enter the wrong pool.
class ClaimsTheOrigin final : public sim::Observer {
 public:
  explicit ClaimsTheOrigin(Monitor& m) : m_(&m) {}
  void on_record(const sim::TraceRecord& r) override {
    const std::string_view k = r.kind;
    if (k == "rtos.msg.make" || k == "rtos.msg.get") origin_[field(r, "dbp")] = field(r, "pool");
    if (k != "rtos.msg.rel" || origin_.count(field(r, "dbp")) == 0) {
      m_->on_record(r);
      return;
    }
    std::vector<sim::Field> fields(r.fields.begin(), r.fields.end());
    for (sim::Field& f : fields) {
      if (f.key == "pool") f.value = sim::FieldValue(origin_[field(r, "dbp")]);
    }
    sim::TraceRecord lie = r;
    lie.fields = fields;
    ++lies_;
    m_->on_record(lie);
  }
  int lies() const { return lies_; }

 private:
  static std::uint64_t field(const sim::TraceRecord& r, std::string_view key) {
    const sim::FieldValue* v = r.field(key);
    return v == nullptr ? 0 : static_cast<std::uint64_t>(v->as_int());
  }
  Monitor* m_;
  std::map<std::uint64_t, std::uint64_t> origin_;
  int lies_ = 0;
};

TEST(BrokenVariantTest, ReleaseToTheWrongPoolIsCaughtEvenWhenTheReleaseRecordClaimsTheOrigin) {
  sim::World w({.seed = 1});
  PoolOriginMonitor monitor;
  ClaimsTheOrigin liar(monitor);
  w.attach(liar);
  sim::Cpu& cpu = w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 128 * 1024});
  auto workload = wl::build_pipeline(w, cpu, {}, {.release_to_wrong_pool = true});
  monitor.finish(w.run());
  EXPECT_GT(liar.lies(), 0);
  ASSERT_TRUE(monitor.violated());
  EXPECT_NE(monitor.violation()->message.find("released to pool 'general' but it came from pool 'rx'"),
            std::string::npos)
      << monitor.violation()->message;
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
      {&kAssembly, {.assembly_threshold_off_by_one = true}, "sections_filled"},
      {&kFewPriorities, {.lifo_among_equals = true}, "exchange_order"},
      {&kBroadcast, {.broadcast_wakes_one = true}, "broadcast_reaches_waiters"},
      {&kLateReader, {.forward_leaves_on_show = true}, "one_holder"},
      {&kHoarders, {.delete_frees_real_before_proxies = true}, "no_dangling_proxy"},
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

// The monitors against the real implementation: the correct protocol violates
// nothing, and each broken variant of impl/select/config.hpp is caught by the
// property it breaks.
#include <gtest/gtest.h>

#include "impl/select/test_support.hpp"
#include "impl/select/workloads.hpp"
#include "model/select/select_monitors.hpp"
#include "sim/fault_plan.hpp"

namespace ipcsim::model::select {
namespace {

using namespace std::chrono_literals;
namespace wl = ipcsim::select::workloads;
using ipcsim::select::testing::Machine;

struct Verdicts {
  std::vector<std::string> violated;
  std::string first_message;
  std::map<std::string, std::string> messages;  // by property
  sim::RunResult result;
};

// Runs a workload with every monitor attached; `crash_cpu` >= 0 crashes that CPU at `crash_at`.
template <class Build>
Verdicts run(Build build, int cpus, std::uint64_t seed, int crash_cpu = -1, sim::Instant crash_at = {}) {
  sim::World w({.seed = seed});
  OneReturnMonitor one_return;
  LostWakeupMonitor lost;
  OneRequestMonitor one_request;
  CrashProgressMonitor progress;
  NoLossMonitor loss;
  PacketDeliveryMonitor packets;
  StaleWakeupMonitor stale;
  RefusalReportedMonitor refusal;
  FalseSuspicionMonitor suspicion;
  OutboundDeliveryMonitor outbound;
  std::vector<Monitor*> all = {&one_return, &lost,    &one_request, &progress, &loss,
                               &packets,    &stale,   &refusal,     &suspicion, &outbound};
  for (Monitor* m : all) m->attach(w);
  Machine m(w, cpus);
  sim::FaultPlan plan;
  if (crash_cpu >= 0) {
    plan.add({.type = sim::FaultType::CrashCpu, .cpu = static_cast<sim::CpuId>(crash_cpu), .at = crash_at});
  }
  plan.install(w);
  auto workload = build(w, m);
  Verdicts v;
  v.result = w.run({.horizon = sim::at_ns(50'000'000)});
  for (Monitor* mon : all) {
    mon->finish(v.result);
    if (mon->violated()) {
      v.violated.push_back(mon->property());
      v.messages[mon->property()] = mon->violation()->message;
      if (v.first_message.empty()) v.first_message = mon->violation()->message;
    }
  }
  return v;
}

wl::StormParams storm(ipcsim::select::Bugs bugs = {}) {
  return {.pipes = 2, .children = 4, .dups = 2, .rounds = 4, .messages = 6, .bytes = 8, .read_bytes = 1,
          .select = {.bugs = bugs}};
}

auto storm_on(wl::StormParams p) {
  return [p](sim::World& w, Machine& m) { return wl::build_storm(w, m.cpus, *m.bus, p); };
}

TEST(SelectBrokenVariants, CorrectStormViolatesNothing) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Verdicts v = run(storm_on(storm()), 3, seed);
    EXPECT_TRUE(v.violated.empty()) << "seed " << seed << ": " << v.first_message;
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
  }
}

TEST(SelectBrokenVariants, CorrectFaninViolatesNothing) {
  const Verdicts v = run(
      [](sim::World& w, Machine& m) {
        return wl::build_fanin(w, m.cpus, *m.bus, {.writers = 6, .messages = 3, .bytes = 8, .select = {.pipe_capacity = 12}});
      },
      4, 1);
  EXPECT_TRUE(v.violated.empty()) << v.first_message;
}

TEST(SelectBrokenVariants, NoDedupeIsCaughtByOneRequest) {
  const Verdicts v = run(storm_on(storm({.no_dedupe = true})), 3, 1);
  EXPECT_EQ(v.violated, std::vector<std::string>{"one_request"}) << v.first_message;
}

TEST(SelectBrokenVariants, NotifyFirstOnlyIsCaughtByNoLostWakeup) {
  const Verdicts v = run(storm_on(storm({.notify_first_only = true})), 3, 1);
  EXPECT_EQ(v.violated, std::vector<std::string>{"no_lost_wakeup"}) << v.first_message;
}

TEST(SelectBrokenVariants, RemoteCrashIsSurvived) {
  wl::StormParams p = storm();
  p.wait_forever = true;
  p.messages = 1;
  p.select.check_period = 20us;
  const Verdicts v = run(storm_on(p), 3, 1, 0, sim::at_ns(40'000));
  EXPECT_TRUE(v.violated.empty()) << v.first_message;
  EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
}

TEST(SelectBrokenVariants, NoLivenessIsCaughtByCrashProgress) {
  wl::StormParams p = storm({.no_liveness = true});
  p.wait_forever = true;
  p.messages = 1;
  p.select.check_period = 20us;
  const Verdicts v = run(storm_on(p), 3, 1, 0, sim::at_ns(40'000));
  EXPECT_EQ(v.violated, std::vector<std::string>{"crash_progress"}) << v.first_message;
}

// One pipe made on cpu0, every write end on cpu1, every read end on cpu2
// (the pipe_ends workload); `crash_cpu` crashes at 35 us, for good.
auto pipe_ends_on(ipcsim::select::Bugs bugs) {
  return [bugs](sim::World& w, Machine& m) {
    return wl::build_pipe_ends(w, m.cpus, *m.bus,
                               {.messages = 20, .bytes = 4, .gap = 5us,
                                .select = {.pipe_capacity = 8, .check_period = 20us, .bugs = bugs}});
  };
}

TEST(SelectBrokenVariants, ACrashOfTheLastWritersOrReadersCpuIsSurvived) {
  for (int crash_cpu : {1, 2}) {
    const Verdicts v = run(pipe_ends_on({}), 3, 1, crash_cpu, sim::at_ns(35'000));
    EXPECT_TRUE(v.violated.empty()) << "crash of cpu" << crash_cpu << ": " << v.first_message;
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent) << "crash of cpu" << crash_cpu;
  }
}

TEST(SelectBrokenVariants, CrashKeepsEndsIsCaughtByCrashProgress) {
  for (int crash_cpu : {1, 2}) {  // the reader waits for end of file; the writer for room (EPIPE)
    const Verdicts v = run(pipe_ends_on({.crash_keeps_ends = true}), 3, 1, crash_cpu, sim::at_ns(35'000));
    EXPECT_EQ(v.violated, std::vector<std::string>{"crash_progress"}) << "crash of cpu" << crash_cpu << ": "
                                                                      << v.first_message;
    EXPECT_NE(v.first_message.find("which crashed at t=35000ns"), std::string::npos) << v.first_message;
  }
}

// FD passing: a write end in flight through a socketpair to another CPU is
// an open description (held by the socketpair's home), so no monitor expects
// end of file while it travels; the receiver's close is the last.
TEST(SelectBrokenVariants, FdPassingViolatesNothing) {
  namespace sel = ipcsim::select;
  const Verdicts v = run(
      [](sim::World& w, Machine& m) {
        auto sys = std::make_unique<sel::System>(w, m.cpus, *m.bus);
        sel::spawn_process(*sys, *m.cpus[0], "sender", [&m](sel::Process& p) -> sim::Task<> {
          int sp[2], a[2];
          co_await p.socketpair(sp);
          sel::Body receiver = [s = sp[1]](sel::Process& c) -> sim::Task<> {
            co_await c.ctx().sleep(20us);
            const int fd = co_await c.recv_fd(s);
            co_await c.write(fd, 5);
          };
          co_await p.fork(*m.cpus[1], "receiver", std::move(receiver));
          co_await p.close(sp[1]);
          co_await p.pipe(a);
          co_await p.send_fd(sp[0], a[1]);
          co_await p.close(a[1]);
          for (;;) {  // reads until end of file, waiting without a timeout
            sel::Masks mk{.r = 1ULL << a[0]};
            co_await p.select(a[0] + 1, mk, std::nullopt);
            if (co_await p.read(a[0], 100) <= 0) break;
          }
        });
        return sys;
      },
      2, 1);
  EXPECT_TRUE(v.violated.empty()) << v.first_message;
  EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
}

wl::StormParams abandoned(ipcsim::select::Bugs bugs) {
  return {.children = 1, .dups = 0, .rounds = 2, .messages = 1, .gap = 20us, .timeout = 10us, .pause = 30us,
          .drain_own_writes = true, .select = {.bugs = bugs}};
}

TEST(SelectBrokenVariants, ANotificationForAnAbandonedSelectIsDropped) {
  const Verdicts v = run(storm_on(abandoned({})), 2, 1);
  EXPECT_TRUE(v.violated.empty()) << v.first_message;
}

TEST(SelectBrokenVariants, UntaggedReadyListIsCaughtByNoStaleWakeup) {
  const Verdicts v = run(storm_on(abandoned({.untagged_ready_list = true})), 2, 1);
  ASSERT_FALSE(v.violated.empty());
  EXPECT_EQ(v.violated.front(), "no_stale_wakeup") << v.first_message;
}

auto sockets_on(ipcsim::select::Bugs bugs) {
  return [bugs](sim::World& w, Machine& m) {
    return wl::build_sockets(w, m.cpus, *m.bus, {.readers = 3, .reader_cpus = 3, .packets = 8, .select = {.bugs = bugs}});
  };
}

TEST(SelectBrokenVariants, CorrectContentionViolatesNothing) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Verdicts v = run(sockets_on({}), 4, seed);
    EXPECT_TRUE(v.violated.empty()) << "seed " << seed << ": " << v.first_message;
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
  }
}

TEST(SelectBrokenVariants, NoDrainAtSwitchIsCaughtByPacketDelivery) {
  const Verdicts v = run(sockets_on({.no_drain_at_switch = true}), 4, 1);
  EXPECT_EQ(v.violated, std::vector<std::string>{"packet_delivery"}) << v.first_message;
}

TEST(SelectBrokenVariants, RecallKeepingCopiesIsCaughtByPacketDelivery) {
  const Verdicts v = run(sockets_on({.recall_keeps_copies = true}), 4, 1);
  // The copies are read twice; and cpu1's readers, left waiting on a shadow
  // that no longer receives anything, miss the packets at the real socket.
  EXPECT_EQ(v.violated, (std::vector<std::string>{"no_lost_wakeup", "packet_delivery"})) << v.first_message;
  EXPECT_NE(v.messages.at("packet_delivery").find("read twice"), std::string::npos) << v.first_message;
}

// sockets_leave_small.toml: readers on cpu1 and cpu2, the one on cpu2 leaves
// 5 us after its fork and cpu1's shadow gets forwarding mode back.
auto leaving_on(ipcsim::select::Bugs bugs) {
  return [bugs](sim::World& w, Machine& m) {
    return wl::build_sockets(w, m.cpus, *m.bus,
                             {.readers = 2, .reader_cpus = 2, .packets = 5, .first_packet = 22us, .gap = 8us,
                              .timeout = 20us, .read_work = 1us, .leave_after = 5us, .select = {.bugs = bugs}});
  };
}

TEST(SelectBrokenVariants, LeavingContentionModeViolatesNothing) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Verdicts v = run(leaving_on({}), 3, seed);
    EXPECT_TRUE(v.violated.empty()) << "seed " << seed << ": " << v.first_message;
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
  }
}

TEST(SelectBrokenVariants, SilentSwitchBackIsCaughtByNoLostWakeup) {
  // Schedule-dependent: seed 1 does not expose it, seed 2 does.
  EXPECT_TRUE(run(leaving_on({.silent_switch_back = true}), 3, 1).violated.empty());
  const Verdicts v = run(leaving_on({.silent_switch_back = true}), 3, 2);
  EXPECT_EQ(v.violated, std::vector<std::string>{"no_lost_wakeup"}) << v.first_message;
  EXPECT_NE(v.first_message.find("'reader0'"), std::string::npos) << v.first_message;
}

// sockets_urgent.toml: every third packet urgent, readers on two CPUs.
auto urgent_on(ipcsim::select::Bugs bugs) {
  return [bugs](sim::World& w, Machine& m) {
    return wl::build_sockets(w, m.cpus, *m.bus,
                             {.readers = 4, .reader_cpus = 2, .packets = 15, .first_packet = 5us, .gap = 6us,
                              .timeout = 50us, .read_work = 2us, .urgent_every = 3, .select = {.bugs = bugs}});
  };
}

TEST(SelectBrokenVariants, UrgentDataViolatesNothing) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Verdicts v = run(urgent_on({}), 3, seed);
    EXPECT_TRUE(v.violated.empty()) << "seed " << seed << ": " << v.first_message;
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
  }
}

TEST(SelectBrokenVariants, ExceptNotRecordedIsCaughtByNoLostWakeup) {
  const Verdicts v = run(urgent_on({.except_not_recorded = true}), 3, 1);
  EXPECT_EQ(v.violated, std::vector<std::string>{"no_lost_wakeup"}) << v.first_message;
  EXPECT_NE(v.first_message.find("ready for exception"), std::string::npos) << v.first_message;
}

// sockets_slow_network.toml: 24-byte replies through a 48-byte send buffer at 1 us a byte.
auto slow_network_on(ipcsim::select::Bugs bugs) {
  return [bugs](sim::World& w, Machine& m) {
    return wl::build_sockets(w, m.cpus, *m.bus,
                             {.readers = 4, .reader_cpus = 2, .packets = 10, .first_packet = 5us, .gap = 4us,
                              .timeout = 60us, .read_work = 1us, .reply_bytes = 24, .send_buffer = 48,
                              .net_byte_time = 1us, .select = {.bugs = bugs}});
  };
}

TEST(SelectBrokenVariants, ASlowNetworkViolatesNothing) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Verdicts v = run(slow_network_on({}), 3, seed);
    EXPECT_TRUE(v.violated.empty()) << "seed " << seed << ": " << v.first_message;
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
  }
}

TEST(SelectBrokenVariants, DropWhenFullIsCaughtByOutboundDelivery) {
  const Verdicts v = run(slow_network_on({.drop_when_full = true}), 3, 1);
  EXPECT_EQ(v.violated, std::vector<std::string>{"outbound_delivery"}) << v.first_message;
}

auto refused_on(ipcsim::select::Bugs bugs) {
  return [bugs](sim::World& w, Machine& m) {
    return wl::build_sockets(w, m.cpus, *m.bus,
                             {.readers = 1, .reader_cpus = 1, .packets = 0, .port = 81, .fork_after = 0us,
                              .timeout = 20us, .idle_rounds = 2, .refuse = true, .select = {.bugs = bugs}});
  };
}

TEST(SelectBrokenVariants, ARefusedConnectFailsSocket) {
  const Verdicts v = run(refused_on({}), 2, 1);
  EXPECT_TRUE(v.violated.empty()) << v.first_message;
}

TEST(SelectBrokenVariants, ShadowBeforeRealIsCaughtByRefusalReported) {
  const Verdicts v = run(refused_on({.shadow_before_real = true}), 2, 1);
  EXPECT_EQ(v.violated, std::vector<std::string>{"refusal_reported"}) << v.first_message;
}

}  // namespace
}  // namespace ipcsim::model::select

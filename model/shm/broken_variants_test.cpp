// The shm properties on real runs of the engine's workloads (impl/shm): green
// for the correct platform over several seeds, machines and crashes, and each
// broken variant caught by the monitor of the property it breaks (lock_order,
// model/explore's lockdep, for block_before_admin).
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "impl/shm/workloads.hpp"
#include "model/explore/lock_order.hpp"
#include "model/shm/shm_monitors.hpp"

namespace ipcsim::model::shm {
namespace {

namespace wl = ipcsim::shm::workloads;
using namespace std::chrono_literals;
using ipcsim::shm::Bugs;
using ipcsim::shm::ShmConfig;

// How many records of each kind a run emitted: what the run exercised.
struct KindCounts final : sim::Observer {
  void on_record(const sim::TraceRecord& r) override { ++n[std::string(r.kind)]; }
  std::uint64_t operator[](const std::string& kind) const {
    auto it = n.find(kind);
    return it == n.end() ? 0 : it->second;
  }
  std::map<std::string, std::uint64_t> n;
};

struct Verdict {
  sim::RunResult result;
  KindCounts kinds;
  std::string check;                  // the workload's own account ("" when every process did its part)
  std::vector<std::string> violated;  // properties, in the order of all_shm_monitors()
  std::string messages;               // "property: message" lines
  bool caught(const std::string& p) const {
    return std::find(violated.begin(), violated.end(), p) != violated.end();
  }
};

struct Machine {
  std::uint64_t seed = 1;
  std::size_t cpus = 3;  // the engine on cpu0, the processes on the others
  ShmConfig cfg{};
  // Builds the workload on the machine; may schedule crashes and restarts.
  std::function<std::unique_ptr<wl::Workload>(sim::World&, const wl::Placement&, const ShmConfig&,
                                              std::vector<sim::Cpu*>&)>
      build;
};

Verdict judge(const Machine& s) {
  Verdict v;
  sim::World w({.seed = s.seed});
  w.attach(v.kinds);
  auto monitors = all_shm_monitors();
  // The lock-order property (lockdep, model/explore) is the witness of block_before_admin.
  explore::LockOrderGraph graph;
  monitors.push_back(std::make_unique<explore::LockOrderMonitor>(graph, 0));
  for (auto& m : monitors) m->attach(w);
  std::vector<sim::Cpu*> cpus;
  for (std::size_t i = 0; i < s.cpus; ++i) cpus.push_back(&w.add_cpu({.name = "cpu" + std::to_string(i)}));
  wl::Placement p{cpus[0], {}, cpus};
  for (std::size_t i = cpus.size() > 1 ? 1 : 0; i < cpus.size(); ++i) p.process_cpus.push_back(cpus[i]);
  auto workload = s.build(w, p, s.cfg, cpus);
  v.result = w.run();
  for (auto& m : monitors) {
    m->finish(v.result);
    if (m->violated()) {
      v.violated.push_back(m->property());
      v.messages += m->property() + ": " + m->violation()->message + "\n";
    }
  }
  v.check = workload->check();
  return v;
}

ShmConfig small_config(const Bugs& bugs = {}) {
  ShmConfig cfg;
  cfg.data_bytes = 64 << 10;
  cfg.block_bytes = 8 << 10;
  cfg.min_block = 64;
  cfg.bugs = bugs;
  return cfg;
}

Machine transfers(std::uint64_t seed, const Bugs& bugs = {}, wl::TransfersParams params = {.pairs = 2,
                                                                                      .sizes = {64, 1000, 4096}}) {
  Machine s;
  s.seed = seed;
  s.cfg = small_config(bugs);
  s.build = [params](sim::World& w, const wl::Placement& p, const ShmConfig& cfg, std::vector<sim::Cpu*>&) {
    return wl::build_transfers(w, p, cfg, params);
  };
  return s;
}

Machine storm(std::uint64_t seed, const Bugs& bugs = {}) {
  Machine s;
  s.seed = seed;
  s.cfg = small_config(bugs);
  s.build = [](sim::World& w, const wl::Placement& p, const ShmConfig& cfg, std::vector<sim::Cpu*>&) {
    return wl::build_storm(w, p, cfg, {.processes = 10});
  };
  return s;
}

// Transfers with the receivers' CPU crashing at `crash_ns` (and restarting at
// `restart_ns` when not 0).
Machine transfers_with_crash(std::uint64_t seed, std::int64_t crash_ns, std::int64_t restart_ns, const Bugs& bugs = {},
                           std::size_t victim = 2) {
  Machine s = transfers(seed, bugs, {.pairs = 1, .sizes = {64, 1000, 4096}, .repeat = 3, .read_delay = 2us});
  auto inner = s.build;
  s.build = [inner, crash_ns, restart_ns, victim](sim::World& w, const wl::Placement& p, const ShmConfig& cfg,
                                                   std::vector<sim::Cpu*>& cpus) {
    auto workload = inner(w, p, cfg, cpus);
    sim::Cpu* c = cpus[victim];
    w.at(sim::at_ns(crash_ns), [&w, c] { w.crash(*c); });
    if (restart_ns != 0) w.at(sim::at_ns(restart_ns), [&w, c] { w.restart(*c); });
    return workload;
  };
  return s;
}

Machine pipe_transfers(std::uint64_t seed) {
  Machine s = transfers(seed);
  s.cfg.transport = ipcsim::shm::Transport::Pipe;
  return s;
}

class CorrectShm : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(CorrectShm, EveryPropertyStaysGreen) {
  const std::uint64_t seed = GetParam();
  const Machine machines[] = {
      transfers(seed),
      transfers(seed, {}, {.pairs = 2, .sizes = {64, 4096}, .repeat = 3, .read_delay = 3us, .snoop = true}),
      storm(seed),
      pipe_transfers(seed),
      transfers_with_crash(seed, 12'000, 0),          // the receiver's CPU, transfers granted to it
      transfers_with_crash(seed, 12'000, 20'000),     // ... and it comes back: a new incarnation registers
      transfers_with_crash(seed, 9'000, 0, {}, 1),    // the sender's CPU
  };
  for (std::size_t i = 0; i < std::size(machines); ++i) {
    const Verdict v = judge(machines[i]);
    EXPECT_TRUE(v.violated.empty()) << "machine " << i << ":\n" << v.messages;
    EXPECT_EQ(v.check, "") << "machine " << i;
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent) << "machine " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CorrectShm, ::testing::Values(1, 2, 3, 7, 2026));

// Processes sharing one CPU (here with the engine too). Before the engine
// was fixed every seed deadlocked ("proc2 did not finish"): a receiver whose
// sender had deregistered found the sender's last record, which it had
// already consumed, still "pending" (senders_gone counted Consumed records),
// waited on its event, and the engine's release of that record woke nobody.
// No shm property is broken by it (no transfer is lost): deadlock_free is
// the witness.
TEST_P(CorrectShm, OnOneCpuEveryRunEndsQuiescent) {
  Machine s = transfers(GetParam());
  s.cpus = 1;
  const Verdict v = judge(s);
  EXPECT_TRUE(v.violated.empty()) << v.messages;
  EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(v.check, "");
}

// The sender's CPU crashes at every 250 ns of a run: in the middle of every
// step of the flows, locks held included. All green, and the sweep does hit
// crashes with a lock held that the engine's side recovers.
TEST(CorrectShmCrashes, ACrashAnywhereLeavesEveryPropertyGreen) {
  std::uint64_t recovered = 0, crashes = 0;
  for (std::int64_t t = 1'000; t <= 16'000; t += 250) {
    const Verdict v = judge(transfers_with_crash(1, t, 0, {}, 1));
    EXPECT_TRUE(v.violated.empty()) << "crash at " << t << " ns:\n" << v.messages;
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent) << "crash at " << t << " ns";
    crashes += v.kinds["cpu.crash"];
    recovered += v.kinds["mutex.recover"];
  }
  EXPECT_EQ(crashes, 61u);
  EXPECT_GT(recovered, 0u) << "no crash hit a held lock: the sweep did not exercise recovery";
}

// The same sweep on the receiver's CPU. Before the engine was fixed, at 8 of
// these 61 crash times (the first at 3500 ns) the receiver died between its
// shm.recv and its shm.loc.consume and the engine failed that transfer after
// it was received (no_loss); now the two records are one step.
TEST(CorrectShmCrashes, ACrashOfTheReceiverAnywhereLeavesEveryPropertyGreen) {
  for (std::int64_t t = 1'000; t <= 16'000; t += 250) {
    const Verdict v = judge(transfers_with_crash(1, t, 0, {}, 2));
    EXPECT_TRUE(v.violated.empty()) << "crash at " << t << " ns:\n" << v.messages;
    EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent) << "crash at " << t << " ns";
  }
}

// Each variant alone breaks its property, and only the properties it breaks.
struct Caught {
  std::vector<std::string> properties;  // violated, in all_shm_monitors() order
  std::uint64_t seeds_caught = 0;
  std::string first_message;
};

Caught over_seeds(const std::function<Machine(std::uint64_t)>& machine, std::uint64_t seeds = 10) {
  Caught c;
  std::set<std::string> seen;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const Verdict v = judge(machine(seed));
    if (!v.violated.empty()) ++c.seeds_caught;
    if (c.first_message.empty()) c.first_message = v.messages;
    for (const std::string& p : v.violated) {
      if (seen.insert(p).second) c.properties.push_back(p);
    }
  }
  return c;
}

using Props = std::vector<std::string>;

TEST(BrokenVariantTest, SkipAdminLockIsCaughtByAdminExclusion) {
  const Caught c = over_seeds([](std::uint64_t seed) { return transfers(seed, {.skip_admin_lock = true}); });
  EXPECT_EQ(c.properties, Props{"admin_exclusion"}) << c.first_message;
  EXPECT_EQ(c.seeds_caught, 10u);
  EXPECT_NE(c.first_message.find("wrote a location record in admin memory without holding the admin lock"),
            std::string::npos)
      << c.first_message;
}

TEST(BrokenVariantTest, BlockBeforeAdminIsCaughtByLockOrderWithoutADeadlock) {
  const Verdict v = judge(transfers(1, {.block_before_admin = true}));
  EXPECT_EQ(v.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(v.violated, Props{"lock_order"}) << v.messages;
}

TEST(BrokenVariantTest, LeakOnTerminationIsCaughtByCoalescedAtEndAndCrashCleanup) {
  for (const Machine& s : {transfers(1, {.leak_on_termination = true}),
                           transfers_with_crash(1, 12'000, 0, {.leak_on_termination = true})}) {
    const Verdict v = judge(s);
    EXPECT_EQ(v.violated, (Props{"coalesced_at_end", "crash_cleanup"})) << v.messages;
  }
}

TEST(BrokenVariantTest, NoCoalesceIsCaughtByCoalescedAtEnd) {
  const Caught c = over_seeds([](std::uint64_t seed) { return transfers(seed, {.no_coalesce = true}); }, 3);
  EXPECT_EQ(c.properties, Props{"coalesced_at_end"}) << c.first_message;
  EXPECT_EQ(c.seeds_caught, 3u);
  EXPECT_NE(c.first_message.find("fully coalesced it would hold [0, +65536)"), std::string::npos) << c.first_message;
}

// The receiver snoops at its sender's block after each message; the variant's
// check lets the read through while the sender's block is still there (on
// schedules where the sender has not yet deregistered).
TEST(BrokenVariantTest, DirectAccessIsCaughtByIsolation) {
  const Caught c = over_seeds([](std::uint64_t seed) {
    return transfers(seed, {.direct_access = true}, {.pairs = 2, .sizes = {64, 1000, 4096}, .snoop = true});
  });
  EXPECT_EQ(c.properties, Props{"isolation"}) << c.first_message;
  EXPECT_GE(c.seeds_caught, 3u);
  EXPECT_NE(c.first_message.find("of the data region, in the block of 'proc"), std::string::npos) << c.first_message;
}

TEST(BrokenVariantTest, CheckThenLockIsCaughtByAdminExclusion) {
  const Caught c = over_seeds([](std::uint64_t seed) { return storm(seed, {.check_then_lock = true}); });
  EXPECT_EQ(c.properties, Props{"admin_exclusion"}) << c.first_message;
  EXPECT_GE(c.seeds_caught, 1u);
  EXPECT_NE(c.first_message.find(" holds it since "), std::string::npos) << c.first_message;
}

// Caught at the signal itself (the checklist's "whenever the engine has been
// signalled"), on every schedule, whether or not the engine then caches early.
TEST(BrokenVariantTest, SignalBeforeManagerIsCaughtByPublishedComplete) {
  const Caught c = over_seeds([](std::uint64_t seed) { return storm(seed, {.signal_before_manager = true}); }, 3);
  EXPECT_EQ(c.properties, Props{"published_complete"}) << c.first_message;
  EXPECT_EQ(c.seeds_caught, 3u);
}

// The one-shot pulse loses a wake-up on some schedules: the engine's pulse
// comes between the receiver's look at admin memory (nothing for it yet, its
// sender still there) and its wait. All at one instant (no costs), one
// transfer: the receiver then waits forever, a deadlock, which the kernel's
// deadlock_free reports; a lost grant also leaves its transfer unreceived
// (no_loss), and no other shm property is blamed. (With the processes on one
// CPU these runs used to deadlock on the engine's own bug, since fixed; that
// bug, not the pulse, was what this test saw then.) The window is narrow:
// of seeds 1 to 600, 62 and 339 deadlock; the sweep stops after the first.
TEST(BrokenVariantTest, OneShotSignalDeadlocksSomeSchedulesAndBlamesNoOtherShmProperty) {
  std::uint64_t deadlocks = 0;
  for (std::uint64_t seed = 1; seed <= 70; ++seed) {
    Machine s = transfers(seed, {.one_shot_signal = true}, {.pairs = 1, .sizes = {64}});
    s.cfg.costs = {.api_call = 0ns, .engine_op = 0ns};
    s.cfg.admin_cost = {0ns, 0};
    s.cfg.data_cost = {0ns, 0};
    const Verdict v = judge(s);
    for (const std::string& p : v.violated) EXPECT_EQ(p, "no_loss") << "seed " << seed << ": " << v.messages;
    if (v.result.outcome == sim::RunOutcome::Deadlock) ++deadlocks;
  }
  EXPECT_GT(deadlocks, 0u);
}

TEST(BrokenVariantTest, PublishBeforeWriteIsCaughtByTransferIntact) {
  const Caught c = over_seeds([](std::uint64_t seed) { return transfers(seed, {.publish_before_write = true}); }, 3);
  EXPECT_EQ(c.properties, Props{"transfer_intact"}) << c.first_message;
  EXPECT_EQ(c.seeds_caught, 3u);
  EXPECT_NE(c.first_message.find("before its payload was written"), std::string::npos) << c.first_message;
}

// The literal "destination's manager": the sender takes the destination's
// block lock (a third contender) and writes into the destination's block.
TEST(BrokenVariantTest, FillDestinationBlockIsCaughtByTwoContenders) {
  const Caught c = over_seeds([](std::uint64_t seed) { return transfers(seed, {.fill_destination_block = true}); }, 3);
  EXPECT_EQ(c.properties, (Props{"two_contenders", "isolation"})) << c.first_message;
  EXPECT_EQ(c.seeds_caught, 3u);
}

}  // namespace
}  // namespace ipcsim::model::shm

#include "model/explore/step_tracker.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ipcsim::explore {
namespace {

using sim::Access;
using sim::AccessMode;

bool has(const Footprint& f, std::uint64_t key, AccessMode mode) {
  return std::any_of(f.begin(), f.end(), [&](const Access& a) { return a.object == key && a.mode == mode; });
}

struct Feed {
  StepTracker t;
  std::uint64_t seq = 0;
  void record(std::string_view kind, sim::ActorId actor, sim::CpuId cpu, std::initializer_list<sim::Field> fields = {}) {
    sim::TraceRecord r;
    r.seq = seq++;
    r.kind = kind;
    r.actor = actor;
    r.cpu = cpu;
    r.fields = std::span<const sim::Field>(fields.begin(), fields.size());
    t.on_record(r);
  }
  Step step(sim::ActorId actor, sim::CpuId cpu, std::vector<Access> footprint) {
    sim::StepInfo info{0, {}, cpu, actor, footprint};
    Step s;
    t.on_step(info, s);
    return s;
  }
};

Feed machine() {
  Feed f;
  f.record("cpu.config", 0, 0, {{"policy", "fifo"}});
  f.record("cpu.config", 0, 1, {{"policy", "priority-preemptive"}});
  f.record("sim.spawn", 1, 0);
  f.record("sim.spawn", 2, 0);
  f.record("sim.spawn", 3, 1);
  return f;
}

TEST(StepTracker, EveryStepReadsItsHolderKeyAndADispatchWritesTheDispatchKey) {
  Feed f = machine();
  const Step plain = f.step(1, 0, {{sim::actor_key(1), AccessMode::Read}});
  EXPECT_FALSE(plain.dispatch);
  EXPECT_TRUE(has(plain.footprint, cpu_holder_key(0), AccessMode::Read));
  EXPECT_FALSE(has(plain.footprint, cpu_dispatch_key(0), AccessMode::Write));
  f.record("sim.dispatch", 2, 0);
  const Step d = f.step(2, 0, {{sim::actor_key(2), AccessMode::Read}});
  EXPECT_TRUE(d.dispatch);
  EXPECT_TRUE(has(d.footprint, cpu_dispatch_key(0), AccessMode::Write));
  EXPECT_TRUE(dependent(d.footprint, f.step(1, 0, {}).footprint) == false) << "a holder's step and a dispatch";
}

TEST(StepTracker, WakingWritesTheReadyQueueAndOnAPreemptiveCpuTheHolder) {
  Feed f = machine();
  // Actor 3 (cpu0) wakes actor 1 (cpu0, FIFO): dispatch key only.
  const Step fifo = f.step(3, 1, {{sim::actor_key(3), AccessMode::Read}, {sim::actor_key(1), AccessMode::Write}});
  EXPECT_TRUE(has(fifo.footprint, cpu_dispatch_key(0), AccessMode::Write));
  EXPECT_FALSE(has(fifo.footprint, cpu_holder_key(0), AccessMode::Write));
  // Actor 1 wakes actor 3 (cpu1, priority-preemptive): both keys, preemption or not.
  const Step pre = f.step(1, 0, {{sim::actor_key(1), AccessMode::Read}, {sim::actor_key(3), AccessMode::Write}});
  EXPECT_TRUE(has(pre.footprint, cpu_dispatch_key(1), AccessMode::Write));
  EXPECT_TRUE(has(pre.footprint, cpu_holder_key(1), AccessMode::Write));
  // So it is dependent with any step of cpu1's holder.
  EXPECT_TRUE(dependent(pre.footprint, f.step(3, 1, {}).footprint));
}

TEST(StepTracker, PreemptRecordsAndUnknownActorsAreConservative) {
  Feed f = machine();
  f.record("sim.preempt", 2, 0);
  const Step s = f.step(3, 1, {});
  EXPECT_TRUE(has(s.footprint, cpu_holder_key(0), AccessMode::Write));
  EXPECT_TRUE(has(s.footprint, cpu_dispatch_key(0), AccessMode::Write));
  // Records are consumed by the step they precede.
  EXPECT_FALSE(has(f.step(3, 1, {}).footprint, cpu_holder_key(0), AccessMode::Write));
  // An actor never seen spawned may be on any CPU.
  const Step u = f.step(1, 0, {{sim::actor_key(42), AccessMode::Write}});
  EXPECT_TRUE(has(u.footprint, cpu_dispatch_key(0), AccessMode::Write));
  EXPECT_TRUE(has(u.footprint, cpu_dispatch_key(1), AccessMode::Write));
}

TEST(StepTracker, YieldIsNoted) {
  Feed f = machine();
  f.record("sim.yield", 1, 0);
  EXPECT_TRUE(f.step(1, 0, {}).yielded);
  EXPECT_FALSE(f.step(1, 0, {}).yielded);
}

// Woken or spawned by a step of its own actor: that step enables the
// other actor's next (or first) step, so Optimal-DPOR does not take the
// pair for a race (select/pipe_ends_epipe: the root spawns the reader).
TEST(StepTracker, ActorsWokenOrSpawnedByTheStepAreListed) {
  Feed f = machine();
  f.record("sim.wake", 2, 0, {{"by", std::uint64_t{1}}});
  f.record("sim.spawn", 4, 1, {{"parent", std::uint64_t{1}}});
  f.record("sim.wake", 3, 1, {{"by", std::uint64_t{0}}});  // a timer's: no actor's step
  EXPECT_EQ(f.step(1, 0, {}).woke, (std::vector<sim::ActorId>{2, 4}));
  f.record("sim.spawn", 5, 1, {{"parent", std::uint64_t{0}}});  // before the run: no step
  EXPECT_TRUE(f.step(1, 0, {}).woke.empty());
}

}  // namespace
}  // namespace ipcsim::explore

// Steps as the explorer sees them: the kernel's footprint plus what the kernel
// does not record but a reordering can change, the contention for CPUs.
//
// Two steps are dependent when their footprints conflict (sim::conflicts: a
// common object, one writes). The kernel records objects and the enabling
// relation (a wake or spawn writes the woken actor's key; each step reads its
// own). What it does not record is who gets a CPU, which on this kernel decides
// when the losers run at all. So the tracker adds two keys per CPU:
//  - dispatch key D(c): written by a step that takes CPU c from its ready queue
//    (a "sim.dispatch" record just before the step), by a step that makes an
//    actor of CPU c ready (it writes that actor's key: wake, spawn, kill), and
//    by a step during which c saw a preemption or a priority change
//    ("sim.preempt", "sim.priority"). Two dispatches on one CPU are thus
//    dependent: whoever is dispatched first holds the CPU and the other waits.
//  - holder key H(c): read by every step of an actor on CPU c; written, when c
//    is priority-preemptive, by every step that makes an actor of c ready, and
//    with "sim.preempt"/"sim.priority" as above. A wake may preempt c's holder
//    or, if the holder went on first and finished, not: the key is written
//    either way, because a dependence seen only in one order (the order where
//    the preemption happens) is one DPOR never sees in the other order, and
//    then it never reverses it.
// A step that continues on a CPU it already holds touches neither of the
// dispatch keys, so a holder's steps and another dispatch on the same CPU (which
// cannot be candidates together anyway) do not hide the race between the two
// dispatches (the lock-acquire/acquire race of DPOR for mutexes, in CPU form).
//
// Records seen between two steps are attributed to the next step: records of
// events (timers) then add conservative dependences, never miss one.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/footprint.hpp"
#include "sim/trace.hpp"

namespace ipcsim::explore {

using Footprint = std::vector<sim::Access>;

// Footprint keys of CPUs, apart from object ids (32 bits), actor keys (bit 63)
// and the World's generator (bit 62: it was cpu0's dispatch key once, so every
// random draw raced with cpu0's dispatches for nothing).
inline constexpr std::uint64_t kCpuKeyBit = 1ULL << 61;
constexpr std::uint64_t cpu_dispatch_key(sim::CpuId c) { return kCpuKeyBit | (static_cast<std::uint64_t>(c) << 1); }
constexpr std::uint64_t cpu_holder_key(sim::CpuId c) { return kCpuKeyBit | (static_cast<std::uint64_t>(c) << 1) | 1; }
static_assert(cpu_dispatch_key(0) != sim::kWorldRngKey && cpu_holder_key(0) != sim::kWorldRngKey &&
              (kCpuKeyBit & sim::kWorldRngKey) == 0 && (kCpuKeyBit & sim::actor_key(0)) == 0);
constexpr bool is_actor_key(std::uint64_t key) { return (key >> 63) != 0; }
constexpr sim::ActorId actor_of_key(std::uint64_t key) { return key & ~(1ULL << 63); }

// True when some access of `a` conflicts with some access of `b`.
bool dependent(std::span<const sim::Access> a, std::span<const sim::Access> b);

struct Step {
  sim::ActorId actor = sim::kNoActor;
  sim::CpuId cpu = sim::kNoCpu;
  bool dispatch = false;  // took its CPU from the ready queue
  bool yielded = false;   // its op was a yield: the next pick of another actor is no preemption
  Footprint footprint;    // the kernel's accesses, then the CPU keys
  // Actors this step woke itself (a "sim.wake" record by its own actor: an
  // unlock granting a mutex, a signal, a send to a blocked receiver) or
  // spawned (a "sim.spawn" record whose parent is its actor). Their next
  // steps are enabled by this one and cannot come before it.
  std::vector<sim::ActorId> woke;
};

class StepTracker {
 public:
  void on_record(const sim::TraceRecord& r);
  // The step just taken, with the records seen since the previous one.
  void on_step(const sim::StepInfo& info, Step& out);
  sim::CpuId cpu_of(sim::ActorId actor) const;
  bool preemptive(sim::CpuId c) const;

 private:
  void write_cpu(Footprint& f, sim::CpuId c, bool holder_too) const;
  std::vector<sim::CpuId> actor_cpu_;  // by ActorId (ids are dense from 1)
  std::vector<bool> preemptive_;       // by CpuId
  sim::CpuId cpu_count_ = 0;
  sim::ActorId pending_dispatch_ = sim::kNoActor;
  sim::ActorId pending_yield_ = sim::kNoActor;
  std::vector<sim::CpuId> pending_preempted_;
  std::vector<sim::ActorId> pending_woken_;  // (woken, by) pairs flattened: sim.wake records since the last step
};

}  // namespace ipcsim::explore

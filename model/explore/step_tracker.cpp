#include "model/explore/step_tracker.hpp"

#include <algorithm>

#include "sim/check.hpp"
#include "sim/world.hpp"  // to_string(RunPolicy): the policy names in cpu.config records

namespace ipcsim::explore {

bool dependent(std::span<const sim::Access> a, std::span<const sim::Access> b) {
  for (const sim::Access& x : a) {
    for (const sim::Access& y : b) {
      if (sim::conflicts(x, y)) return true;
    }
  }
  return false;
}

void StepTracker::on_record(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "sim.spawn") {
    IPCSIM_ASSERT(r.actor != sim::kNoActor && r.cpu != sim::kNoCpu);
    if (actor_cpu_.size() <= r.actor) actor_cpu_.resize(r.actor + 1, sim::kNoCpu);
    actor_cpu_[r.actor] = r.cpu;
    // Spawned by an actor's step: like a wake by it, that step enables the
    // new actor's first step, which can come in no order before it.
    const sim::FieldValue* parent = r.field("parent");
    if (parent != nullptr && parent->as_int() != 0) {
      pending_woken_.push_back(r.actor);
      pending_woken_.push_back(static_cast<sim::ActorId>(parent->as_int()));
    }
  } else if (k == "cpu.config") {
    cpu_count_ = std::max<sim::CpuId>(cpu_count_, r.cpu + 1);
    if (preemptive_.size() <= r.cpu) preemptive_.resize(r.cpu + 1, false);
    const sim::FieldValue* policy = r.field("policy");
    preemptive_[r.cpu] = policy != nullptr && policy->s == sim::to_string(sim::RunPolicy::PriorityPreemptive);
  } else if (k == "sim.dispatch") {
    pending_dispatch_ = r.actor;
  } else if (k == "sim.wake") {
    const sim::FieldValue* by = r.field("by");
    if (by != nullptr && r.actor != sim::kNoActor) {
      pending_woken_.push_back(r.actor);
      pending_woken_.push_back(static_cast<sim::ActorId>(by->type == sim::FieldValue::Type::Uint ? by->u : by->i));
    }
  } else if (k == "sim.yield") {
    pending_yield_ = r.actor;
  } else if (k == "sim.preempt" || k == "sim.priority") {
    if (r.cpu != sim::kNoCpu) pending_preempted_.push_back(r.cpu);
  }
}

bool StepTracker::preemptive(sim::CpuId c) const {
  // Unknown: assume the worst.
  return c >= preemptive_.size() || preemptive_[c];
}

sim::CpuId StepTracker::cpu_of(sim::ActorId actor) const {
  return actor < actor_cpu_.size() ? actor_cpu_[actor] : sim::kNoCpu;
}

void StepTracker::write_cpu(Footprint& f, sim::CpuId c, bool holder_too) const {
  if (c == sim::kNoCpu) {
    // An actor we never saw spawned: be conservative, it may be on any CPU.
    for (sim::CpuId k = 0; k < cpu_count_; ++k) write_cpu(f, k, holder_too);
    return;
  }
  f.push_back(sim::Access{cpu_dispatch_key(c), sim::AccessMode::Write});
  if (holder_too) f.push_back(sim::Access{cpu_holder_key(c), sim::AccessMode::Write});
}

namespace {

// Sorts a footprint and merges the accesses of one object in one mode whose
// byte ranges overlap or touch (a whole-object access swallows the ranges):
// the same bytes, so the same conflicts, in fewer entries. A step that walks
// a list in shared memory touches the same words again and again, and every
// later step compares its accesses with these (happens_before.hpp).
void normalize(Footprint& f) {
  std::sort(f.begin(), f.end(), [](const sim::Access& a, const sim::Access& b) {
    if (a.object != b.object) return a.object < b.object;
    if (a.mode != b.mode) return a.mode < b.mode;
    if (a.whole() != b.whole()) return a.whole();  // the whole object first
    if (a.lo != b.lo) return a.lo < b.lo;
    return a.hi < b.hi;
  });
  std::size_t out = 0;
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (out > 0) {
      sim::Access& last = f[out - 1];
      if (last.object == f[k].object && last.mode == f[k].mode) {
        if (last.whole()) continue;
        if (f[k].lo <= last.hi) {
          last.hi = std::max(last.hi, f[k].hi);
          continue;
        }
      }
    }
    f[out++] = f[k];
  }
  f.resize(out);
}

}  // namespace

void StepTracker::on_step(const sim::StepInfo& info, Step& out) {
  IPCSIM_ASSERT(info.actor != sim::kNoActor && info.cpu != sim::kNoCpu);
  out.actor = info.actor;
  out.cpu = info.cpu;
  out.dispatch = pending_dispatch_ == info.actor;
  out.yielded = pending_yield_ == info.actor;
  out.footprint.assign(info.footprint.begin(), info.footprint.end());
  out.footprint.push_back(sim::Access{cpu_holder_key(info.cpu), sim::AccessMode::Read});
  if (out.dispatch) out.footprint.push_back(sim::Access{cpu_dispatch_key(info.cpu), sim::AccessMode::Write});
  for (const sim::Access& a : info.footprint) {
    // Waking, spawning or killing another actor changes its CPU's ready queue,
    // and on a priority-preemptive CPU may preempt its holder: whether it does
    // in this run or not (the holder may have finished already), so that the
    // dependence is the same in both orders.
    if (is_actor_key(a.object) && a.mode == sim::AccessMode::Write && actor_of_key(a.object) != info.actor) {
      const sim::CpuId c = cpu_of(actor_of_key(a.object));
      write_cpu(out.footprint, c, preemptive(c));
    }
  }
  for (sim::CpuId c : pending_preempted_) write_cpu(out.footprint, c, true);
  normalize(out.footprint);
  out.woke.clear();
  for (std::size_t k = 0; k + 1 < pending_woken_.size(); k += 2) {
    if (pending_woken_[k + 1] == info.actor) out.woke.push_back(pending_woken_[k]);
  }
  pending_woken_.clear();
  pending_dispatch_ = sim::kNoActor;
  pending_yield_ = sim::kNoActor;
  pending_preempted_.clear();
}

}  // namespace ipcsim::explore

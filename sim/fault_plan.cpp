#include "sim/fault_plan.hpp"

#include "sim/bus.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

const char* to_string(FaultType t) {
  switch (t) {
    case FaultType::CrashCpu: return "crash";
    case FaultType::RestartCpu: return "restart";
    case FaultType::KillActor: return "kill";
    case FaultType::Partition: return "partition";
    case FaultType::Heal: return "heal";
  }
  return "?";
}

namespace {
ChoiceKind choice_kind(FaultType t) {
  switch (t) {
    case FaultType::CrashCpu: return ChoiceKind::FaultCrash;
    case FaultType::RestartCpu: return ChoiceKind::FaultRestart;
    case FaultType::KillActor: return ChoiceKind::FaultKill;
    case FaultType::Partition: return ChoiceKind::FaultPartition;
    case FaultType::Heal: return ChoiceKind::FaultPartition;
  }
  return ChoiceKind::FaultCrash;
}
}  // namespace

void FaultPlan::install(World& world) {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FaultSpec& s = specs_[i];
    IPCSIM_ASSERT(s.every >= Duration{0});
    // Periodic fault points are daemon events: they never keep a finished run alive.
    world.at(s.at, &FaultPlan::on_fault_point, this, i, /*daemon=*/s.every > Duration{0});
  }
}

void FaultPlan::on_fault_point(World& w, void* plan, std::uint64_t index) {
  auto* self = static_cast<FaultPlan*>(plan);
  const FaultSpec& s = self->specs_[index];
  // Heal is the end of a partition, not a fault of its own: it always happens.
  bool fire = s.type == FaultType::Heal;
  // A fault that could not do anything here asks no question of the chooser.
  bool applicable = true;
  if (s.type == FaultType::KillActor) applicable = w.find_by_name(s.actor).valid();
  if (s.type == FaultType::CrashCpu) applicable = w.cpu(s.cpu).up();
  if (s.type == FaultType::RestartCpu) applicable = !w.cpu(s.cpu).up();
  if (!fire && applicable) fire = w.fault_point(choice_kind(s.type), s.ppm);
  if (fire) self->fire(w, s);
  if (s.every > Duration{0} && w.now() + s.every <= s.until) {
    w.at(w.now() + s.every, &FaultPlan::on_fault_point, plan, index, /*daemon=*/true);
  }
}

void FaultPlan::on_restart(World& w, void*, std::uint64_t cpu) { w.restart(w.cpu(static_cast<CpuId>(cpu))); }

void FaultPlan::fire(World& w, const FaultSpec& s) {
  switch (s.type) {
    case FaultType::CrashCpu: {
      Cpu& c = w.cpu(s.cpu);
      if (!c.up()) return;
      w.crash(c);
      if (s.restart_after > Duration{0}) w.at(w.now() + s.restart_after, &FaultPlan::on_restart, this, s.cpu);
      return;
    }
    case FaultType::RestartCpu: w.restart(w.cpu(s.cpu)); return;
    case FaultType::KillActor: w.kill(w.find_by_name(s.actor), "fault"); return;
    case FaultType::Partition: w.bus(s.bus).partition(s.groups); return;
    case FaultType::Heal: w.bus(s.bus).heal(); return;
  }
}

}  // namespace ipcsim::sim

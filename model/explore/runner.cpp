#include "model/explore/runner.hpp"

#include <algorithm>

#include "sim/check.hpp"

namespace ipcsim::explore {
namespace {

class ChoiceRecorder final : public sim::Observer {
 public:
  void on_choice(const sim::ChoicePoint& p, std::uint32_t value) override {
    choices.push_back(sim::ChoiceRecord{p.kind, p.n, value});
  }
  void on_step(const sim::StepInfo&) override { ++steps; }
  sim::ChoiceList choices;
  std::uint64_t steps = 0;
};

// Keeps the earlier of two violations (by trace position).
void keep_first(std::optional<model::Violation>& current, const std::optional<model::Violation>& candidate) {
  if (!candidate) return;
  if (!current || candidate->record_seq < current->record_seq) current = candidate;
}

}  // namespace

Outcome run_once(Program& program, sim::Chooser& chooser, const RunSettings& settings,
                 const std::vector<sim::Observer*>& extra_observers, std::uint64_t run_index,
                 const std::function<void(RunContext&)>& before_run) {
  ChoiceRecorder recorder;
  std::optional<LockOrderMonitor> lockdep;
  std::vector<sim::Observer*> observers = extra_observers;
  observers.push_back(&recorder);
  if (settings.lock_order != nullptr) observers.push_back(&lockdep.emplace(*settings.lock_order, run_index));
  observers.insert(observers.end(), settings.observers.begin(), settings.observers.end());

  RunContext cx(chooser, std::move(observers), settings.seed, settings.limits, settings.max_faults);
  if (before_run) before_run(cx);
  Outcome out;
  std::optional<std::string> usage_error;
  try {
    out.execution = program.run(cx);
  } catch (const sim::UsageError& e) {
    usage_error = e.what();
    out.execution.run.outcome = sim::RunOutcome::Stopped;
  }
  cx.unbind();  // the program's World is gone

  out.choices = std::move(recorder.choices);
  out.steps = recorder.steps;
  out.execution.run.steps = std::max(out.execution.run.steps, out.steps);
  out.violation = out.execution.violation;
  if (lockdep) keep_first(out.violation, lockdep->violation());
  if (usage_error) {
    keep_first(out.violation, model::Violation{kNoUsageError, UINT64_MAX, {}, *usage_error});
  } else if (settings.deadlock_is_violation && out.execution.run.outcome == sim::RunOutcome::Deadlock) {
    const auto& d = out.execution.run.deadlock;
    keep_first(out.violation, model::Violation{kDeadlockFree, UINT64_MAX, out.execution.run.end_time,
                                               d ? d->text : std::string("deadlock")});
  }
  return out;
}

}  // namespace ipcsim::explore

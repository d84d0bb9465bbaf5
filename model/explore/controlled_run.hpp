// One run under the explorer's control (internal to model/explore).
//
// ControlledRun is both the run's Chooser and one of its Observers. As the
// chooser it replays the DFS prefix (the choice points already on the stack)
// and decides new choice points: the actor that went last if it may go on,
// else the first candidate not asleep and within the preemption bound;
// "0" (no fault, first message) for other kinds. As the observer it turns each
// step into a Step with its footprint (step_tracker.hpp), keeps the sleep set,
// notices when the run has become redundant, and, with DPOR, adds each new
// race's reversal to the backtrack set of the choice point before its first
// step (Source-DPOR), with the fall-backs explained at analyse().
//
// One ControlledRun serves a whole search, run after run (start_run()). Its
// per-step books (happens-before, footprints, dispatches, instants, ...) are
// kept from one run to the next: the next run of a stateless DFS replays the
// previous one up to the choice point it branches at, so the books of that
// prefix are the same. They are truncated there, and a replayed step is only
// checked against them (same actor, same footprint, same choice point).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/explore/happens_before.hpp"
#include "model/explore/search_state.hpp"
#include "model/explore/step_tracker.hpp"

namespace ipcsim::explore::detail {

// Steps a fall-back visits per race (ControlledRun::fall_back): bounds its cost
// on long runs; a fall-back that hits it is counted (fallbacks_exhausted).
inline constexpr std::size_t kFallbackSteps = 256;

class ControlledRun final : public sim::Chooser, public sim::Observer {
 public:
  explicit ControlledRun(SearchState& s) : s_(s), dpor_(s.dpor()), optimal_(s.optimal()) {}

  // Before each run: forgets the previous run, keeping its books up to the
  // choice point the coming run branches at (s.branch).
  void start_run();
  void set_context(RunContext& cx) { cx_ = &cx; }
  // This run only walks a prefix owned by another shard: stop at the split.
  void skip_subtree() { skip_ = true; }
  bool redundant() const { return redundant_; }
  // Ended where every candidate not asleep was over the preemption bound.
  bool preemption_cut() const { return preemption_cut_; }
  // Ended early, by the sleep set or the preemption bound: not a final state.
  bool cut_short() const { return redundant_ || preemption_cut_ || skipped_; }
  bool depth_bounded() const { return depth_bounded_; }
  const std::string& error() const { return error_; }
  std::size_t nodes_reached() const { return next_node_; }

  bool wants_footprints() const override { return true; }

  void on_record(const sim::TraceRecord& r) override {
    tracker_.on_record(r);
    if (optimal_ && r.actor != sim::kNoActor && (r.kind == "sim.wake" || r.kind == "sim.spawn")) {
      if (woken_at_.size() <= r.actor) woken_at_.resize(r.actor + 1, -1);
      woken_at_[r.actor] = sim::to_ns(r.time);
    }
    if (optimal_ && r.actor != sim::kNoActor && r.kind == "sim.sleep") {
      // Its own step puts it to sleep until then: its next step cannot come sooner.
      const sim::FieldValue* until = r.field("until");
      if (until != nullptr) {
        sleeping_until_ = until->type == sim::FieldValue::Type::Int ? until->i : static_cast<std::int64_t>(until->u);
      }
    }
  }

  std::uint32_t choose(const sim::ChoicePoint& point) override;
  void on_step(const sim::StepInfo& info) override;

 private:
  // The answer once the run no longer matters (redundant, failed, past the
  // depth bound): the actor that went last if it can, else 0.
  std::uint32_t fallback(const sim::ChoicePoint& point);
  // The program did not replay its prefix: remember why, end the run.
  void fail(std::string message);
  std::string who(sim::ActorId actor) const;
  void become_redundant();

  void become_preemption_cut();
  // A choice point already on the stack: answer its current value.
  std::uint32_t replay(std::size_t idx, const sim::ChoicePoint& point);
  // A new choice point: push it with the default answer.
  std::uint32_t decide(const sim::ChoicePoint& point);

  // Records the step just taken in the books (or, for a step of the kept
  // prefix, checks it against them), then reverses its races at the choice
  // point before their first step (Source-DPOR). Races whose later step
  // replays an older run were handled in that run.
  void analyse(std::int64_t node_index, std::int64_t time_ns);
  // The kept books' step k is the step just taken: same actor, choice point
  // and footprint, or the program did not replay its prefix.
  bool matches_kept(std::size_t k, std::int64_t node_index) const;

  enum class Reversal : std::uint8_t { Covered, Added, OverBound, Impossible };

  // Source-DPOR's step for the race (i, j): make sure some initial of
  // notdep(i, E).j is explored at the choice point before i.
  // `fall_back`: called by fall_back(), which keeps Source-DPOR's coverage
  // test (by actor) in Optimal mode too, then Optimal-DPOR's.
  Reversal reverse(std::size_t i, std::size_t j, bool fall_back = false);

  // Breadth-first over i's direct predecessors (of actors other than j's),
  // until a reversal is covered or added on every path, within a budget.
  struct FallBack {
    bool any = false;         // some path covered or added a reversal
    bool over_bound = false;  // some reversal was refused by the preemption bound
    bool exhausted = false;   // the budget ran out with paths left open
  };
  FallBack fall_back(std::size_t i, std::size_t j);

  // j's actor may have been a candidate before i and lost its CPU to others
  // (priorities, a holder that kept it): then only the schedule, not time,
  // put j after i, even when j came at a later instant. Tries the reversal at
  // the latest choice point before i, since that actor's previous step, where
  // it was a candidate (Flanagan and Godefroid's fall-back when the racing
  // process is not enabled at the race). `exhausted`: the scan hit its budget.
  Reversal where_it_waited(std::size_t i, std::size_t j, bool& exhausted);
  // j's actor was no candidate at the choice point before i, so the
  // reversal found there (through another initial of v) cannot put j before
  // i: where_it_waited() is asked too.
  bool waited_elsewhere(std::size_t i, std::size_t j) const;

  // Optimal-DPOR: the reversal of the race (i, j) as a sequence to follow
  // from the choice point before i, v = notdep(i, E).j, as this run's step
  // indices in its order (also notes in chain_cpus_ the CPUs of i and of the
  // steps after i left out of v).
  // False when j itself comes after i that way: no reversal to make.
  bool reversal_steps(std::size_t i, std::size_t j, std::vector<std::size_t>& v);
  // Moves the first step of `first` (an initial of v, a candidate where v is
  // to start) to the front of v.
  void put_first(std::vector<std::size_t>& v, sim::ActorId first) const;
  std::span<const sim::Access> footprint_of(std::size_t step) const;
  WakeupStep wakeup_step(std::size_t step) const;
  // Optimal-DPOR's test: an actor asleep or explored at `node` is a weak
  // initial of v, so v's class is explored from there already.
  // `now_ns`: the instant of the choice point; v as reversal_steps() gives it.
  // `fall_back`: v comes from a fall-back (see the chosen actor's case).
  bool asleep_or_done_initial(const Node& node, std::int64_t now_ns, const std::vector<std::size_t>& v,
                              bool fall_back = false) const;
  // Puts v in the node's wakeup tree. `walk`: Optimal-DPOR's insert (Covered
  // when a leaf already stands for v); else (fall-backs) as a branch of its own.
  Reversal insert_reversal(Node& node, WakeupSequence v, bool walk);
  // Optimal-DPOR at a new schedule choice point: the first root of the
  // followed forest that may run here, or none; the other roots become the
  // node's wakeup tree.
  std::optional<std::uint32_t> follow_at(Node& node, const std::function<bool(sim::ActorId)>& allowed);

  SearchState& s_;
  const bool dpor_;
  const bool optimal_;
  // Optimal-DPOR: the sequences this run follows from here on (the subtree
  // of the wakeup tree it took); consumed step by step, empty once the run is
  // on its own.
  WakeupForest follow_;
  // The books, kept across runs (start_run()). Per step, with DPOR:
  // footprints (one array, footprint_end_[k] is where step k's ends); then
  // Optimal-DPOR only: dispatches, wakes.
  std::vector<sim::Access> footprints_;
  std::vector<std::size_t> footprint_end_;
  std::vector<bool> step_dispatch_;        // per step, Optimal-DPOR only
  std::vector<std::int64_t> step_woken_;   // per step: when its actor was woken since its previous step, or -1
  std::vector<std::size_t> woken_by_;     // by actor: the step that woke it since its last step, or SIZE_MAX
  std::vector<std::int64_t> slept_until_;  // by actor: the end of the sleep its last step began, or -1
  std::int64_t sleeping_until_ = -1;         // a sim.sleep record of the coming step, or -1
  std::vector<std::int64_t> woken_at_;     // by actor: its last wake since its last step (ns), or -1
  std::vector<std::size_t> v_steps_;       // scratch: a reversal's steps
  std::vector<std::uint32_t> after_mark_;  // reversal_steps(), by step: after_epoch_ when found after i
  std::uint32_t after_epoch_ = 0;
  std::vector<sim::CpuId> chain_cpus_;     // reversal_sequence(): CPUs of i and of the steps after i left out of v
  RunContext* cx_ = nullptr;
  std::size_t next_node_ = 0;
  std::int64_t pending_node_ = -1;  // the schedule node whose step comes next
  std::vector<SleepEntry> sleep_;
  std::vector<SleepEntry> node_sleep_;  // sleep set at the pending node, its done entries included
  sim::ActorId last_actor_ = sim::kNoActor;
  bool last_yielded_ = false;
  std::uint32_t preemptions_ = 0;
  bool redundant_ = false;
  bool preemption_cut_ = false;
  bool depth_bounded_ = false;
  bool skip_ = false;
  bool skipped_ = false;
  std::string error_;
  std::size_t first_new_step_ = SIZE_MAX;
  std::size_t steps_seen_ = 0;  // steps of this run analysed so far
  StepTracker tracker_;
  Step step_;
  HappensBefore hb_;
  std::vector<std::int64_t> step_node_;  // per step: its schedule node, or -1
  std::vector<std::size_t> node_steps_;   // the steps that have a schedule node, in order
  // A dispatch, and the latest dispatch of the same CPU before it by another
  // actor (SIZE_MAX: none): an actor dispatched again and again on a CPU of
  // its own (an agent's pings) finds its race without a walk back.
  struct Dispatch {
    std::size_t step = 0;
    std::size_t other_before = SIZE_MAX;
  };
  std::vector<std::vector<Dispatch>> dispatches_;  // per CPU: its dispatches, in order
  std::vector<std::int64_t> step_time_;                // per step: its instant (ns)
  std::vector<std::size_t> races_;
  std::vector<sim::ActorId> initials_;
  std::vector<sim::ActorId> scratch_;
  std::vector<std::size_t> fallback_queue_;
  std::vector<std::size_t> fallback_seen_;
};

}  // namespace ipcsim::explore::detail

// Exhaustive exploration: stateless depth-first search over choice lists, with
// dynamic partial-order reduction over schedule choices.
//
// The explorer runs a Program again and again from scratch. Each run replays
// the choices of the path taken so far (a prefix of the DFS stack) and then
// decides new choice points itself; after the run it backtracks to the deepest
// choice point with an alternative left and runs again, until none is left.
//
//   Program& p = ...;
//   ExploreReport r = exhaustive(p, {.dpor = DporMode::Optimal, .max_depth = 200});
//   if (r.counterexample) {
//     sim::ReplayChooser replay(r.counterexample->choices);   // strict: reproduces it exactly
//     run_once(p, replay, {.seed = r.counterexample->seed});
//   }
//   std::cout << r.summary();       // counts, then coverage(): complete / under assumptions / inconclusive
//
// What is explored:
//  - Schedule choices (which candidate actor steps next). Without DPOR every
//    candidate; with DPOR only those needed to cover every Mazurkiewicz trace
//    (below).
//  - Every other choice (MessageOrder, DelayAmount, and each fault point with
//    both answers, "no fault" first) exhaustively, without reduction. Fault
//    points stop asking once the run's fault budget (WorldConfig::max_faults,
//    see RunContext::max_faults) is spent, so the budget bounds that part.
//  - Bounds: max_depth limits the choice points per run the search branches on
//    (a run goes on past it with default answers and counts as depth-bounded);
//    max_preemptions limits preemptions per run. A preemption is a Schedule
//    choice that picks an actor other than the one that took the previous step
//    while that actor is still a candidate and did not just yield, i.e. a
//    switch away from an actor that could have gone on. Switches forced by
//    blocking, sleeping, computing, finishing or yielding are free.
//
// DPOR (source sets and sleep sets, Abdulla et al., "Optimal Dynamic Partial
// Order Reduction", POPL 2014, Algorithm 1 "Source-DPOR"): two steps are
// dependent when their footprints conflict, including the CPU keys of
// step_tracker.hpp. For each race i <. j found in a run, the explorer computes
// the initials of v = notdep(i, E).j and, unless one of them is already in the
// backtrack set or the sleep set at the choice point before step i, adds one
// that was a candidate there. A race cannot be reversed there when step i had
// no choice point (it was the only candidate) or none of the initials was a
// candidate at it: under virtual time, actors are co-enabled only when they are
// candidates at the same choice point. Then (controlled_run.hpp) the reversal
// is tried at i's causes of the same instant, and at the latest choice point
// before i where j's actor was a candidate since its previous step: an actor
// that lost its CPU there (to a higher priority, say a receiver raised to its
// message's priority) steps later, maybe at a later instant, only because of
// who was scheduled. Without that fall-back DPOR missed final states of small
// priority-pass chains (cli/scenario/dpor_vs_plain_test.cpp). The second
// fall-back is also asked when the reversal at i succeeded but j's actor was
// no candidate there: an initial of v that is another actor (independent of
// everything, say) reverses nothing of this race, and Optimal-DPOR's "could
// only block" verdict there says only that the choice point is the wrong one
// (DPOR missed a final state of a random program, dpor_soundness_test.cpp). Sleep sets carry the footprint of each
// sleeping actor's next step; a run in which every candidate sleeps is
// redundant ("blocked by its sleep set", ExploreReport::redundant) and ends
// early (when the Program bound its World).
//
// Optimal-DPOR (DporMode::Optimal, the default, `check --dpor optimal`; same
// paper, Algorithm 2, wakeup trees in wakeup_tree.hpp). Source-DPOR keeps one
// initial of a reversal v; the run after it goes its own way and may end
// blocked. Optimal-DPOR keeps v itself in the wakeup tree of the choice point
// before i, unless an actor asleep or explored there is a weak initial of v
// (then v's class is explored under it) or a leaf of the tree already stands
// for v. A run that takes a branch of a wakeup tree follows its subtree: at
// choice points it schedules the subtree's first root that is a candidate,
// awake and within the bound (the other roots become that point's own wakeup
// tree); a step taken without a choice point descends into the root of its
// actor, if any; fault, delay and message-order points pass the same subtree
// to each of their answers. The textbook guarantee (no run blocked by its
// sleep set) rests on events whose footprints do not depend on the order;
// on this kernel a step's footprint does (a lock that acquires in one order
// blocks in the other, a dispatch in one order is a continuation on a CPU
// already held in the other), so the reversals are judged with what the
// kernel makes certain. Each adaptation keeps the search sound (the
// differential sweep of dpor_soundness_test.cpp checks every mode against
// plain search, and asserts that Optimal-DPOR blocks no run there):
//  - A step that wakes an actor (an unlock granting the mutex, a signal) or
//    spawns one enables that actor's next (or first) step: the pair is
//    ordered by causality and is no race to reverse (the blocking op's own
//    race is reversed instead).
//  - CPUs are held like locks whose release footprints leave out: when step
//    i took no CPU (its actor held it), another actor's dispatch there with
//    only i's actor on it since comes after i, so it and what follows from
//    it are left out of v; when j itself needs that CPU, (i, j) is no race
//    to reverse there (the dispatches' own race is).
//  - "Is p a weak initial of v" is asked with the footprint p's sleep entry
//    carries, the one that decides whether a step of v wakes it: p stays
//    asleep until its own step (the run would block) or through v (v's
//    class is explored under p). While p is ready, an actor of p's CPU that
//    was no candidate there cannot step before p (p holds the CPU or is
//    ahead of it in the ready queue until a step that would wake p changes
//    that), and time orders steps that footprints call independent: p steps
//    before any step of a later instant. v's first step of a later instant
//    surely cannot come sooner when it took no CPU (its actor's compute
//    ended), when its actor was woken by an event at a later instant (a
//    timeout) or ends a sleep its own previous step began, or when its
//    actor, no candidate there, waited for a CPU that neither i nor the
//    steps after i ran on. If an entry asleep or explored there, or step
//    i's own actor, would still sleep at that step, following v could only
//    block: the reversal is counted as covered.
//  - v is judged in the order the run would follow it: the initial that is a
//    candidate there first, the rest as in the run.
//  - Sequences that cannot be followed (the next actor is no candidate, or
//    asleep) are dropped and the run goes on as Source-DPOR would from a new
//    choice point. The fall-back reversals (i's causes of the same instant,
//    where j's actor waited) pass Source-DPOR's coverage test by actor, then
//    Optimal-DPOR's (the actor chosen at their choice point, independent of
//    all of v, is a weak initial of it), and add their sequence as a branch
//    of its own; when j comes after that earlier step through the steps
//    after it (j's actor woken by one of them), the sequence is v without j,
//    what a run can follow from there.
// What is still order-dependent and not caught shows as a blocked run:
// none on the bundled scenarios or the ctest sweep; 3 runs in 2 of 1,989
// further random programs, 3 in 3 of 1,478 more and 2 in 2 of 1,105 more
// (the kinds looked at: a gate operation that wakes an actor in one order
// and no one in the other; a v holding a dispatch onto a CPU whose holder,
// an actor of v, keeps it through steps left out of v; README.md).
//
// What a search covered (ExploreReport::coverage()). A search ends
// exhausted, at the first violation, or at a budget (max_executions, the
// wall-clock time_limit_seconds, which may only stop a search and never steer
// it). It is complete when it was exhausted and no run reached max_depth or the
// step limit; otherwise, unless it found a violation, it is inconclusive and
// says which budget it hit. A complete search still rests on assumptions, each
// counted in the report and named by assumptions() whenever it is non-zero:
//  - a preemption bound that refused something (alternatives skipped, race
//    reversals refused, runs cut because every candidate awake was over the
//    bound, which the cost model above makes impossible today: the actor that
//    went last never sleeps and never costs a preemption);
//  - fault points not asked because their run had spent its fault budget;
//  - runs that ended at the program's horizon (RunLimits::horizon) with
//    events still pending: what would come after it is not explored;
//  - races DPOR could not reverse within an instant (irreversible_races), races
//    across instants left as time ordered them (cross_instant_races), and
//    fall-backs that hit their budget of kFallbackSteps steps with paths open;
//  - with DPOR, events that fired outside steps (below).
//
// Soundness caveats (named in the report when they applied):
//  - Events (timers, bus arrivals, timeouts, scheduled faults) are not steps;
//    their effects are assumed to touch only what the step that scheduled them
//    touched, or the actor they wake. The kernel's primitives are written so
//    (a send touches its port; a blocking op touches the object it times out on).
//    Plain search does not depend on this: it tries every order regardless.
//  - With max_preemptions and DPOR together, coverage of all runs within the
//    bound is not guaranteed (a known interaction, Coons et al. OOPSLA 2013);
//    without DPOR the bound is exact.
//
// Splitting the search into shards (split_depth, shard_index, shard_count):
// a race found deep in one subtree may add a backtrack point near the root,
// so a source-DPOR tree cannot be cut into independent parts as it is. With a
// split depth d, the first d choice points of every run put every candidate
// in their backtrack set (no source-set reduction up there), which makes every
// reversal a race could ask for above d already covered. Sleep sets still
// prune above d and reach below it: a sleep entry is the footprint of a step
// explored earlier at the same choice point, and every shard walks the whole
// prefix tree, so every shard computes the same sleep sets there (full
// backtrack sets with sleep sets are sound on their own). Below d, DPOR works
// as always. The subtrees ("units": the depth-d prefixes, and the runs that
// end or are cut short with fewer than d choice points) are numbered by their
// rank in DFS order, and shard I of K explores the units whose rank is I mod K
// (0-based). A shard walks other shards' prefixes with one run per unit, cut
// at depth d and not counted (skipped_runs), so the assignment needs no
// communication. A unit's exploration depends on its prefix alone, so the K
// shards' executions, transitions, redundant runs, races and the other
// counters sum to those of the same search with K = 1 (same d); their final
// states and violated properties unite to its sets, which are those of the
// search without a split too; and the counterexample of the lowest unit is its
// counterexample (shard_test.cpp; cli/CMakeLists.txt on scenarios). With a
// violation and stop_on_violation, each shard stops at its own first, so only
// the counterexample and the verdict are the unsharded search's, not the
// counts. A lock-order graph (RunSettings::lock_order) is per shard: a cycle
// whose edges were seen in runs of different shards is not found. The cost of
// the split is the reduction given up above d (10 to 60 percent more
// executions at d = 6 on the bundled scenarios, README). With d = 0 (the
// default) nothing changes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/explore/exploration_tree.hpp"
#include "model/explore/program.hpp"
#include "model/explore/runner.hpp"
#include "sim/time.hpp"

namespace ipcsim::explore {

// Which reduction the search uses over schedule choices.
enum class DporMode : std::uint8_t {
  Plain,    // every candidate at every schedule choice point (--no-dpor, --dpor plain)
  Source,   // Source-DPOR with sleep sets: one initial of each race's reversal
  Optimal,  // Optimal-DPOR: the whole reversal kept in a wakeup tree and followed
};
const char* to_string(DporMode m);  // "plain", "source", "optimal"
std::optional<DporMode> parse_dpor_mode(const std::string& text);

// What the progress callback sees: counts, and how far along the DFS is.
struct SearchProgress {
  std::uint64_t executions = 0;
  std::uint64_t transitions = 0;
  // The share of the tree behind the current path, from the DFS stack's
  // explored and remaining alternatives (estimate.hpp), in (0, 1].
  double explored_fraction = 0;
};

struct ExploreOptions {
  // Optimal by default: no run blocked by its sleep set on any bundled
  // scenario `check` covers nor on the random sweep (README.md).
  DporMode dpor = DporMode::Optimal;
  std::uint32_t max_depth = 10'000;                // choice points per run that the search branches on
  std::optional<std::uint32_t> max_preemptions;    // none: unbounded
  std::uint64_t max_executions = 10'000'000;       // safety limit; the report says when it was hit
  // Wall-clock limit on the whole search, in seconds (none: unlimited). Wall
  // time may only stop a search, never steer one: a search it stopped is
  // inconclusive, and nothing else in the report depends on it.
  std::optional<double> time_limit_seconds;
  bool stop_on_violation = true;                   // end the search at the first violating run
  bool shortest = false;                           // search everything, keep the shortest counterexample
  bool verify_counterexample = true;               // replay it strictly and report whether it reproduces
  RunSettings run;                                 // seed, limits, fault budget, observers, lock-order graph
  ExplorationTree* tree = nullptr;                 // when set, records the tree walked
  // Called after every `progress_every` runs (wall-clock free: counts only).
  std::function<void(const SearchProgress&)> progress;
  std::uint64_t progress_every = 10'000;
  // Sharding (see the header comment): choice points [0, split_depth) are
  // explored without reduction; this search explores the units whose DFS rank
  // is shard_index (0-based) modulo shard_count.
  std::uint32_t split_depth = 0;
  std::uint32_t shard_index = 0;
  std::uint32_t shard_count = 1;
};

struct Counterexample {
  std::uint64_t seed = 0;
  sim::ChoiceList choices;  // every decision of the run: a strict ReplayChooser reproduces it
  std::string property;
  std::string message;
  std::uint64_t execution = 0;  // the run (1-based) that found it
  std::uint64_t steps = 0;
  bool replay_checked = false;     // verify_counterexample ran
  bool replay_reproduces = false;  // a strict replay with a fresh lock-order graph violated the same property
  std::string replay_note;         // why not, when it did not
  std::uint64_t unit = 0;          // with a split depth: the DFS rank of its subtree (see the header comment)
};

// How a search ended.
enum class SearchEnd : std::uint8_t {
  Exhausted,      // no alternative left within the bounds
  Violation,      // stopped at the first violating run (stop_on_violation): not a truncation
  MaxExecutions,  // max_executions runs done, alternatives left: a budget
  TimeLimit,      // time_limit_seconds passed, alternatives left: a budget
};
const char* to_string(SearchEnd e);

struct ExploreReport {
  std::string program;
  // Runs performed, each from scratch (complete ones, redundant ones and those
  // cut by the preemption bound).
  std::uint64_t executions = 0;
  // Steps taken over all runs, replayed prefixes included: the work done.
  std::uint64_t transitions = 0;
  // Runs that ended blocked by their sleep set: every candidate was asleep, so
  // the run was equivalent to one already explored (DPOR's redundant work; 0
  // without DPOR; Optimal-DPOR aims at 0, see explorer.hpp's header).
  std::uint64_t redundant = 0;
  // Schedule alternatives never run because DPOR showed them unnecessary, summed
  // over choice points: each stands for at least one execution avoided.
  std::uint64_t pruned_branches = 0;

  // ---- What may cost coverage: each is counted, and summary() names it ----
  // Bounds the caller chose (assumptions of a complete search):
  std::uint64_t preemption_pruned = 0;     // schedule alternatives skipped: over max_preemptions
  std::uint64_t preemption_cut = 0;        // runs ended where every candidate awake was over the bound
  std::uint64_t reversals_over_bound = 0;  // races whose reversal the preemption bound refused
  std::uint64_t faults_unasked = 0;        // fault points not asked: their run had spent its fault budget
  // Part of the program's definition (assumptions too): runs that ended at
  // RunLimits::horizon with events still pending, what comes after unexplored.
  std::uint64_t horizon_ended = 0;
  // Budgets (a search with any of these is inconclusive):
  std::uint64_t depth_bounded = 0;  // runs that reached max_depth choice points (and went on unexplored)
  std::uint64_t step_limited = 0;   // runs that hit RunLimits::max_steps
  // DPOR's own limits (assumptions; all 0 without DPOR):
  std::uint64_t races = 0;                // races found
  std::uint64_t irreversible_races = 0;   // within one instant, and no choice point could reverse them
  std::uint64_t cross_instant_races = 0;  // across instants: left as time ordered them
  std::uint64_t fallbacks_exhausted = 0;  // fall-backs that hit their step budget with paths left open
  std::uint64_t events = 0;               // events fired outside steps (see the soundness caveats)

  // Sharding (split_depth > 0): units of the whole tree, those this shard
  // explored, and the runs (with their steps) spent walking other shards'
  // prefixes, which count nowhere else.
  std::uint64_t units_total = 0;
  std::uint64_t units_explored = 0;
  std::uint64_t skipped_runs = 0;
  std::uint64_t skipped_transitions = 0;

  std::uint64_t violating = 0;      // non-redundant runs that violated a property
  std::vector<std::string> violated_properties;  // sorted, distinct
  std::uint64_t distinct_final_states = 0;       // distinct outcome hashes of runs that ended
  std::vector<std::uint64_t> final_states;       // those hashes, sorted
  std::optional<Counterexample> counterexample;  // the first, or with `shortest` the shortest
  SearchEnd end = SearchEnd::Exhausted;
  // Every run within the bounds was explored: the tree was exhausted and no run
  // reached the depth bound or the step limit.
  bool complete = false;
  double wall_seconds = 0;  // wall time: for reports only, never for a schedule

  // The options that bound the search, for the texts below.
  DporMode dpor = DporMode::Optimal;
  std::uint32_t max_depth = 0;
  std::optional<std::uint32_t> max_preemptions;
  std::uint64_t max_executions = 0;
  std::optional<double> time_limit_seconds;
  std::uint64_t max_steps = 0;
  sim::Instant horizon = sim::kTimeNever;

  // Why the search is not complete, one phrase per budget hit ("max executions
  // (50) reached"); empty when it is complete or stopped at a violation only.
  std::vector<std::string> budget_hits() const;
  // What the runs explored assumed, one phrase each ("at most 2 preemptions
  // per run: ..."); empty when they assumed nothing.
  std::vector<std::string> assumptions() const;
  // The coverage verdict: "complete", "complete under these assumptions:
  // ...", "inconclusive: explored N executions, budget hit: ..." (followed by
  // the assumptions of the runs explored, if any), or "stopped at the first
  // violation (run K)".
  std::string coverage() const;
  // A few lines for people (no wall time: it is compared across runs).
  std::string summary() const;
};

// A program that did not replay its own prefix (a choice point of another kind
// or size, other candidates): it is not deterministic, so nothing can be concluded.
class ExplorationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

ExploreReport exhaustive(Program& program, const ExploreOptions& options = {});

}  // namespace ipcsim::explore

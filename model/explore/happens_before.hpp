// The happens-before order of one execution's steps, and its races.
//
// Steps are added in execution order. Step i happens before step j (i -> j)
// when i < j and they are of the same actor or dependent (step_tracker.hpp),
// closed transitively; vector clocks over actors make the test O(1). Two steps
// race (i <. j) when they are of different actors, dependent, and no third step
// lies between them in happens-before: those are the pairs whose reversal can
// lead to an inequivalent execution (source-DPOR, Abdulla et al., POPL 2014).
//
//   HappensBefore hb;
//   std::vector<std::size_t> races;
//   hb.add(step, races);                 // races: earlier steps i with i <. this one
//   hb.initials(i, j, actors);           // I(notdep(i, E).j): who could go first
//   hb.truncate(n);                      // back to its first n steps, as if only they were added
//
// Accesses are indexed per footprint key, keeping only the entries a later step
// can race with: a write makes the entries it covers redundant (they happen
// before it), and so does a read for the same actor's earlier covered reads.
// Each key's entries are kept by mode, so that a read is compared only with
// writes and updates, and an update only with reads and writes.
// What a step changed in that index is logged, so that truncate() can undo it:
// a stateless search replays the prefix of the previous run up to its branch
// point, and keeps that prefix's happens-before instead of adding it again.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "model/explore/step_tracker.hpp"

namespace ipcsim::explore {

class HappensBefore {
 public:
  void clear();
  // Forgets every step from the n-th on: the order is then what adding the
  // first n steps alone gave (n <= size()).
  void truncate(std::size_t n);
  // Adds the next step; fills `races` with the earlier steps that race with it.
  void add(sim::ActorId actor, std::span<const sim::Access> footprint, std::vector<std::size_t>& races);

  std::size_t size() const { return steps_.size(); }
  sim::ActorId actor(std::size_t i) const { return steps_[i].actor; }
  // i -> k in happens-before (false for i >= k).
  bool precedes(std::size_t i, std::size_t k) const;
  // The initials of v = notdep(i, E).actor(j): the actors whose first step in v
  // depends on no earlier step of v (i < j). In order of first step.
  void initials(std::size_t i, std::size_t j, std::vector<sim::ActorId>& out) const;
  // The steps step i directly depends on: its actor's previous step and the
  // conflicting steps found for it (ascending).
  std::span<const std::size_t> direct_predecessors(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : steps_[i - 1].preds_end;
    return {preds_of_.data() + begin, steps_[i].preds_end - begin};
  }
  // The actor's previous step, or SIZE_MAX.
  std::size_t previous_of(std::size_t i) const { return steps_[i].previous; }
  // Walks back from j (i < j) over its actor's earlier steps after i while
  // they happen after i, and returns where it stops: the first of them that
  // does, or j. Once one of an actor's steps happens after i every later one
  // does (its clock only grows), so this is a binary search, not a walk: an
  // actor with thousands of steps since i (an agent's pings) made it linear
  // per race.
  std::size_t first_of_actor_after(std::size_t i, std::size_t j) const;

 private:
  struct StepEntry {
    sim::ActorId actor = sim::kNoActor;
    std::uint32_t local = 0;               // 1-based index among the actor's steps
    std::size_t preds_end = 0;             // where its direct predecessors (ascending) end in preds_of_
    std::size_t previous = SIZE_MAX;       // the actor's previous step
  };
  struct AccessEntry {
    std::size_t step = 0;
    sim::Access access;
  };
  // One key's entries, by access mode (sim::AccessMode as index).
  struct KeyEntries {
    std::vector<AccessEntry> by_mode[3];
    std::vector<AccessEntry>& of(sim::AccessMode m) { return by_mode[static_cast<std::size_t>(m)]; }
  };
  // One change a step made to the index: `entry` pushed under `key`, or
  // (removed) taken out of it.
  struct IndexChange {
    std::uint64_t key = 0;
    AccessEntry entry;
    bool removed = false;
  };
  // Vector clocks, one row of stride_ entries per step (by ActorId; actors
  // past the stride are 0): one array, not one allocation per step.
  std::uint32_t clock_of(std::size_t step, sim::ActorId actor) const {
    return actor < stride_ ? clocks_[step * stride_ + actor] : 0;
  }
  void widen(std::size_t stride);
  void index(KeyEntries& entries, std::size_t step, sim::ActorId actor, const sim::Access& a);
  // Removes from `entries` (of a's key, one mode) those that `a` stands for.
  void drop_covered(std::vector<AccessEntry>& entries, sim::ActorId actor, const sim::Access& a);
  // Appends to preds_ the steps of `entries` (a's key, a mode that conflicts
  // with a's) whose access overlaps `a` and that are not marked in seen_ yet,
  // and marks them.
  void collect_overlapping(const std::vector<AccessEntry>& entries, const sim::Access& a);

  std::vector<StepEntry> steps_;
  std::vector<std::size_t> preds_of_;  // every step's direct predecessors, one array
  std::vector<std::uint32_t> clocks_;
  std::size_t stride_ = 0;
  std::vector<std::size_t> last_of_actor_;  // by ActorId: 1 + index of its last step, 0 = none
  std::vector<std::vector<std::size_t>> steps_of_actor_;  // by ActorId: its steps, in order
  // Keyed by footprint key; looked up only, never iterated (no hash order escapes).
  std::unordered_map<std::uint64_t, KeyEntries> by_key_;
  std::vector<IndexChange> changes_;      // what each step did to by_key_, in order
  std::vector<std::size_t> changes_end_;  // per step: where its changes end in changes_
  std::vector<std::size_t> preds_;                // scratch
  std::vector<KeyEntries*> slots_;                // scratch: by_key_'s entries of each access
  // Scratch of add(): seen_[k] == epoch_ once step k is among the new step's
  // predecessors (a step often has several entries under one key).
  std::vector<std::uint32_t> seen_;
  std::uint32_t epoch_ = 0;
};

}  // namespace ipcsim::explore

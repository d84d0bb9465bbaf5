// Wakeup trees of Optimal-DPOR (Abdulla, Aronis, Jonsson, Sagonas, "Optimal
// Dynamic Partial Order Reduction", POPL 2014, Algorithm 2), internal to
// model/explore.
//
// A wakeup tree at a choice point holds the sequences of steps still to be
// explored from it, as an ordered forest: each root is an actor to schedule
// there, its children what to schedule after it, and so on. Source-DPOR puts
// only the first actor of a race's reversal v = notdep(i, E).j at the choice
// point before i; the run that follows is then free to wander into an order
// the sleep set already covers, and ends "blocked" (redundant work). With a
// wakeup tree the whole of v is kept and followed, so the run reaches the
// reversed race without leaving the new Mazurkiewicz trace.
//
// Steps are named by actor (an actor's next step is determined by the state),
// with the footprint they had in the run that produced v: independence below
// is judged on those footprints.
//
//   WakeupForest wut;
//   if (insert(wut, v)) ...        // false: some leaf already stands for v
//   weak_initial(step, v)          // can `step` go first, with v's class unchanged?
#pragma once

#include <cstdint>
#include <vector>

#include "model/explore/step_tracker.hpp"

namespace ipcsim::explore::detail {

struct WakeupStep {
  sim::ActorId actor = sim::kNoActor;
  Footprint footprint;
};
using WakeupSequence = std::vector<WakeupStep>;

struct WakeupNode {
  WakeupStep step;
  std::vector<WakeupNode> children;
};
using WakeupForest = std::vector<WakeupNode>;

// p is a weak initial of v (WI[E](v) of the paper): either v has a step of p's
// actor that no earlier step of v depends on (an initial), or v has none and p
// is independent of every step of v (p can be added in front without changing
// v's class). Sets `at` to the index of p's actor's first step in v, or v.size().
bool weak_initial(const WakeupStep& p, const WakeupSequence& v, std::size_t& at);

// insert[E](v, wut): walks the forest, descending into the first child that is
// a weak initial of what is left of v (removing its step from v). Reaching a
// leaf means an existing sequence already stands for v: nothing is added and
// the result is false. Otherwise what is left of v is appended as a new branch
// (rightmost, so older sequences are explored first) and the result is true.
bool insert(WakeupForest& forest, WakeupSequence v);

}  // namespace ipcsim::explore::detail

// Program: one execution of a simulated system, from scratch, under a chooser
// the caller supplies. It is what the explorers (exhaustive DFS with DPOR, PCT
// and random fuzzing) drive: they run a Program many times, each time with a
// different chooser and with observers of their own attached.
//
// A Program builds a fresh World for every run (nothing may carry over between
// runs: the explorer re-executes prefixes and relies on one choice list giving
// one run), attaches the context's observers before building anything, sets
// the context's chooser, runs, and says what happened:
//
//   class LostUpdate final : public explore::Program {
//    public:
//     std::string name() const override { return "lost_update"; }
//     explore::Execution run(explore::RunContext& cx) override {
//       sim::World w({.seed = cx.seed()});
//       cx.bind(w);                       // observers + chooser, before anything else
//       sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
//       sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
//       sim::Memory& x = w.add_shared_region("x", 8, {0, 1});
//       for (sim::Cpu* c : {&c0, &c1}) {
//         w.spawn(*c, "inc", [&x](sim::Ctx) -> sim::Task<> {
//           const auto v = co_await x.load<std::uint32_t>(0);
//           co_await x.store<std::uint32_t>(0, v + 1);
//         });
//       }
//       explore::Execution e;
//       e.run = w.run(cx.limits());
//       std::uint32_t v = 0;
//       x.peek(0, std::as_writable_bytes(std::span(&v, 1)));
//       if (v != 2) e.violation = model::Violation{"lost_update", 0, w.now(), "x = " + std::to_string(v)};
//       e.outcome_hash = explore::OutcomeHash().add(v).value();
//       w.shutdown();                     // frames refer to locals: end them first
//       return e;
//     }
//   };
//
// Everything a step does that another actor could observe must go through the
// kernel (ops, Memory::read/write, World::touch), so that it shows in the
// step's footprint: DPOR treats steps whose footprints do not conflict as
// commuting. Reading kernel state directly in local code (m.locked(), a peek)
// is invisible to it: plain search still sees its effect, DPOR may not.
//
// A Program that cannot hand its World to bind() (the scenario runner builds
// its own) sets `cx.chooser()` and attaches `cx.observers()` itself; runs the
// explorer finds redundant then go to their end instead of stopping early.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/monitor.hpp"
#include "sim/choice.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace ipcsim::explore {

// What one run produced.
struct Execution {
  sim::RunResult run;
  // The first property the program's own monitors saw violated, if any. The
  // explorer adds "deadlock_free" (RunOutcome::Deadlock, unless disabled),
  // "no_usage_error" (a sim::UsageError escaped run()) and "lock_order" (its
  // lock-order graph) on top.
  std::optional<model::Violation> violation;
  // A digest of the final state (sim::World::state_digest() covers the whole
  // simulated state; add what the program keeps outside it): two runs with
  // equal digests count as one distinct final state. Must not depend on
  // pointer values, hash-table order, or on the order of steps that commute.
  std::uint64_t outcome_hash = 0;
};

// What the explorer hands to one run.
class RunContext {
 public:
  RunContext(sim::Chooser& chooser, std::vector<sim::Observer*> observers, std::uint64_t seed,
             sim::RunLimits limits, std::optional<std::uint32_t> max_faults)
      : chooser_(&chooser), observers_(std::move(observers)), seed_(seed), limits_(limits),
        max_faults_(max_faults) {}

  sim::Chooser& chooser() const { return *chooser_; }
  // Attach all of them, in this order, before the World declares any object.
  const std::vector<sim::Observer*>& observers() const { return observers_; }
  // The World's seed (workload randomness): use it in WorldConfig.
  std::uint64_t seed() const { return seed_; }
  // Pass these to World::run.
  sim::RunLimits limits() const { return limits_; }
  // The fault budget for WorldConfig::max_faults: the caller's override, else
  // the program's own default.
  std::uint32_t max_faults(std::uint32_t program_default) const { return max_faults_.value_or(program_default); }
  // The override alone (for runners that take an optional, like run_scenario).
  std::optional<std::uint32_t> max_faults_override() const { return max_faults_; }

  // Attaches the observers and sets the chooser on a freshly built World, and
  // lets the explorer end a run early once it is known to be redundant.
  void bind(sim::World& world);
  // For the explorer: ends the bound run after the current step (no-op when
  // the program did not bind its World).
  void request_stop(std::string reason);
  bool bound() const { return world_ != nullptr; }
  const sim::World* world() const { return world_; }  // the bound World, for naming actors in errors
  void unbind() { world_ = nullptr; }

 private:
  sim::Chooser* chooser_;
  std::vector<sim::Observer*> observers_;
  std::uint64_t seed_;
  sim::RunLimits limits_;
  std::optional<std::uint32_t> max_faults_;
  sim::World* world_ = nullptr;
};

class Program {
 public:
  virtual ~Program() = default;
  // A short name for reports ("lost_update").
  virtual std::string name() const = 0;
  // One run from scratch (see the file comment). May throw sim::UsageError;
  // the explorer reports it as the property "no_usage_error".
  virtual Execution run(RunContext& cx) = 0;
};

// Builds an outcome digest from values, deterministically on every platform.
class OutcomeHash {
 public:
  OutcomeHash& add(std::uint64_t v);
  OutcomeHash& add(std::string_view s);
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0x6a09e667f3bcc908ULL;
};

}  // namespace ipcsim::explore

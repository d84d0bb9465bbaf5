// The broadcast interlock of seed 001: one atomic step, or the seed's two ops.
//
// "As each slave task finishes with the message it can signal a threshold
// semaphore semT and wait at a gate semaphore semG." Done as two ops, there is
// a window between them: the last slave's signal wakes the master, which may
// run (another CPU, a higher priority), send the next round and pulse the gate
// before that slave reaches it; the pulse misses it, and the next round can
// never complete. signal_then_wait() signals semT and blocks at semG in the
// same step, so a slave is always at the gate before the master can pass semT.
//
//   co_await rtos::signal_then_wait(semT, semG);   // a slave, done with round r
//
// end_round() is a slave's end of a round under either interlock; the
// workloads use it, with Interlock::Seed for the seed's words taken literally
// (impl/rtos/README.md, "When the seed's interlock is safe", says when that
// loses a pulse and when it cannot).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/gate.hpp"
#include "sim/op.hpp"
#include "sim/semaphore.hpp"
#include "sim/task.hpp"
#include "sim/world.hpp"

namespace ipcsim::rtos {

class [[nodiscard]] SignalThenWait final : public sim::OpAwaiter<SignalThenWait> {
 public:
  SignalThenWait(sim::ThresholdSemaphore& done, sim::Gate& gate, std::optional<sim::Duration> timeout)
      : OpAwaiter(done.world()), signal_(done.signal()), wait_(gate, timeout), done_(&done), gate_(&gate) {}
  // Both are the primitives' own ops, applied in this one step; the gate wait
  // is the op the actor blocks in (it lives here, in the awaiting frame).
  void apply(sim::World& w, sim::Actor& self) override {
    signal_.apply(w, self);
    wait_.apply(w, self);
  }
  std::string describe(const sim::World& w) const override {
    return "signal threshold semaphore '" + std::string(w.object_name(done_->id())) + "' then wait at gate '" +
           std::string(w.object_name(gate_->id())) + "'";
  }
  // False when the wait at the gate timed out.
  bool result() const { return wait_.result(); }

 private:
  sim::ThresholdSemaphore::SignalOp signal_;
  sim::Gate::WaitOp wait_;
  sim::ThresholdSemaphore* done_;
  sim::Gate* gate_;
};

inline SignalThenWait signal_then_wait(sim::ThresholdSemaphore& done, sim::Gate& gate,
                                       std::optional<sim::Duration> timeout = std::nullopt) {
  return SignalThenWait(done, gate, timeout);
}

// How a broadcast slave, done with a round, tells the master and waits for the next one.
enum class Interlock : std::uint8_t {
  Atomic,  // signal_then_wait(): semT and semG in one step (the default; no window)
  Seed,    // the seed's words: signal semT, then wait at semG, two ops (a window between)
};

// A slave's end of a round. `done` and `gate` must outlive the awaiting actor.
inline sim::Task<> end_round(sim::ThresholdSemaphore& done, sim::Gate& gate, Interlock interlock) {
  if (interlock == Interlock::Atomic) {
    co_await signal_then_wait(done, gate);
  } else {
    co_await done.signal();
    co_await gate.wait();  // the pulse may have come and gone already
  }
}

}  // namespace ipcsim::rtos

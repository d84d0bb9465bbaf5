// A gate: waiters block until it opens, then all of them go at once.
//
// open() releases every waiter and lets later arrivals pass until close();
// pulse() releases the current waiters and stays closed, which is what a
// broadcast master needs between rounds (seed 001's semG): the slaves of this
// round go, and a fast slave arriving again waits for the next round.
#pragma once

#include <optional>

#include "sim/actor.hpp"
#include "sim/op.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::sim {

class Gate final : public Waitable {
 public:
  Gate(World& world, std::string name, bool open = false) : Waitable(world, "gate", std::move(name)), open_(open) {}

  class [[nodiscard]] WaitOp final : public OpAwaiter<WaitOp> {
   public:
    WaitOp(Gate& g, std::optional<Duration> timeout) : OpAwaiter(g.world()), g_(&g), timeout_(timeout) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    bool result() const;

   private:
    Gate* g_;
    std::optional<Duration> timeout_;
    Actor* self_ = nullptr;
    bool blocked_ = false;
  };
  enum class Action : std::uint8_t { Open, Close, Pulse };
  class [[nodiscard]] ControlOp final : public OpAwaiter<ControlOp> {
   public:
    ControlOp(Gate& g, Action action) : OpAwaiter(g.world()), g_(&g), action_(action) {}
    void apply(World& w, Actor& self) override;
    std::string describe(const World& w) const override;
    void result() const {}

   private:
    Gate* g_;
    Action action_;
  };

  WaitOp wait() { return WaitOp(*this, std::nullopt); }
  WaitOp wait_for(Duration timeout) { return WaitOp(*this, timeout); }
  ControlOp open() { return ControlOp(*this, Action::Open); }
  ControlOp close() { return ControlOp(*this, Action::Close); }
  ControlOp pulse() { return ControlOp(*this, Action::Pulse); }
  bool is_open() const { return open_; }
  void digest(StateHash& h) const override;

 private:
  bool open_;
};

}  // namespace ipcsim::sim

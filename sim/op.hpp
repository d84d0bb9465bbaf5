// Ops: the visible operations of actors, and the awaitable that carries them.
//
// An actor runs local code until it awaits a kernel primitive (a lock, a send, a
// sleep...). Awaiting announces the Op and suspends the actor: that is a
// scheduling point. The op is applied at the start of the actor's next step,
// when the chooser picks it, and the actor then runs on to its next op. So a
// step is "apply one visible op, then run local code up to the next one", and
// the model checker can interleave steps of different actors at every op.
//
// Ops live inside the awaiting coroutine frame, so they stay put while the actor
// is suspended; the kernel refers to them only through the actor that owns them.
//
// A primitive defines one op per operation:
//   class [[nodiscard]] LockOp final : public OpAwaiter<LockOp> {
//     void apply(World&, Actor&) override;          // do it, or block
//     std::string describe(const World&) const override;
//     void result() {}                              // what co_await returns
//   };
#pragma once

#include <coroutine>
#include <string>
#include <utility>

namespace ipcsim::sim {

class World;
struct Actor;

class Op {
 public:
  // Performs the operation for `self` at the start of its step. It may leave
  // self running (local code resumes), block it, put it to sleep, make it
  // compute, or yield its CPU, through the World's scheduling helpers.
  virtual void apply(World& world, Actor& self) = 0;
  // "lock mutex 'm1'": names the operation in deadlock reports and errors.
  virtual std::string describe(const World& world) const = 0;

 protected:
  Op() = default;
  ~Op() = default;
  Op(const Op&) = default;
  Op& operator=(const Op&) = default;
};

namespace detail {
// Records `op` as the current actor's next operation and ends its step
// (World::announce, inline in world.hpp: every op costs one). A template, so
// that this header needs World's name only.
template <class W>
void announce(W& world, std::coroutine_handle<> resume_point, Op& op) {
  world.announce(resume_point, op);
}
}  // namespace detail

// Base is Op, or an intermediate class derived from Op that holds what a waker
// fills in (a received message, say), shared by several awaiter types.
template <class Derived, class Base = Op>
class OpAwaiter : public Base {
 public:
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { detail::announce(*world_, h, static_cast<Op&>(*this)); }
  decltype(auto) await_resume() { return static_cast<Derived&>(*this).result(); }

 protected:
  template <class... BaseArgs>
  explicit OpAwaiter(World& world, BaseArgs&&... base_args)
      : Base(std::forward<BaseArgs>(base_args)...), world_(&world) {}
  World* world_;
};

}  // namespace ipcsim::sim

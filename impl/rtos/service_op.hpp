// ServiceOp: any non-blocking RTOS service as a scheduling point.
//
// Every RTOS service has a local form (`msg_get_now(pool)`: runs inside the
// caller's step, the fast path an ISR uses) and an awaitable form
// (`co_await msg_get(pool)`: announced as an op, applied when the chooser picks
// the caller, so the model checker can interleave other actors before it).
// The awaitable form is this op wrapped around the local form.
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "sim/op.hpp"
#include "sim/world.hpp"

namespace ipcsim::rtos {

template <class F>
class [[nodiscard]] ServiceOp final : public sim::OpAwaiter<ServiceOp<F>> {
 public:
  using Result = std::invoke_result_t<F&>;

  ServiceOp(sim::World& w, const char* service, sim::ObjectId on, F f)
      : sim::OpAwaiter<ServiceOp<F>>(w), service_(service), on_(on), f_(std::move(f)) {}

  void apply(sim::World&, sim::Actor&) override {
    if constexpr (std::is_void_v<Result>) {
      f_();
    } else {
      value_ = f_();
    }
  }
  std::string describe(const sim::World& w) const override {
    std::string s = service_;
    if (on_ != sim::kNoObject) s += " on '" + std::string(w.object_name(on_)) + "'";
    return s;
  }
  auto result() {
    if constexpr (!std::is_void_v<Result>) return std::move(value_);
  }

 private:
  struct Empty {};
  const char* service_;
  sim::ObjectId on_;
  F f_;
  [[no_unique_address]] std::conditional_t<std::is_void_v<Result>, Empty, Result> value_{};
};

template <class F>
ServiceOp<F> make_service_op(sim::World& w, const char* service, sim::ObjectId on, F f) {
  return ServiceOp<F>(w, service, on, std::move(f));
}

}  // namespace ipcsim::rtos

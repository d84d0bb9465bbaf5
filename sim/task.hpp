// Task<T>: the coroutine type of actor code.
//
// An actor's body is a Task<>; helper routines are Task<T>s awaited by it, so
// mechanism code reads as blocking code:
//
//   sim::Task<int> fetch(sim::Port& in) { auto m = co_await in.recv(); co_return m.tag; }
//   sim::Task<> body(sim::Ctx cx, sim::Port& in) { int tag = co_await fetch(in); ... }
//
// Tasks are lazy (nothing runs until awaited or spawned) and use symmetric
// transfer, so a chain of nested tasks costs no stack and no kernel round trip.
// Only awaiting a kernel primitive (sim/op.hpp) suspends the actor. Destroying a
// task destroys its frame and, through the Task objects held in it, every nested
// frame below: that is how the kernel kills an actor.
//
// Beware: a lambda that is a coroutine keeps only a pointer to its captures.
// World::spawn keeps the lambda alive for the actor's life; elsewhere pass state
// as parameters (they are copied into the frame).
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "sim/check.hpp"

namespace ipcsim::sim {

template <class T = void>
class Task;

namespace detail {

struct PromiseBase {
  std::coroutine_handle<> continuation;  // who awaits us; empty for an actor's root
  std::exception_ptr error;

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      auto next = h.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T take() {
    if (error) std::rethrow_exception(error);
    IPCSIM_ASSERT(value.has_value());
    return std::move(*value);
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() {
    if (error) std::rethrow_exception(error);
  }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  bool valid() const { return static_cast<bool>(h_); }
  bool done() const { return h_ && h_.done(); }

  // Awaiting a task starts it and resumes the awaiter when it finishes.
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    h_.promise().continuation = awaiter;
    return h_;
  }
  T await_resume() { return h_.promise().take(); }

  // For the kernel: take ownership of the frame (an actor's root).
  Handle release() { return std::exchange(h_, {}); }

 private:
  void reset() {
    if (h_) h_.destroy();
    h_ = {};
  }
  Handle h_;
};

namespace detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace ipcsim::sim

// Task<T> on its own, outside any World: laziness, values, exceptions, and
// destruction of a suspended chain.
#include "sim/task.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace ipcsim::sim {
namespace {

struct Suspend {
  std::coroutine_handle<>* where;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept { *where = h; }
  void await_resume() const noexcept {}
};

Task<int> leaf(std::coroutine_handle<>* where, int v) {
  co_await Suspend{where};
  co_return v + 1;
}

Task<int> middle(std::coroutine_handle<>* where, int v) { co_return 2 * co_await leaf(where, v); }

TEST(TaskTest, IsLazyAndPassesValuesUpTheChain) {
  std::coroutine_handle<> where;
  int result = 0;
  bool started = false;
  // The lambda must outlive its coroutine (task.hpp): name it, do not call a temporary.
  auto body = [&]() -> Task<> {
    started = true;
    result = co_await middle(&where, 20);
  };
  auto outer = body();
  EXPECT_FALSE(started);
  auto h = outer.release();
  h.resume();
  EXPECT_TRUE(started);
  ASSERT_TRUE(where);
  EXPECT_FALSE(h.done());
  where.resume();  // the leaf continues, returns through middle into outer
  EXPECT_TRUE(h.done());
  EXPECT_EQ(result, 42);
  h.destroy();
}

Task<int> thrower() {
  throw std::runtime_error("inner");
  co_return 0;
}

TEST(TaskTest, ExceptionsPropagateToTheAwaiter) {
  std::string caught;
  auto body = [&]() -> Task<> {
    try {
      (void)co_await thrower();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  };
  auto outer = body();
  auto h = outer.release();
  h.resume();
  EXPECT_TRUE(h.done());
  EXPECT_EQ(caught, "inner");
  h.destroy();
}

struct Tracker {
  int* alive;
  explicit Tracker(int* a) : alive(a) { ++*alive; }
  ~Tracker() { --*alive; }
};

Task<> deep(std::coroutine_handle<>* where, int* alive) {
  Tracker t(alive);
  co_await Suspend{where};
}

Task<> shallow(std::coroutine_handle<>* where, int* alive) {
  Tracker t(alive);
  co_await deep(where, alive);
}

TEST(TaskTest, DestroyingTheRootDestroysEverySuspendedFrameBelow) {
  int alive = 0;
  std::coroutine_handle<> where;
  Task<> root = shallow(&where, &alive);
  auto h = root.release();
  h.resume();
  EXPECT_EQ(alive, 2);
  h.destroy();  // what the kernel does to a killed actor
  EXPECT_EQ(alive, 0);
}

}  // namespace
}  // namespace ipcsim::sim

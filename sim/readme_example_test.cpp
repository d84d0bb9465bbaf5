// The example of README.md ("The kernel in one example"), kept compiling and running.
#include <gtest/gtest.h>

#include "sim/bus.hpp"
#include "sim/mutex.hpp"
#include "sim/world.hpp"

namespace {
using namespace ipcsim::sim;
using namespace std::chrono_literals;

TEST(ReadmeExample, Runs) {
  World w({.seed = 7});
  Cpu& c0 = w.add_cpu({.name = "cpu0", .policy = RunPolicy::PriorityPreemptive});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  Bus& bus = w.add_bus({.name = "bus0", .cpus = {0, 1}, .latency = 1us,
                        .bytes_per_second = 1'000'000'000,
                        .faults = {.drop_ppm = 10'000, .reorder_ppm = 50'000}});
  Port& inbox = w.add_port(c1, "inbox");
  Mutex m(w, "m");
  bool received = false;

  w.spawn(c0, "client", [&](Ctx cx) -> Task<> {
    co_await m.lock();
    co_await cx.compute(2us);
    co_await m.unlock();
    co_await bus.send(inbox, /*tag=*/1, std::vector<std::byte>(64));
  }, {.priority = 5});
  w.spawn(c1, "server", [&](Ctx) -> Task<> {
    std::optional<Message> msg = co_await inbox.recv_for(50us);
    received = msg.has_value();
  });
  RunResult r = w.run();
  EXPECT_EQ(r.outcome, RunOutcome::Quiescent);
  EXPECT_TRUE(received);
}

}  // namespace

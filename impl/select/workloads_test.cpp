#include "impl/select/workloads.hpp"

#include <gtest/gtest.h>

#include "impl/select/test_support.hpp"

namespace ipcsim::select::workloads {
namespace {

using select::testing::Machine;

TEST(SelectWorkloads, StormCompletes) {
  sim::World w({.seed = 3});
  Machine m(w, 3);
  auto wl = build_storm(w, m.cpus, *m.bus, {.pipes = 2, .children = 4, .dups = 2, .rounds = 3, .messages = 4});
  const sim::RunResult r = w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
}

TEST(SelectWorkloads, FaninCompletes) {
  sim::World w({.seed = 3});
  Machine m(w, 5);
  auto wl = build_fanin(w, m.cpus, *m.bus, {.writers = 4, .messages = 3, .bytes = 8, .select = {.pipe_capacity = 12}});
  const sim::RunResult r = w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
}

}  // namespace
}  // namespace ipcsim::select::workloads

namespace ipcsim::select::workloads {
namespace {

TEST(SelectWorkloads, SocketsInForwardingModeComplete) {
  sim::World w({.seed = 2});
  select::testing::Machine m(w, 3);
  auto wl = build_sockets(w, m.cpus, *m.bus, {.readers = 2, .reader_cpus = 1, .packets = 6});
  const sim::RunResult r = w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
}

TEST(SelectWorkloads, SocketsInContentionModeComplete) {
  sim::World w({.seed = 2});
  select::testing::Machine m(w, 4);
  auto wl = build_sockets(w, m.cpus, *m.bus, {.readers = 3, .reader_cpus = 3, .packets = 8});
  const sim::RunResult r = w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
}

}  // namespace
}  // namespace ipcsim::select::workloads

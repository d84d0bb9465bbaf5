#include "cli/scenario/loader.hpp"

#include <gtest/gtest.h>

#include "cli/drivers/drivers.hpp"

namespace ipcsim::scenario {
namespace {

using namespace std::chrono_literals;

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override { drivers::register_all(); }
};

const char* kFull = R"([scenario]
name = "full"
mechanism = "pingpong"
description = "every section"

[[cpu]]
name = "a"
policy = "priority"
memory = "4KiB"
access_cost = "2ns"
bytes_per_ns = 8

[[cpu]]
name = "b"

[[cpu]]
name = "c"

[[shared_region]]
name = "list"
size = 1024
cpus = ["a", "c"]

[[bus]]
name = "net"
cpus = ["a", "b", "c"]
latency = "1.5us"
bytes_per_second = 1_000_000
queue_limit = 8

[workload]
ping_cpu = "c"
pong_cpu = "b"
round_trips = 4

[[fault]]
type = "crash"
cpu = "b"
at = "5us"
restart_after = "1ms"

[[fault]]
type = "kill"
actor = "ping"
every = "10us"
until = "1ms"
probability = 0.25

[[fault]]
type = "partition"
bus = "net"
groups = [["a"], ["b", "c"]]
at = "2us"
heal_after = "3us"

[[fault]]
type = "delay"
bus = "net"
probability = 0.5
min = "1us"
max = "4us"

[[fault]]
type = "reorder"
bus = "net"
probability = 0.1

[properties]
check = ["no_double_delivery"]

[expect]
outcome = "no_double_delivery"

[run]
seed = 42
horizon = "2ms"
max_steps = 5000
max_faults = 3

[output]
trace = "out.jsonl"
diagram = "out.svg"
)";

TEST_F(LoaderTest, ReadsEverySection) {
  Diagnostics diag;
  auto s = parse_scenario(kFull, "full.toml", diag);
  ASSERT_TRUE(s) << diag.format();
  EXPECT_EQ(s->name, "full");
  EXPECT_EQ(s->description, "every section");
  ASSERT_EQ(s->machine.cpus.size(), 3u);
  EXPECT_EQ(s->machine.cpus[0].policy, sim::RunPolicy::PriorityPreemptive);
  EXPECT_EQ(s->machine.cpus[0].memory_bytes, 4096u);
  EXPECT_EQ(s->machine.cpus[0].memory_cost.per_access, sim::Duration(2ns));
  EXPECT_EQ(s->machine.cpus[1].policy, sim::RunPolicy::Fifo);
  ASSERT_EQ(s->machine.regions.size(), 1u);
  EXPECT_EQ(s->machine.regions[0].cpus, (std::vector<std::size_t>{0, 2}));
  ASSERT_EQ(s->machine.buses.size(), 1u);
  const BusSpec& net = s->machine.buses[0];
  EXPECT_EQ(net.latency, sim::Duration(1500ns));
  EXPECT_EQ(net.bytes_per_second, 1'000'000u);
  EXPECT_EQ(net.queue_limit, 8u);
  EXPECT_EQ(net.faults.delay_ppm, 500'000u);
  EXPECT_EQ(net.faults.delay_min, sim::Duration(1us));
  EXPECT_EQ(net.faults.delay_max, sim::Duration(4us));
  EXPECT_EQ(net.faults.reorder_ppm, 100'000u);
  ASSERT_EQ(s->faults.size(), 4u);  // crash, kill, partition, and the heal it implies
  EXPECT_EQ(s->faults[0].type, sim::FaultType::CrashCpu);
  EXPECT_EQ(s->faults[0].cpu, 1u);
  EXPECT_EQ(s->faults[0].restart_after, sim::Duration(1ms));
  EXPECT_EQ(s->faults[1].type, sim::FaultType::KillActor);
  EXPECT_EQ(s->faults[1].every, sim::Duration(10us));
  EXPECT_EQ(s->faults[1].ppm, 250'000u);
  EXPECT_EQ(s->faults[2].type, sim::FaultType::Partition);
  EXPECT_EQ(s->faults[2].groups, (std::vector<std::vector<sim::CpuId>>{{0}, {1, 2}}));
  EXPECT_EQ(s->faults[3].type, sim::FaultType::Heal);
  EXPECT_EQ(sim::to_ns(s->faults[3].at), 5000);
  EXPECT_EQ(s->properties, (std::vector<std::string>{"no_double_delivery"}));
  EXPECT_EQ(s->expect, "no_double_delivery");
  EXPECT_EQ(s->run.seed, 42u);
  EXPECT_EQ(sim::to_ns(s->run.horizon), 2'000'000);
  EXPECT_EQ(s->run.max_steps, 5000u);
  EXPECT_EQ(s->run.max_faults, 3u);
  EXPECT_EQ(s->output.trace, "out.jsonl");
  EXPECT_EQ(s->content_hash, fnv1a(kFull));
}

TEST_F(LoaderTest, DefaultsCheckEveryPropertyAndExpectPass) {
  const std::string text = R"([scenario]
name = "min"
mechanism = "pingpong"
[[cpu]]
name = "a"
[[cpu]]
name = "b"
[[bus]]
name = "n"
cpus = ["a", "b"]
[workload]
)";
  Diagnostics diag;
  auto s = parse_scenario(text, "min.toml", diag);
  ASSERT_TRUE(s) << diag.format();
  EXPECT_EQ(s->properties, (std::vector<std::string>{"no_double_delivery", "deadlock_free", "no_usage_error", "lock_order"}));
  EXPECT_EQ(s->expect, "pass");
  EXPECT_EQ(s->run.seed, 1u);
  EXPECT_EQ(s->run.horizon, sim::kTimeNever);
}

// lock_order is a built-in like deadlock_free: checked by default, named in
// [properties] check, and a broken variant may expect it; a file that leaves
// it out of its checks cannot expect it.
TEST_F(LoaderTest, LockOrderIsABuiltInAScenarioCanExpect) {
  const std::string machine = R"(
[scenario]
name = "m"
mechanism = "pingpong"
[[cpu]]
name = "a"
[[cpu]]
name = "b"
[[bus]]
name = "n"
cpus = ["a", "b"]
[workload]
)";
  Diagnostics diag;
  auto s = parse_scenario(machine + "[properties]\ncheck = [\"lock_order\"]\n[expect]\noutcome = \"lock_order\"\n",
                          "lock.toml", diag);
  ASSERT_TRUE(s) << diag.format();
  EXPECT_EQ(s->properties, (std::vector<std::string>{"lock_order"}));
  EXPECT_EQ(s->expect, "lock_order");

  Diagnostics refused;
  EXPECT_FALSE(parse_scenario(machine + "[properties]\ncheck = [\"deadlock_free\"]\n[expect]\noutcome = \"lock_order\"\n",
                              "unchecked.toml", refused));
  EXPECT_NE(refused.format().find("expect.outcome: expected one of \"pass\", \"deadlock_free\", got \"lock_order\""),
            std::string::npos)
      << refused.format();
}

TEST_F(LoaderTest, AnyErrorMeansNoScenario) {
  std::string text = kFull;
  text.replace(text.find("queue_limit = 8"), 15, "queue_limit = 0");
  Diagnostics diag;
  EXPECT_FALSE(parse_scenario(text, "bad.toml", diag));
  ASSERT_EQ(diag.errors().size(), 1u);
  EXPECT_EQ(diag.errors()[0].key, "bus[0].queue_limit");
  EXPECT_EQ(diag.errors()[0].at.line, 29);
}

TEST_F(LoaderTest, CheckBoundsComeWithTheirReason) {
  const std::string base = R"([scenario]
name = "min"
mechanism = "pingpong"
[[cpu]]
name = "a"
[[cpu]]
name = "b"
[[bus]]
name = "n"
cpus = ["a", "b"]
[workload]
)";
  Diagnostics diag;
  auto s = parse_scenario(base, "min.toml", diag);
  ASSERT_TRUE(s) << diag.format();
  EXPECT_FALSE(s->check.preemptions || s->check.max_depth || s->check.max_executions);

  s = parse_scenario(base + "[check]\npreemptions = 2\nmax_depth = 300\nmax_executions = 5000\n"
                            "bounded_because = \"every round starts from the same state\"\n",
                     "bounded.toml", diag);
  ASSERT_TRUE(s) << diag.format();
  EXPECT_EQ(s->check.preemptions, 2u);
  EXPECT_EQ(s->check.max_depth, 300u);
  EXPECT_EQ(s->check.max_executions, 5000u);
  EXPECT_EQ(s->check.bounded_because, "every round starts from the same state");

  // A bound needs its reason; a reason needs a bound; nothing else belongs there.
  for (const char* bad : {"[check]\nmax_depth = 10\n", "[check]\nbounded_because = \"small\"\n",
                          "[check]\nmax_executions = 10\nbounded_because = \"\"\n",
                          "[check]\nmax_executions = 10\nbounded_because = \"x\"\ntime_limit = 5\n"}) {
    Diagnostics d;
    EXPECT_FALSE(parse_scenario(base + bad, "bad.toml", d)) << bad;
    ASSERT_EQ(d.errors().size(), 1u) << d.format();
    EXPECT_EQ(d.errors()[0].key.rfind("check.", 0), 0u) << d.format();
  }
}

TEST_F(LoaderTest, MissingFileIsReported) {
  Diagnostics diag;
  EXPECT_FALSE(load_scenario("/nonexistent/x.toml", diag));
  EXPECT_EQ(diag.format(), "/nonexistent/x.toml: error: cannot open the file\n");
}

}  // namespace
}  // namespace ipcsim::scenario

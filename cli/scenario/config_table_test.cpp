#include "cli/scenario/config_table.hpp"

#include <gtest/gtest.h>

#include <toml++/toml.h>

namespace ipcsim::scenario {
namespace {

using namespace std::chrono_literals;

struct Doc {
  toml::table t;
  Diagnostics diag;
  explicit Doc(std::string_view text) : t(toml::parse(text, std::string_view("f.toml"))) {}
  ConfigTable root() { return ConfigTable(&t, "", "f.toml", diag); }
};

TEST(ConfigTableTest, ReadsTypedValues) {
  Doc d(R"(
n = 3
p = 0.25
lat = "2us"
mem = "4KiB"
name = "x"
on = true
list = ["a", "b"]
)");
  ConfigTable r = d.root();
  EXPECT_EQ(r.integer("n", 0, 0, 10), 3);
  EXPECT_EQ(r.probability_ppm("p", 0), 250'000u);
  EXPECT_EQ(r.duration("lat", 0ns, 0ns, 1s), sim::Duration(2us));
  EXPECT_EQ(r.bytes("mem", 0, 0, 1 << 20), 4096u);
  EXPECT_EQ(r.string("name", ""), "x");
  EXPECT_TRUE(r.boolean("on", false));
  EXPECT_EQ(r.strings("list"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.integer("absent", 7, 0, 10), 7);
  r.finish();
  EXPECT_TRUE(d.diag.ok()) << d.diag.format();
}

TEST(ConfigTableTest, ErrorsNamePositionKeyAndExpectation) {
  Doc d("[bus]\nlatency = 1000\nqueue = 5\nslots = 0\n");
  ConfigTable r = d.root();
  auto bus = r.table("bus");
  ASSERT_TRUE(bus);
  bus->duration("latency", 0ns, 0ns, 1s);
  bus->integer("slots", 1, 1, 8);
  bus->integer("queue_limit", 1, 1, 8);
  bus->finish();
  r.finish();
  EXPECT_EQ(d.diag.format(),
            "f.toml:2:11: error: bus.latency: expected a duration with a unit such as \"1us\" (ns, us, ms, s), got "
            "integer 1000\n"
            "f.toml:3:1: error: bus.queue: unknown key (did you mean \"queue_limit\"?)\n"
            "f.toml:4:9: error: bus.slots: expected an integer from 1 to 8, got 0\n");
}

// A quantity too large for 64 bits is refused against the key's range, naming
// the limit, like any other value out of range (never wrapped, never taken for
// a typo).
TEST(ConfigTableTest, QuantitiesBeyond64BitsAreOutOfRange) {
  Doc d("mem = \"9999999999TiB\"\nneg = -5\nbig = \"2GiB\"\nlat = \"99999999999999999999s\"\nodd = \"1.5B\"\n");
  ConfigTable r = d.root();
  EXPECT_EQ(r.bytes("mem", 7, 16, 1ULL << 30), 7u);
  EXPECT_EQ(r.bytes("neg", 7, 16, 1ULL << 30), 7u);
  EXPECT_EQ(r.bytes("big", 7, 16, 1ULL << 30), 7u);
  EXPECT_EQ(r.duration("lat", 1s, 0ns, 10s), sim::Duration(1s));
  EXPECT_EQ(r.bytes("odd", 7, 1, 64), 7u);
  r.finish();
  EXPECT_EQ(d.diag.format(),
            "f.toml:1:7: error: mem: expected a size from 16B to 1GiB, got string \"9999999999TiB\"\n"
            "f.toml:2:7: error: neg: expected a size from 16B to 1GiB, got integer -5\n"
            "f.toml:3:7: error: big: expected a size from 16B to 1GiB, got string \"2GiB\"\n"
            "f.toml:4:7: error: lat: expected a duration from 0ns to 10s, got \"99999999999999999999s\"\n"
            "f.toml:5:7: error: odd: expected a size from 1B to 64B (a number of bytes, or a string with a unit B, "
            "KiB, MiB, GiB or TiB such as \"64KiB\"), got string \"1.5B\"\n");
}

TEST(ConfigTableTest, MissingRequiredKeyPointsAtTheTable) {
  Doc d("\n[run]\nseed = 1\n");
  ConfigTable r = d.root();
  auto run = r.table("run");
  run->string("mode", "", Need::Required);
  run->integer("seed", 0, 0, 10);
  run->finish();
  EXPECT_EQ(d.diag.format(), "f.toml:2:1: error: run.mode: missing required key (expected a string)\n");
}

TEST(ConfigTableTest, ChoicesAndReferencesSuggestTheClosest) {
  Doc d("policy = \"priorty\"\ncpu = \"cpu7\"\n");
  ConfigTable r = d.root();
  r.choice("policy", {"fifo", "priority"}, "fifo");
  r.reference("cpu", r.string("cpu", ""), {"cpu0", "cpu1"}, "CPU");
  r.finish();
  EXPECT_EQ(d.diag.format(),
            "f.toml:1:10: error: policy: expected one of \"fifo\", \"priority\", got \"priorty\" (did you mean "
            "\"priority\"?)\n"
            "f.toml:2:7: error: cpu: unknown CPU \"cpu7\" (did you mean \"cpu0\"?)\n");
}

}  // namespace
}  // namespace ipcsim::scenario

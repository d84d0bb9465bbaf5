#include "cli/scenario/units.hpp"

#include <gtest/gtest.h>

namespace ipcsim::scenario {
namespace {

using namespace std::chrono_literals;

TEST(Units, DurationsNeedAUnit) {
  EXPECT_EQ(parse_duration("250ns"), sim::Duration(250ns));
  EXPECT_EQ(parse_duration("1us"), sim::Duration(1us));
  EXPECT_EQ(parse_duration("1.5ms"), sim::Duration(1500us));
  EXPECT_EQ(parse_duration("2 s"), sim::Duration(2s));
  EXPECT_FALSE(parse_duration("1000"));
  EXPECT_FALSE(parse_duration("1 minute"));
  EXPECT_FALSE(parse_duration("us"));
  EXPECT_FALSE(parse_duration("-1us"));
}

TEST(Units, Sizes) {
  EXPECT_EQ(parse_size("512"), 512u);
  EXPECT_EQ(parse_size("64KiB"), 65536u);
  EXPECT_EQ(parse_size("1.5KiB"), 1536u);
  EXPECT_FALSE(parse_size("1.3B"));
  EXPECT_FALSE(parse_size("10KB"));
}

TEST(Units, FormatsReadably) {
  EXPECT_EQ(format_duration(250ns), "250ns");
  EXPECT_EQ(format_duration(1500ns), "1.5us");
  EXPECT_EQ(format_duration(2ms), "2ms");
  EXPECT_EQ(format_duration(3s), "3s");
}

}  // namespace
}  // namespace ipcsim::scenario

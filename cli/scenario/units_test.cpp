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

TEST(Units, TooLargeIsNotMalformed) {
  QuantityError why = QuantityError::None;
  EXPECT_FALSE(parse_duration("99999999999999999999s", &why));
  EXPECT_EQ(why, QuantityError::TooLarge);
  EXPECT_EQ(parse_duration("9223372036854775807ns", &why), std::nullopt) << "rounds to 2^63 as a double";
  EXPECT_EQ(why, QuantityError::TooLarge);
  EXPECT_EQ(parse_duration("9223372036854774784ns", &why), sim::Duration(9223372036854774784));
  EXPECT_FALSE(parse_duration("1 minute", &why));
  EXPECT_EQ(why, QuantityError::Malformed);

  EXPECT_FALSE(parse_size("9999999999TiB", &why));
  EXPECT_EQ(why, QuantityError::TooLarge);
  EXPECT_FALSE(parse_size("18446744073709551616", &why));
  EXPECT_EQ(why, QuantityError::TooLarge);
  EXPECT_FALSE(parse_size(std::string(400, '9'), &why)) << "beyond a double, still a number";
  EXPECT_EQ(why, QuantityError::TooLarge);
  EXPECT_EQ(parse_size("16TiB", &why), 16ULL << 40);
  EXPECT_EQ(why, QuantityError::None);
  EXPECT_FALSE(parse_size("10KB", &why));
  EXPECT_EQ(why, QuantityError::Malformed);
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
  EXPECT_EQ(format_duration(std::chrono::seconds(1'000'000'000)), "1000000000s");
  EXPECT_EQ(format_size(16), "16B");
  EXPECT_EQ(format_size(1536), "1536B");
  EXPECT_EQ(format_size(64 * 1024), "64KiB");
  EXPECT_EQ(format_size(1ULL << 30), "1GiB");
  EXPECT_EQ(format_size(0), "0B");
}

}  // namespace
}  // namespace ipcsim::scenario

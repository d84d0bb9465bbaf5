#include "viz/text.hpp"

#include <gtest/gtest.h>

namespace ipcsim::viz {
namespace {

TEST(TextTest, TimesKeepEveryDigit) {
  EXPECT_EQ(format_ns(0), "0 ns");
  EXPECT_EQ(format_ns(999), "999 ns");
  EXPECT_EQ(format_ns(1000), "1 µs");
  EXPECT_EQ(format_ns(1064), "1.064 µs");
  EXPECT_EQ(format_ns(53'250), "53.25 µs");
  EXPECT_EQ(format_ns(2'000'000), "2 ms");
  EXPECT_EQ(format_ns(1'000'001), "1.000001 ms");
  EXPECT_EQ(format_ns(1'500'000'000), "1.5 s");
  EXPECT_EQ(format_ns(-1064), "-1.064 µs");
}

TEST(TextTest, Escaping) {
  EXPECT_EQ(escape_xml("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
  EXPECT_EQ(escape_dot("say \"hi\"\\\n"), "say \\\"hi\\\"\\\\\\n");
  EXPECT_EQ(json_string("a\"b\n\x01"), "\"a\\\"b\\n\\u0001\"");
}

TEST(TextTest, ShortenCountsCharactersNotBytes) {
  EXPECT_EQ(shorten("µµµµ", 4), "µµµµ");
  EXPECT_EQ(shorten("µµµµµ", 4), "µµµ…");
  EXPECT_EQ(char_count("a→b"), 3u);
}

TEST(TextTest, WidthsGrowWithTextAndSize) {
  EXPECT_GT(text_width_pt("mmmm", 10), text_width_pt("iiii", 10));
  EXPECT_DOUBLE_EQ(text_width_pt("ab", 20), 2 * text_width_pt("ab", 10));
  EXPECT_EQ(text_width_pt("", 10), 0);
}

TEST(TextTest, Numbers) {
  EXPECT_EQ(format_number(2.50, 2), "2.5");
  EXPECT_EQ(format_number(3.0, 2), "3");
  EXPECT_EQ(format_number(-0.001, 2), "0");
  EXPECT_EQ(format_number(1234.5678, 3), "1234.568");
}

}  // namespace
}  // namespace ipcsim::viz

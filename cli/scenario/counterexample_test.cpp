#include "cli/scenario/counterexample.hpp"

#include <gtest/gtest.h>

namespace ipcsim::scenario {
namespace {

Counterexample sample() {
  Counterexample c;
  c.scenario_path = "scenarios/x.toml";
  c.scenario_hash = 0x0123456789abcdefULL;
  c.seed = 17;
  c.property = "no_double_delivery";
  c.message = "twice";
  c.found_by = "fuzz";
  c.choices = {{sim::ChoiceKind::Schedule, 2, 1}, {sim::ChoiceKind::FaultDuplicate, 2, 1}};
  c.original_choices = {{sim::ChoiceKind::Schedule, 3, 2}};
  return c;
}

TEST(CounterexampleTest, RoundTrips) {
  Diagnostics diag;
  auto back = parse_counterexample(format_counterexample(sample()), "c.json", diag);
  ASSERT_TRUE(back) << diag.format();
  EXPECT_EQ(back->scenario_path, "scenarios/x.toml");
  EXPECT_EQ(back->scenario_hash, 0x0123456789abcdefULL);
  EXPECT_EQ(back->seed, 17u);
  EXPECT_EQ(back->choices, sample().choices);
  EXPECT_EQ(back->original_choices, sample().original_choices);
  EXPECT_FALSE(back->max_faults.has_value());
}

TEST(CounterexampleTest, SyntaxErrorsHaveLineAndColumn) {
  Diagnostics diag;
  EXPECT_FALSE(parse_counterexample("{\n  \"seed\": 1,\n  oops\n}", "c.json", diag));
  ASSERT_EQ(diag.errors().size(), 1u);
  EXPECT_EQ(diag.errors()[0].at.line, 3);
  EXPECT_EQ(diag.errors()[0].at.column, 3);
  EXPECT_NE(diag.errors()[0].message.find("JSON syntax"), std::string::npos);
}

TEST(CounterexampleTest, BadValuesNameTheKey) {
  std::string text = format_counterexample(sample());
  text.replace(text.find("\"s/2=1 dup/2=1\""), 15, "\"s/2=1 dup/2=7\"");
  text.replace(text.find("\"seed\": 17"), 10, "\"seed\": -3");
  Diagnostics diag;
  EXPECT_FALSE(parse_counterexample(text, "c.json", diag));
  const std::string all = diag.format();
  EXPECT_NE(all.find("c.json:6:3: error: seed: expected a non-negative integer"), std::string::npos) << all;
  EXPECT_NE(all.find("error: choices: expected a value below n=2 at character 13 of the choice list"), std::string::npos)
      << all;
}

// nlohmann's get<std::uint32_t>() keeps the low 32 bits: 2^32 + 1 would read as 1.
TEST(CounterexampleTest, MaxFaultsBeyond32BitsIsRefused) {
  std::string text = format_counterexample(sample());
  text.replace(text.find("\"max_faults\": null"), 18, "\"max_faults\": 4294967297");
  Diagnostics diag;
  EXPECT_FALSE(parse_counterexample(text, "c.json", diag));
  EXPECT_NE(diag.format().find("error: max_faults: expected an integer from 0 to 4294967295, or null"), std::string::npos)
      << diag.format();
}

}  // namespace
}  // namespace ipcsim::scenario

#include "cli/scenario/counterexample.hpp"

#include <gtest/gtest.h>

#include "cli/scenario/scenario.hpp"

namespace ipcsim::scenario {
namespace {

Counterexample sample() {
  Counterexample c;
  c.scenario_path = "/home/ci/scenarios/x.toml";
  // "seed" in the text: errors about the key must not point in here.
  c.scenario_text = "[scenario]\nname = \"seed\"\n";
  c.scenario_hash = fnv1a(*c.scenario_text);
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
  EXPECT_EQ(back->version, kCounterexampleVersion);
  EXPECT_EQ(back->scenario_path, "/home/ci/scenarios/x.toml");
  EXPECT_EQ(back->scenario_text, sample().scenario_text);
  EXPECT_EQ(back->scenario_hash, fnv1a(*sample().scenario_text));
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

// The scenario travels with the counterexample; changing it by hand is caught.
TEST(CounterexampleTest, AnEditedScenarioTextIsRefused) {
  std::string text = format_counterexample(sample());
  text.replace(text.find("name = \\\"seed\\\""), 15, "name = \\\"edit\\\"");
  Diagnostics diag;
  EXPECT_FALSE(parse_counterexample(text, "c.json", diag));
  EXPECT_NE(diag.format().find("c.json:5:3: error: scenario_hash: the embedded scenario_text hashes to "),
            std::string::npos)
      << diag.format() << text;
  EXPECT_NE(diag.format().find("it was changed after the counterexample was recorded"), std::string::npos);
}

TEST(CounterexampleTest, VersionTwoNeedsTheScenarioText) {
  std::string text = format_counterexample(sample());
  const std::size_t at = text.find(",\n  \"scenario_text\"");
  text = text.substr(0, at) + "\n}\n";
  Diagnostics diag;
  EXPECT_FALSE(parse_counterexample(text, "c.json", diag));
  EXPECT_EQ(diag.format(), "c.json:1:1: error: scenario_text: missing required key (expected a string)\n");
}

// Version 1 files name their scenario by path only: readable, but a replay
// needs the scenario file, and says so (with the recorded path and hash).
TEST(CounterexampleTest, VersionOneNeedsTheScenarioFromElsewhere) {
  const std::string v1 =
      "{\n  \"format\": \"ipcsim-counterexample\",\n  \"version\": 1,\n  \"scenario\": \"/ci/x.toml\",\n"
      "  \"scenario_hash\": \"0123456789abcdef\",\n  \"seed\": 3,\n  \"max_faults\": null,\n"
      "  \"property\": \"p\",\n  \"choices\": \"s/2=1\",\n  \"original_choices\": \"\"\n}\n";
  Diagnostics diag;
  EXPECT_FALSE(parse_counterexample(v1, "old.json", diag));
  EXPECT_EQ(diag.format(),
            "old.json:3:3: error: version: a version 1 counterexample does not carry its scenario: replay it against "
            "the scenario file it was recorded from (\"/ci/x.toml\", hash 0123456789abcdef) with --scenario PATH, or "
            "record it again with fuzz or check\n");
  Diagnostics given;
  auto c = parse_counterexample(v1, "old.json", given, /*scenario_given=*/true);
  ASSERT_TRUE(c) << given.format();
  EXPECT_EQ(c->version, 1);
  EXPECT_FALSE(c->scenario_text);
  EXPECT_EQ(c->scenario_hash, 0x0123456789abcdefULL);
}

TEST(CounterexampleTest, UnknownVersionsAreRefused) {
  std::string text = format_counterexample(sample());
  text.replace(text.find("\"version\": 2"), 12, "\"version\": 3");
  Diagnostics diag;
  EXPECT_FALSE(parse_counterexample(text, "c.json", diag));
  EXPECT_NE(diag.format().find("c.json:3:3: error: version: expected version 1 or 2"), std::string::npos)
      << diag.format();
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

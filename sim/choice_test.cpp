#include <gtest/gtest.h>

#include "sim/random_chooser.hpp"
#include "sim/replay_chooser.hpp"

namespace ipcsim::sim {
namespace {

TEST(ChoiceText, FormatsAndParsesBack) {
  const ChoiceList list = {{ChoiceKind::Schedule, 3, 1}, {ChoiceKind::FaultDrop, 2, 0},
                           {ChoiceKind::MessageOrder, 4, 3}, {ChoiceKind::FaultPartition, 2, 1},
                           {ChoiceKind::FaultTamper, 2, 1}};
  const std::string text = format_choices(list);
  EXPECT_EQ(text, "s/3=1 drop/2=0 o/4=3 partition/2=1 tamper/2=1");
  ChoiceList back;
  ChoiceParseError err;
  ASSERT_TRUE(parse_choices(text, back, err)) << err.expected;
  EXPECT_EQ(back, list);
}

TEST(ChoiceText, BadInputNamesTheColumnAndWhatWasExpected) {
  ChoiceList out;
  ChoiceParseError err;
  EXPECT_FALSE(parse_choices("s/3=1 bogus/2=0", out, err));
  EXPECT_EQ(err.column, 7u);
  EXPECT_NE(err.expected.find("choice kind"), std::string::npos);
  EXPECT_FALSE(parse_choices("s/3=3", out, err));
  EXPECT_EQ(err.column, 5u);
  EXPECT_EQ(err.expected, "a value below n=3");
  EXPECT_FALSE(parse_choices("s/1=0", out, err));
  EXPECT_FALSE(parse_choices("s/3", out, err));
  EXPECT_TRUE(parse_choices("  ", out, err));
  EXPECT_TRUE(out.empty());
}

TEST(RandomChooserTest, FaultPointsFollowTheirProbability) {
  RandomChooser r(1);
  int fired = 0;
  ChoicePoint p{ChoiceKind::FaultDrop, 2, 100'000, 0, nullptr};
  for (int i = 0; i < 10'000; ++i) fired += static_cast<int>(r.choose(p));
  EXPECT_GT(fired, 850);
  EXPECT_LT(fired, 1150);
  ChoicePoint never{ChoiceKind::FaultDrop, 2, 0, 0, nullptr};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(r.choose(never), 0u);
}

TEST(ReplayChooserTest, StrictDetectsMismatchAndExhaustion) {
  ReplayChooser strict({{ChoiceKind::Schedule, 2, 1}});
  EXPECT_THROW(strict.choose({ChoiceKind::Schedule, 3, 0, 0, nullptr}), ReplayDivergence);
  ReplayChooser short_list({{ChoiceKind::Schedule, 2, 1}});
  EXPECT_EQ(short_list.choose({ChoiceKind::Schedule, 2, 0, 0, nullptr}), 1u);
  EXPECT_THROW(short_list.choose({ChoiceKind::Schedule, 2, 0, 1, nullptr}), ReplayDivergence);
}

TEST(ReplayChooserTest, LenientFallsBackToZeroOrToTheNextChooser) {
  ReplayChooser lenient({{ChoiceKind::Schedule, 2, 1}, {ChoiceKind::FaultDrop, 2, 1}}, ReplayChooser::Mode::Lenient);
  EXPECT_EQ(lenient.choose({ChoiceKind::Schedule, 5, 0, 0, nullptr}), 1u);   // still fits
  EXPECT_EQ(lenient.choose({ChoiceKind::Schedule, 2, 0, 1, nullptr}), 0u);   // kind differs
  EXPECT_EQ(lenient.choose({ChoiceKind::Schedule, 2, 0, 2, nullptr}), 0u);   // exhausted
  RandomChooser after(3);
  ReplayChooser prefix({{ChoiceKind::Schedule, 2, 1}}, ReplayChooser::Mode::Strict, &after);
  EXPECT_EQ(prefix.choose({ChoiceKind::Schedule, 2, 0, 0, nullptr}), 1u);
  for (int i = 0; i < 10; ++i) EXPECT_LT(prefix.choose({ChoiceKind::Schedule, 7, 0, 1, nullptr}), 7u);
}

}  // namespace
}  // namespace ipcsim::sim

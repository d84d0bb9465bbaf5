// The shm properties as listed: each name makes its own monitor, once.
#include "cli/drivers/shm_properties.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ipcsim::drivers::shm_scenario {
namespace {

TEST(ShmPropertiesTest, EachListedPropertyMakesTheMonitorOfThatName) {
  std::set<std::string> names;
  for (const auto& [name, description] : shm_properties()) {
    EXPECT_TRUE(names.insert(name).second) << name << " listed twice";
    EXPECT_FALSE(description.empty()) << name;
    const auto monitor = make_shm_monitor(name);
    ASSERT_NE(monitor, nullptr) << name;
    EXPECT_EQ(monitor->property(), name);
  }
  EXPECT_EQ(names, (std::set<std::string>{"admin_exclusion", "published_complete", "no_overlap", "coalesced_at_end",
                                          "two_contenders", "isolation", "transfer_intact", "no_loss",
                                          "crash_cleanup"}));
}

}  // namespace
}  // namespace ipcsim::drivers::shm_scenario

// The machine drawn from the trace's declarations.
#include <gtest/gtest.h>

#include "viz/testing/golden.hpp"
#include "viz/testing/xml_check.hpp"
#include "viz/topology.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::viz {
namespace {

TEST(TopologyTest, CpusBusesRegionsAndPorts) {
  const Trace t = testing::stored_trace("crash");
  const std::string dot = topology_dot(t);
  for (const char* expected : {"cpu0 -- ", "bus0 -- cpu0", "bus0 -- cpu1", "bus0 -- cpu2", "cpu1 -- region0",
                               "cpu2 -- region0", "shared · 4 KiB", "1 µs · 100 MB/s", "port worker1.in\\nread by worker1"}) {
    EXPECT_NE(dot.find(expected), std::string::npos) << "missing " << expected << " in\n" << dot;
  }
  EXPECT_NE(dot.find("worker2, worker2"), std::string::npos) << "both incarnations of worker2 ran on cpu2";
  testing::expect_golden("crash.topology.dot", dot);
  const testing::XmlCheck xml = testing::check_xml(topology_svg(t));
  ASSERT_TRUE(xml.ok) << xml.error;
}

TEST(TopologyTest, RendersTheSameEveryTime) {
  const Trace t = testing::stored_trace("crash");
  const std::string first = topology_svg(t);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(topology_svg(t) == first) << "render " << i << " differs";
}

TEST(TopologyTest, Units) {
  EXPECT_EQ(format_bytes(100), "100 B");
  EXPECT_EQ(format_bytes(65536), "64 KiB");
  EXPECT_EQ(format_bytes(1536 * 1024), "1.5 MiB");
  EXPECT_EQ(format_rate(1'000'000'000), "1 GB/s");
  EXPECT_EQ(format_rate(12'500), "12.5 kB/s");
  EXPECT_EQ(format_rate(0), "unlimited");
}

}  // namespace
}  // namespace ipcsim::viz

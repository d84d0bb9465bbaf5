// Plots: axes, ticks, units, legend, and well-formed SVG.
#include <gtest/gtest.h>

#include <cmath>

#include "viz/errors.hpp"
#include "viz/plot.hpp"
#include "viz/testing/xml_check.hpp"

namespace ipcsim::viz {
namespace {

Plot scan_plot(PlotKind kind) {
  Plot p;
  p.kind = kind;
  p.title = "message-list scan: inspections per message";
  p.x_label = "processors";
  p.y_label = "inspections per message";
  p.series = {{"restart at head", {{1, 4.0}, {2, 7.5}, {4, 15.2}, {8, 31.0}}},
              {"look-ahead pointer", {{1, 1.2}, {2, 1.4}, {4, 1.9}, {8, 2.6}}},
              {"adaptive reset", {{1, 1.1}, {2, 1.3}, {4, 1.6}, {8, 2.0}}}};
  return p;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(PlotTest, LineChartHasAxesTicksLegendAndSeries) {
  const std::string svg = plot_svg(scan_plot(PlotKind::Line));
  const testing::XmlCheck xml = testing::check_xml(svg);
  ASSERT_TRUE(xml.ok) << xml.error;
  EXPECT_EQ(xml.root, "svg");
  EXPECT_EQ(count(svg, "<g class=\"axis y\">"), 1u);
  EXPECT_EQ(count(svg, "<g class=\"axis x\">"), 1u);
  EXPECT_EQ(count(svg, "<g class=\"legend\">"), 1u);
  EXPECT_EQ(count(svg, "<g class=\"series\""), 3u);
  EXPECT_EQ(count(svg, "<polyline"), 3u);
  EXPECT_GE(count(svg, "class=\"tick\""), 8u);
  for (const char* text : {"processors", "inspections per message", "restart at head", "look-ahead pointer",
                           "adaptive reset", "message-list scan: inspections per message"}) {
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  }
  // Nice ticks: 0 to 35 in fives on y, 0 to 8 on x.
  EXPECT_NE(svg.find(">35</text>"), std::string::npos);
  EXPECT_NE(svg.find(">0</text>"), std::string::npos);
  EXPECT_EQ(svg, plot_svg(scan_plot(PlotKind::Line))) << "deterministic";
}

TEST(PlotTest, UnitsGoInTheAxisTitles) {
  Plot p = scan_plot(PlotKind::Line);
  p.x_unit = "CPUs";
  p.y_unit = "per message";
  const std::string svg = plot_svg(p);
  EXPECT_NE(svg.find("processors (CPUs)"), std::string::npos);
  EXPECT_NE(svg.find("inspections per message (per message)"), std::string::npos);
}

TEST(PlotTest, BarChartGroupsBarsByX) {
  const std::string svg = plot_svg(scan_plot(PlotKind::Bar));
  ASSERT_TRUE(testing::check_xml(svg).ok);
  // 3 series × 4 categories, plus the background and 3 legend swatches.
  EXPECT_EQ(count(svg, "<rect"), 12u + 1u + 3u);
  for (const char* category : {">1</text>", ">2</text>", ">4</text>", ">8</text>"}) {
    EXPECT_NE(svg.find(category), std::string::npos) << category;
  }
  EXPECT_EQ(count(svg, "<g class=\"legend\">"), 1u);
}

TEST(PlotTest, EdgeCases) {
  Plot empty;
  empty.title = "nothing";
  const std::string svg = plot_svg(empty);
  EXPECT_TRUE(testing::check_xml(svg).ok);
  EXPECT_NE(svg.find("no data"), std::string::npos);
  Plot one;
  one.series = {{"a & <b>", {{3, 3}}}};
  const std::string single = plot_svg(one);
  EXPECT_TRUE(testing::check_xml(single).ok) << "names are escaped";
  EXPECT_NE(single.find("a &amp; &lt;b&gt;"), std::string::npos);
  Plot bad = scan_plot(PlotKind::Line);
  bad.series[0].points.push_back({16, std::nan("")});
  EXPECT_THROW(plot_svg(bad), VizError);
  Plot tiny = scan_plot(PlotKind::Line);
  tiny.width = 50;
  EXPECT_THROW(plot_svg(tiny), VizError);
}

}  // namespace
}  // namespace ipcsim::viz

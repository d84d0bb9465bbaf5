// The HTML report: one self-contained file with the summary and the diagrams.
#include <gtest/gtest.h>

#include <set>

#include "viz/html_report.hpp"
#include "viz/testing/golden.hpp"
#include "viz/testing/xml_check.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::viz {
namespace {

TEST(HtmlReportTest, SelfContainedWithSummaryDiagramAndTimelineLink) {
  const Trace t = testing::stored_trace("crash");
  RunSummary s;
  s.scenario = "crash.toml";
  s.seed = 2;
  s.outcome = "violated: no_loss";
  s.ok = false;
  s.expected = "pass";
  s.properties = {{"no_loss", "violated", "message #4 lost"}, {"progress", "holds", ""}};
  s.counts = {{"steps", "21"}};
  s.choices = "s/2=1 crash/2=1";
  ReportOptions o;
  o.perfetto_href = "crash.perfetto.json";
  const std::string html = html_report(s, t, o);
  const testing::XmlCheck xml = testing::check_xml(html);
  ASSERT_TRUE(xml.ok) << xml.error;
  EXPECT_EQ(xml.root, "html");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos) << "nothing loaded from elsewhere";
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos) << "SVG inlined without its prolog";
  EXPECT_NE(html.find("href=\"crash.perfetto.json\""), std::string::npos);
  for (const char* text : {"crash.toml", "violated: no_loss", "message #4 lost", "s/2=1 crash/2=1", "CPU crashes",
                           "messages dropped", "Machine", "master", "worker1"}) {
    EXPECT_NE(html.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(html.find("Lock order"), std::string::npos) << "no locks in this run";
  // Ids are unique on the page although it holds two Graphviz drawings.
  std::set<std::string> ids;
  for (std::size_t at = html.find(" id=\""); at != std::string::npos; at = html.find(" id=\"", at + 1)) {
    const std::size_t end = html.find('"', at + 5);
    EXPECT_TRUE(ids.insert(html.substr(at + 5, end - at - 5)).second) << "duplicate id " << html.substr(at + 5, end - at - 5);
  }
  EXPECT_GT(ids.size(), 20u);
}

TEST(HtmlReportTest, LockGraphAppearsWhenLocksWereTaken) {
  const Trace t = testing::stored_trace("abba");
  const std::string html = html_report(RunSummary{.scenario = "abba", .outcome = "pass"}, t);
  EXPECT_NE(html.find("Lock order"), std::string::npos);
  EXPECT_NE(html.find("potential deadlock"), std::string::npos);
  EXPECT_TRUE(testing::check_xml(html).ok);
}

TEST(HtmlReportTest, InlineSvgDropsThePrologue) {
  EXPECT_EQ(inline_svg("<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg a=\"1\"/>"), "<svg a=\"1\"/>");
  EXPECT_EQ(inline_svg("<svg id=\"graph0\"><g id=\"node1\" class=\"x\"/></svg>", "seq"),
            "<svg id=\"seq-graph0\"><g id=\"seq-node1\" class=\"x\"/></svg>");
}

}  // namespace
}  // namespace ipcsim::viz

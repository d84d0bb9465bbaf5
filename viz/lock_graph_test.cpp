// The lock-order graph: held -> acquired edges, and the cycle of an ABBA
// inversion found in a run that never deadlocked.
#include <gtest/gtest.h>

#include "viz/lock_graph.hpp"
#include "viz/testing/golden.hpp"
#include "viz/testing/programs.hpp"
#include "viz/testing/xml_check.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::viz {
namespace {

Trace stored(const std::string& name) { return testing::stored_trace(name); }

TEST(LockGraphTest, AbbaInversionIsACycleEvenWithoutADeadlock) {
  const Trace t = stored("abba");
  // The run itself ended well.
  EXPECT_EQ(t.records().back().str_field("outcome"), "quiescent");
  const LockGraph g = lock_graph(t);
  ASSERT_EQ(g.locks, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_TRUE(g.has_cycle());
  ASSERT_EQ(g.cycles.size(), 1u);
  EXPECT_EQ(g.cycles[0].size(), 2u);
  EXPECT_TRUE(g.lock_in_cycle[0]);
  EXPECT_TRUE(g.lock_in_cycle[1]);
  EXPECT_FALSE(g.lock_in_cycle[2]) << "c is always taken last: no cycle through it";
  // a->b by w1, b->a, b->c and a->c by w2.
  ASSERT_EQ(g.edges.size(), 4u);
  EXPECT_EQ(g.locks[g.edges[0].from] + "->" + g.locks[g.edges[0].to], "a->b");
  EXPECT_EQ(g.edges[0].actor, "w1");
  EXPECT_TRUE(g.edges[0].in_cycle);
  EXPECT_NE(g.edges[0].held_site.find("programs.cpp:"), std::string::npos);
  EXPECT_NE(g.edges[0].held_site, g.edges[0].acquired_site);
  int cycle_edges = 0;
  for (const LockEdge& e : g.edges) cycle_edges += e.in_cycle ? 1 : 0;
  EXPECT_EQ(cycle_edges, 2);
  const std::string dot = lock_graph_dot(g);
  EXPECT_NE(dot.find("CYCLE (potential deadlock): a → b → a"), std::string::npos) << dot;
}

TEST(LockGraphTest, OneOrderHasNoCycle) {
  const LockGraph g = lock_graph(stored("sync"));
  EXPECT_EQ(g.locks, (std::vector<std::string>{"m"}));
  EXPECT_TRUE(g.edges.empty()) << "m is never held with another lock";
  EXPECT_FALSE(g.has_cycle());
  EXPECT_EQ(g.acquisitions, 2u);
}

TEST(LockGraphTest, SelfLoopIsACycle) {
  // Two mutexes of one class taken together: lockdep calls this recursion.
  const std::string jsonl =
      R"({"seq":0,"t":0,"kind":"sim.object","obj":1,"type":"mutex","name":"bucket"}
{"seq":1,"t":0,"kind":"sim.object","obj":2,"type":"mutex","name":"bucket"}
{"seq":2,"t":0,"cpu":0,"actor":1,"kind":"mutex.lock","obj":1,"site":"x.cpp:1"}
{"seq":3,"t":0,"cpu":0,"actor":1,"kind":"mutex.lock","obj":2,"site":"x.cpp:2"}
)";
  const LockGraph g = lock_graph(testing::parse(jsonl, "self"));
  ASSERT_EQ(g.locks.size(), 1u);
  ASSERT_TRUE(g.has_cycle());
  EXPECT_EQ(g.cycles[0], (std::vector<std::size_t>{0}));
}

TEST(LockGraphTest, GoldenDotAndWellFormedSvg) {
  testing::expect_golden("abba.locks.dot", lock_graph_dot(stored("abba")));
  const testing::XmlCheck xml = testing::check_xml(lock_graph_svg(stored("abba")));
  ASSERT_TRUE(xml.ok) << xml.error;
  const std::string svg = lock_graph_svg(stored("abba"));
  EXPECT_NE(svg.find("#c0392b"), std::string::npos) << "cycle drawn red";
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(lock_graph_svg(stored("abba")) == svg) << "render " << i << " differs";
  const std::string none = lock_graph_dot(stored("ping_pong"));
  EXPECT_NE(none.find("no mutex.lock records"), std::string::npos);
  EXPECT_TRUE(testing::check_xml(lock_graph_svg(stored("ping_pong"))).ok);
}

}  // namespace
}  // namespace ipcsim::viz

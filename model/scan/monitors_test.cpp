// The scan monitors on hand-built traces: each catches what it must and
// accepts what is allowed.
#include "model/scan/monitors.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ipcsim::model::scan {
namespace {

struct Feed {
  std::uint64_t seq = 0;
  void operator()(Monitor& m, std::string_view kind, std::vector<sim::Field> fields) {
    sim::TraceRecord r;
    r.seq = seq;
    r.time = sim::at_ns(static_cast<std::int64_t>(seq));
    ++seq;
    r.kind = kind;
    r.fields = fields;
    m.on_record(r);
  }
  // A message appended at the tail of a list the monitor follows link by link.
  void post(Monitor& m, std::uint64_t msg, std::uint32_t slot, std::uint32_t prev_tail, const char* to,
            bool urgent = false) {
    (*this)(m, "scan.link", {{"from", slot}, {"to", 0u}});
    (*this)(m, "scan.link", {{"from", prev_tail}, {"to", slot}});
    (*this)(m, "scan.tail", {{"slot", slot}});
    (*this)(m, "scan.post",
            {{"msg", msg}, {"recipients", to}, {"slot", slot}, {"gen", 0u}, {"from", 0u}, {"urgent", urgent}});
  }
  void scan(Monitor& m, std::uint32_t proc) { (*this)(m, "scan.start", {{"proc", proc}}); }
  void retrieve(Monitor& m, std::uint32_t proc, std::uint64_t msg) {
    (*this)(m, "scan.retrieve", {{"proc", proc}, {"msg", msg}, {"slot", 0u}});
  }
};

sim::RunResult quiescent() { return sim::RunResult{}; }

TEST(ExactlyOnceMonitorTest, RetrievedOnceByEachRecipientPasses) {
  ExactlyOnceMonitor m(0);
  Feed f;
  f.post(m, 1, 1, 0, "1,2");
  f.scan(m, 1);
  f.retrieve(m, 1, 1);
  f.scan(m, 2);
  f.retrieve(m, 2, 1);
  f(m, "scan.proc.done", {{"proc", 1u}});
  m.finish(quiescent());
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.retrievals(), 2u);
}

TEST(ExactlyOnceMonitorTest, TwiceOrByANonRecipientFails) {
  ExactlyOnceMonitor twice(0), stranger(0);
  Feed f;
  f.post(twice, 1, 1, 0, "1");
  f.retrieve(twice, 1, 1);
  f.retrieve(twice, 1, 1);
  ASSERT_TRUE(twice.violated());
  EXPECT_EQ(twice.violation()->message, "processor 'p1' retrieved message #1 twice");
  f.post(stranger, 1, 1, 0, "1");
  f.retrieve(stranger, 2, 1);
  ASSERT_TRUE(stranger.violated());
  EXPECT_EQ(stranger.violation()->message, "processor 'p2' retrieved message #1, which is not addressed to it");
}

TEST(ExactlyOnceMonitorTest, ATailMessageMustComeWithinItsScans) {
  ExactlyOnceMonitor m(4);
  Feed f;
  f.post(m, 1, 1, 0, "0");
  f.post(m, 2, 2, 1, "0");  // one ahead of it: within 2 scans
  f.scan(m, 0);
  f.retrieve(m, 0, 1);
  f.scan(m, 0);
  EXPECT_FALSE(m.violated());
  f.scan(m, 0);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "processor 'p0' did not retrieve message #2 within 2 scans of its posting (bound (k+1)(N+1): k = 1 ahead "
            "of it, N = 0 for a message appended at the tail)");
}

TEST(ExactlyOnceMonitorTest, AnUrgentMessageMayWaitForAReset) {
  ExactlyOnceMonitor m(2);
  Feed f;
  f.post(m, 1, 1, 0, "0", /*urgent=*/true);
  for (int i = 0; i < 3; ++i) f.scan(m, 0);  // N + 1 = 3 scans
  EXPECT_FALSE(m.violated());
  f.scan(m, 0);
  EXPECT_TRUE(m.violated());
  // With no threshold at all, only the end judges it.
  ExactlyOnceMonitor none(UINT32_MAX);
  f.post(none, 1, 1, 0, "0", true);
  for (int i = 0; i < 100; ++i) f.scan(none, 0);
  EXPECT_FALSE(none.violated());
  f(none, "scan.proc.done", {{"proc", 0u}});
  none.finish(quiescent());
  ASSERT_TRUE(none.violated());
  EXPECT_EQ(none.violation()->message,
            "processor 'p0' ended without retrieving message #1 (1 message(s) addressed to it never retrieved)");
}

TEST(OrderMonitorTest, OvertakingATailMessageFailsAnUrgentOneIsCounted) {
  OrderMonitor m;
  Feed f;
  f.post(m, 1, 1, 0, "0");
  f.post(m, 2, 2, 1, "0", /*urgent=*/true);  // at the head: ahead of #1
  f.retrieve(m, 0, 1);                       // passes over the urgent one: counted
  EXPECT_FALSE(m.violated());
  EXPECT_EQ(m.deviations(), 1u);
  f.post(m, 3, 3, 1, "0");
  f.post(m, 4, 4, 3, "0");
  f.retrieve(m, 0, 4);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "processor 'p0' retrieved message #4 while the older message #3, ahead of it in the list, still waited "
            "for it");
}

TEST(ChainMonitorTest, AppendsAndProperRemovalsKeepOneChain) {
  ChainMonitor m;
  Feed f;
  f.post(m, 1, 1, 0, "0");
  f.post(m, 2, 2, 1, "0");
  f.post(m, 3, 3, 2, "0");
  f(m, "scan.link", {{"from", 1u}, {"to", 3u}});  // unlink 2
  f(m, "scan.remove", {{"proc", 0u}, {"msg", 2u}, {"slot", 2u}});
  EXPECT_FALSE(m.violated());
  f(m, "scan.link", {{"from", 0u}, {"to", 3u}});  // unlink 1 at the head
  f(m, "scan.remove", {{"proc", 0u}, {"msg", 1u}, {"slot", 1u}});
  EXPECT_FALSE(m.violated());
}

TEST(ChainMonitorTest, ADanglingNextLinkFails) {
  ChainMonitor m;
  Feed f;
  f.post(m, 1, 1, 0, "0");
  f.post(m, 2, 2, 1, "0");
  f.post(m, 3, 3, 2, "0");
  f(m, "scan.remove", {{"proc", 0u}, {"msg", 2u}, {"slot", 2u}});  // slot 1 still points at 2
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message, "the list's links reach slot 2, which holds no message (from slot 1)");
}

TEST(ChainMonitorTest, AWrongTailFails) {
  ChainMonitor m;
  Feed f;
  f.post(m, 1, 1, 0, "0");
  f(m, "scan.link", {{"from", 2u}, {"to", 0u}});
  f(m, "scan.link", {{"from", 1u}, {"to", 2u}});
  f(m, "scan.post", {{"msg", 2u}, {"slot", 2u}, {"recipients", "0"}});  // the tail pointer left at 1
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message, "the chain ends at slot 2 but the tail pointer is slot 1");
}

TEST(LiveSlotsMonitorTest, InspectingAFreedSlotFails) {
  LiveSlotsMonitor m;
  Feed f;
  f.post(m, 1, 1, 0, "0");
  f(m, "scan.inspect", {{"slot", 1u}});
  EXPECT_FALSE(m.violated());
  f(m, "scan.remove", {{"proc", 0u}, {"msg", 1u}, {"slot", 1u}});
  f(m, "scan.inspect", {{"slot", 1u}});
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message, "a scan inspected slot 1, which is free (message #1 was removed from it)");
}

TEST(MessageLossMonitorTest, RemovedEarlyOrMissingAtTheEndFails) {
  MessageLossMonitor early;
  Feed f;
  f.post(early, 1, 1, 0, "1,2");
  f.retrieve(early, 1, 1);
  f(early, "scan.done", {{"proc", 1u}, {"msg", 1u}});
  f(early, "scan.remove", {{"proc", 1u}, {"msg", 1u}, {"slot", 1u}});
  ASSERT_TRUE(early.violated());
  EXPECT_EQ(early.violation()->message, "message #1 was removed before 'p2' retrieved it: lost");

  MessageLossMonitor kept, lost;
  f.post(kept, 1, 1, 0, "1,2");
  f.retrieve(kept, 1, 1);
  f(kept, "scan.left", {{"msg", 1u}, {"slot", 1u}, {"pending", "2"}, {"remaining", 2u}});
  kept.finish(quiescent());
  EXPECT_FALSE(kept.violated()) << kept.violation()->message;
  f.post(lost, 1, 1, 0, "1");
  lost.finish(quiescent());
  ASSERT_TRUE(lost.violated());
  EXPECT_EQ(lost.violation()->message,
            "message #1 (to 'p1') was neither removed nor left in the list (no inventory was recorded): lost");
}

}  // namespace
}  // namespace ipcsim::model::scan

// transfer_intact on hand-written traces.
#include "model/shm/transfer_intact_monitor.hpp"

#include <gtest/gtest.h>

#include "model/shm/monitor_test_support.hpp"

namespace ipcsim::model::shm {
namespace {

using namespace testing;

void two_processes(Script& s) {
  s.create();
  s.register_process(kP1);
  s.register_process(kP2);
}

TEST(TransferIntactMonitorTest, AcceptsTransfersEachReceivedOnceIntact) {
  TransferIntactMonitor m;
  Script s{m};
  two_processes(s);
  s.transfer(100, kP1, kP2);
  s.transfer(101, kP2, kP1);
  s.send(102, kP1, kP2);  // still pending at the end: not this property's concern
  m.finish(ended(sim::RunOutcome::Horizon));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.receives_checked(), 2u);
}

TEST(TransferIntactMonitorTest, CatchesACorruptedPayload) {
  TransferIntactMonitor m;
  Script s{m};
  two_processes(s);
  s.send(100, kP1, kP2, 100, 0x1111);
  s.grant(100, kP1, kP2);
  s.receive(100, kP1, kP2, 100, 0x2222);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p2' (#4) received transfer 100 from 'p1' (#3) to 'p2' (#4) corrupted: checksum 8738 of the bytes read, "
            "4369 of the bytes sent");
}

// publish_before_write: the location record goes out before the payload is in.
TEST(TransferIntactMonitorTest, CatchesARecordPublishedBeforeItsPayload) {
  TransferIntactMonitor m;
  Script s{m};
  two_processes(s);
  s.alloc(1, 0, 100, 128, kP1);
  s.acquire(kP1);
  s("shm.send", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}, {"bytes", 100}, {"sum", 5}, {"flow_out", 100}}, kP1);
  s("shm.loc.write", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}, {"rel", 0}, {"bytes", 100}}, kP1);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p1' (#3) published the location record of transfer 100 ([0, +100)) before its payload was written");
}

TEST(TransferIntactMonitorTest, CatchesARecordPointingElsewhereThanThePayload) {
  TransferIntactMonitor m;
  Script s{m};
  two_processes(s);
  s("shm.payload.write", {{"xfer", 100}, {"rel", 0}, {"bytes", 100}}, kP1);
  s("shm.send", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}, {"bytes", 100}, {"sum", 5}, {"flow_out", 100}}, kP1);
  s("shm.loc.write", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}, {"rel", 128}, {"bytes", 100}}, kP1);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'p1' (#3) published the location record of transfer 100 as [128, +100), but its payload was written at "
            "[0, +100)");
}

TEST(TransferIntactMonitorTest, CatchesASecondReceiveAndAWrongReceiver) {
  {
    TransferIntactMonitor m;
    Script s{m};
    two_processes(s);
    s.transfer(100, kP1, kP2);
    s("shm.recv", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}, {"bytes", 100}, {"sum", 0xABCDEF}, {"flow_in", 100}},
      kP2);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("'p2' (#4) received transfer 100 from 'p1' (#3) to 'p2' (#4) again (first at "),
              std::string::npos);
  }
  {
    TransferIntactMonitor m;
    Script s{m};
    two_processes(s);
    s.send(100, kP1, kP2);
    s("shm.recv", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}, {"bytes", 100}, {"sum", 0xABCDEF}, {"flow_in", 100}},
      kP3);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "'p3' (#5) received transfer 100 from 'p1' (#3) to 'p2' (#4), which is not its destination");
  }
  {
    TransferIntactMonitor m;
    Script s{m};
    two_processes(s);
    s("shm.recv", {{"xfer", 7}, {"src", kP1}, {"dst", kP2}, {"bytes", 100}, {"sum", 1}, {"flow_in", 7}}, kP2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "'p2' (#4) received transfer 7, which was never sent");
  }
}

}  // namespace
}  // namespace ipcsim::model::shm

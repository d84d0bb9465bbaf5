// no_message_loss on hand-written traces, ending with end-of-run inventories.
#include "model/rtos/message_loss_monitor.hpp"

#include <gtest/gtest.h>

#include "model/rtos/monitor_test_support.hpp"

namespace ipcsim::model::rtos {
namespace {

using namespace testing;

void inventory(Feed& f, Monitor& m, std::uint64_t xchg, std::uint64_t queued, const char* msgs,
               std::uint64_t sticky = 0, std::uint64_t round = 0, bool broken = false) {
  f(m, "rtos.xchg.inventory",
    {{"rtos", 1}, {"xchg", xchg}, {"queued", queued}, {"msgs", msgs}, {"broken_link", broken}, {"sticky", sticky},
     {"round", round}});
}

TEST(MessageLossMonitorTest, EverythingReceivedReleasedQueuedOrOnShowIsAccountedForWhateverTheOutcome) {
  for (auto outcome : {sim::RunOutcome::Quiescent, sim::RunOutcome::Deadlock, sim::RunOutcome::Horizon}) {
    Feed f;
    MessageLossMonitor m;
    declare(f, m);
    send(f, m, 3000, 500, 1, 1, 3);
    send(f, m, 3048, 500, 1, 2, 3);
    send(f, m, 3096, 500, 1, 3, 3);
    receive(f, m, 3000, 500, 1, 1, 4);
    f(m, "rtos.msg.rel", {{"rtos", 1}, {"msg", 3048}, {"proxy_of", 0}}, 3);  // released (one_holder judges by whom)
    send(f, m, 3144, 600, 0, 4, 3, /*round=*/1);
    inventory(f, m, 500, 1, "3096");
    inventory(f, m, 600, 0, "", 3144, 1);
    m.finish(ended(outcome));
    EXPECT_FALSE(m.violated()) << m.violation()->message;
    EXPECT_EQ(m.inventories_checked(), 2u);
  }
}

TEST(MessageLossMonitorTest, CatchesAMessageTheExchangeNoLongerHolds) {
  Feed f;
  MessageLossMonitor m;
  declare(f, m, /*named=*/true);
  send(f, m, 3000, 500, 1, 1, 3);
  send(f, m, 3048, 500, 4, 2, 3);
  receive(f, m, 3048, 500, 4, 2, 4);
  inventory(f, m, 500, 1, "");  // the count still says one, but nothing is linked
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->record_seq, f.seq - 1);
  EXPECT_EQ(m.violation()->message,
            "message 3000, sent to exchange 'x' by 'sender' (#3) at t=" + std::to_string(f.seq - 4) +
                "ns, was never received or released, and the exchange no longer holds it: lost");
}

TEST(MessageLossMonitorTest, CatchesPhantomsBrokenQueuesWrongCountsAndRoundsThatNeverClosed) {
  {
    Feed f;
    MessageLossMonitor m;
    declare(f, m);
    send(f, m, 3000, 500, 1, 1, 3);
    receive(f, m, 3000, 500, 1, 1, 4);
    inventory(f, m, 500, 1, "3000");  // delivered, and still queued
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "exchange #500 still holds message 3000, which was never sent there or was already received or released");
  }
  {
    Feed f;
    MessageLossMonitor m;
    declare(f, m);
    send(f, m, 3000, 500, 1, 1, 3);
    inventory(f, m, 500, 1, "3000", 0, 0, /*broken=*/true);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("the queue of exchange #500 is broken"), std::string::npos);
  }
  {
    Feed f;
    MessageLossMonitor m;
    declare(f, m);
    send(f, m, 3000, 500, 1, 1, 3);
    inventory(f, m, 500, 2, "3000");
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "exchange #500 counts 2 queued message(s) but 1 are linked in its queue");
  }
  {
    // Round 2 never closed (no rtos.bcast.clear), yet the exchange shows nothing.
    Feed f;
    MessageLossMonitor m;
    declare(f, m, /*named=*/true);
    send(f, m, 3000, 600, 0, 1, 3, /*round=*/0);  // the round field is not what numbers rounds
    send(f, m, 3000, 600, 0, 2, 3, /*round=*/0);
    inventory(f, m, 600, 0, "", 0, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "broadcast round 2 of exchange 'bx' (message 3000, sent by 'sender' (#3)) never closed (no "
              "rtos.bcast.clear), yet the exchange shows nothing at the end of the run");
  }
  {
    // Another message put on show without the first one taken off.
    Feed f;
    MessageLossMonitor m;
    declare(f, m, /*named=*/true);
    send(f, m, 3000, 600, 0, 1, 3, 1);
    send(f, m, 3048, 600, 0, 2, 3, 2);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "broadcast round 1 of exchange 'bx' (message 3000, sent by 'sender' (#3)) never closed (no "
              "rtos.bcast.clear): message 3048 was put on show in its place");
  }
  {
    // Released while on show.
    Feed f;
    MessageLossMonitor m;
    declare(f, m, /*named=*/true);
    send(f, m, 3000, 600, 0, 1, 3, 1);
    f(m, "rtos.msg.rel", {{"rtos", 1}, {"msg", 3000}, {"proxy_of", 0}}, 3);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("never closed (no rtos.bcast.clear): 'sender' (#3) released the message "
                                          "while it was on show"),
              std::string::npos);
  }
  {
    // A closed round whose message is still on show.
    Feed f;
    MessageLossMonitor m;
    declare(f, m);
    send(f, m, 3000, 600, 0, 1, 3, 1);
    f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 1}}, 3);
    inventory(f, m, 600, 0, "", 3000, 1);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "exchange #600 shows message 3000 at the end of the run, but no round of it is open");
  }
}

TEST(MessageLossMonitorTest, WithoutAnInventoryNothingCanBeAccountedForUnlessTheMemoryWasLost) {
  {
    Feed f;
    MessageLossMonitor m;
    declare(f, m);
    send(f, m, 3000, 500, 1, 1, 3);
    m.finish(ended(sim::RunOutcome::Quiescent));
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "no end-of-run inventory of exchange #500: message 3000 sent there cannot be accounted for");
  }
  {
    Feed f;
    MessageLossMonitor m;
    declare(f, m);
    send(f, m, 3000, 500, 1, 1, 3);
    f(m, "cpu.crash", {}, 0, 0);  // the RTOS's memory is lost with the message
    m.finish(ended(sim::RunOutcome::Quiescent));
    EXPECT_FALSE(m.violated()) << m.violation()->message;
  }
}

}  // namespace
}  // namespace ipcsim::model::rtos

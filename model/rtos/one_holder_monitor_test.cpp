// one_holder on hand-written traces.
#include "model/rtos/one_holder_monitor.hpp"

#include <gtest/gtest.h>

#include "model/rtos/monitor_test_support.hpp"

namespace ipcsim::model::rtos {
namespace {

using namespace testing;

TEST(OneHolderMonitorTest, AcceptsHandOffsBroadcastsLateReceiversAndReleasesByDeletion) {
  Feed f;
  OneHolderMonitor m;
  declare(f, m);
  msg_get(f, m, 3000, 100, 1000, 3);
  send(f, m, 3000, 600, 0, 1, 3, 1);     // on show, still the sender's
  receive(f, m, 3000, 600, 0, 1, 5, 1);  // a late receiver
  send(f, m, 3000, 500, 0, 2, 3);        // forwarded: the exchange's, off the show
  f(m, "rtos.bcast.clear", {{"rtos", 1}, {"xchg", 600}, {"msg", 3000}, {"round", 1}}, 3);
  receive(f, m, 3000, 500, 0, 2, 4);
  f(m, "sim.kill", {{"reason", "deleted"}}, 4);
  msg_rel(f, m, 3000, 100, 1000, 5);  // released by the deleter of its holder
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.hand_offs(), 2u);
}

TEST(OneHolderMonitorTest, CatchesALateReceiverHandedAMessageThatLeftTheShow) {
  {
    Feed f;
    OneHolderMonitor m;
    declare(f, m, /*named=*/true);
    msg_get(f, m, 3000, 100, 1000, 3);
    send(f, m, 3000, 600, 0, 1, 3, 1);
    send(f, m, 3000, 500, 0, 2, 3);        // forwarded, but (broken) still shown
    receive(f, m, 3000, 600, 0, 1, 5, 1);  // a late receiver at the broadcast exchange
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "late receiver 'other' (#5) was handed message 3000 at broadcast exchange 'bx', but it is no longer on "
              "show there: it is queued at exchange 'x'");
  }
  {
    Feed f;
    OneHolderMonitor m;
    declare(f, m, /*named=*/true);
    msg_get(f, m, 3000, 100, 1000, 3);
    send(f, m, 3000, 600, 0, 1, 3, 1);
    msg_rel(f, m, 3000, 100, 1000, 3);     // released, but (broken) still shown
    receive(f, m, 3000, 600, 0, 1, 5, 1);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("'other' (#5) was handed message 3000 at exchange 'bx', which 'sender' (#3) "
                                          "released at t="),
              std::string::npos);
  }
}

TEST(OneHolderMonitorTest, CatchesActsByWhoDoesNotHoldTheMessage) {
  {
    Feed f;
    OneHolderMonitor m;
    declare(f, m, /*named=*/true);
    msg_get(f, m, 3000, 100, 1000, 3);
    send(f, m, 3000, 500, 0, 1, 3);
    msg_rel(f, m, 3000, 100, 1000, 3);  // the sender kept a stale handle
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message,
              "'sender' (#3) released message 3000 while it is queued at exchange 'x': the exchange holds it");
  }
  {
    Feed f;
    OneHolderMonitor m;
    declare(f, m, /*named=*/true);
    msg_get(f, m, 3000, 100, 1000, 3);
    send(f, m, 3000, 500, 0, 1, 5);  // sent by a task that does not hold it
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->message, "'other' (#5) sent message 3000, which 'sender' (#3) holds");
  }
  {
    Feed f;
    OneHolderMonitor m;
    declare(f, m, /*named=*/true);
    msg_get(f, m, 3000, 100, 1000, 3);
    receive(f, m, 3000, 500, 0, 1, 4);  // taken from an exchange that never had it
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(
        m.violation()->message,
        "'receiver' (#4) received message 3000 from exchange 'x', which does not hold it: 'sender' (#3) holds it");
  }
}

}  // namespace
}  // namespace ipcsim::model::rtos

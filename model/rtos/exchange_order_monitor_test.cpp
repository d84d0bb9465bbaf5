// exchange_order on hand-written traces.
#include "model/rtos/exchange_order_monitor.hpp"

#include <gtest/gtest.h>

#include "model/rtos/monitor_test_support.hpp"

namespace ipcsim::model::rtos {
namespace {

using namespace testing;

TEST(ExchangeOrderMonitorTest, AcceptsHighestPriorityFirstAndFifoAmongEquals) {
  Feed f;
  ExchangeOrderMonitor m;
  declare(f, m);
  send(f, m, 3000, 500, 2, 1, 3);
  send(f, m, 3048, 500, 5, 2, 3);
  send(f, m, 3096, 500, 2, 3, 3);
  send(f, m, 3144, 500, 5, 4, 3);
  receive(f, m, 3048, 500, 5, 2, 4);
  receive(f, m, 3144, 500, 5, 4, 4);
  receive(f, m, 3000, 500, 2, 1, 4);
  receive(f, m, 3096, 500, 2, 3, 4);
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.receives_checked(), 4u);
}

TEST(ExchangeOrderMonitorTest, CatchesALaterEqualAndALowerPriorityTakenFirst) {
  {
    Feed f;
    ExchangeOrderMonitor m;
    declare(f, m, /*named=*/true);
    send(f, m, 3000, 500, 2, 1, 3);
    send(f, m, 3048, 500, 2, 2, 5);
    receive(f, m, 3048, 500, 2, 2, 4);
    ASSERT_TRUE(m.violated());
    EXPECT_EQ(m.violation()->record_seq, f.seq - 1);
    EXPECT_EQ(m.violation()->message,
              "'receiver' (#4) received message 3048 (priority 2, sent by 'other' (#5) at t=" +
                  std::to_string(f.seq - 2) + "ns) from exchange 'x' while message 3000 (priority 2, sent by "
                  "'sender' (#3) at t=" + std::to_string(f.seq - 3) + "ns) was waiting there: same priority, sent "
                  "earlier");
  }
  {
    Feed f;
    ExchangeOrderMonitor m;
    declare(f, m);
    send(f, m, 3000, 500, 1, 1, 3);
    send(f, m, 3048, 500, 7, 2, 3);
    receive(f, m, 3000, 500, 1, 1, 4);
    ASSERT_TRUE(m.violated());
    EXPECT_NE(m.violation()->message.find("while message 3048 (priority 7"), std::string::npos);
    EXPECT_NE(m.violation()->message.find(": higher priority"), std::string::npos);
  }
}

TEST(ExchangeOrderMonitorTest, BroadcastExchangesAndOtherRtossAreNotQueues) {
  Feed f;
  ExchangeOrderMonitor m;
  declare(f, m);
  send(f, m, 3000, 600, 9, 1, 3, /*round=*/1);
  send(f, m, 3048, 500, 1, 2, 3);
  receive(f, m, 3048, 500, 1, 2, 4);
  receive(f, m, 3000, 600, 9, 1, 5, /*round=*/1);
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  // A crash of the RTOS's CPU forgets what waited there.
  send(f, m, 3000, 500, 9, 3, 3);
  f(m, "cpu.crash", {}, 0, 0);
  f(m, "rtos.reset", {{"rtos", 1}, {"mem", 2}});
  send(f, m, 3048, 500, 1, 4, 3);
  receive(f, m, 3048, 500, 1, 4, 4);
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

}  // namespace
}  // namespace ipcsim::model::rtos

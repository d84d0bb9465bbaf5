// no_dangling_proxy on hand-written traces.
#include "model/rtos/dangling_proxy_monitor.hpp"

#include <gtest/gtest.h>

#include "model/rtos/monitor_test_support.hpp"

namespace ipcsim::model::rtos {
namespace {

using namespace testing;

void write(Feed& f, Monitor& m, std::uint64_t msg, std::uint64_t proxy_of, std::uint64_t lo, sim::ActorId who) {
  f(m, "rtos.msg.write", {{"rtos", 1}, {"msg", msg}, {"proxy_of", proxy_of}, {"lo", lo}, {"hi", lo + 4}}, who);
}

TEST(DanglingProxyMonitorTest, AcceptsProxiesEndedBeforeTheirRealMessage) {
  Feed f;
  DanglingProxyMonitor m;
  declare(f, m);
  msg_get(f, m, 3000, 100, 1000, 3);
  proxy_make(f, m, 3048, 3000, 1000, 8, 3);
  proxy_make(f, m, 3096, 3000, 1008, 8, 3);
  write(f, m, 3048, 3000, 1000, 4);
  proxy_rel(f, m, 3048, 3000, 1000, 4);
  proxy_rel(f, m, 3096, 3000, 1008, 5);
  msg_rel(f, m, 3000, 100, 1000, 3);
  EXPECT_FALSE(m.violated()) << m.violation()->message;
  EXPECT_EQ(m.proxies_ended(), 2u);
}

TEST(DanglingProxyMonitorTest, CatchesARealMessageReleasedUnderALiveProxy) {
  Feed f;
  DanglingProxyMonitor m;
  declare(f, m, /*named=*/true);
  msg_get(f, m, 3000, 100, 1000, 3);
  proxy_make(f, m, 3048, 3000, 1000, 8, 3);
  msg_rel(f, m, 3000, 100, 1000, 5);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'other' (#5) released message 3000 while proxy 3048 of it (made by 'sender' (#3)) is still live: the "
            "proxy now points into a body that is not the message's any more");
}

TEST(DanglingProxyMonitorTest, AWriteThroughADanglingProxyIsReportedAtTheReleaseThatLeftItDangling) {
  Feed f;
  DanglingProxyMonitor m;
  declare(f, m, /*named=*/true);
  msg_get(f, m, 3000, 100, 1000, 3);
  proxy_make(f, m, 3048, 3000, 1000, 8, 3);
  put(f, m, 300, 3000);
  f(m, "rtos.msg.unmake", {{"rtos", 1}, {"msg", 3000}, {"cb_pool", 300}, {"pool", 100}, {"dbp", 1000}}, 3);
  const std::uint64_t unmade_at = f.seq - 1;
  write(f, m, 3048, 3000, 1000, 4);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->record_seq, unmade_at);
  EXPECT_NE(m.violation()->message.find("'sender' (#3) unmade message 3000 while proxy 3048"), std::string::npos);
}

TEST(DanglingProxyMonitorTest, AProxyOfAMessageThatIsGoneIsCaughtAtItsMake) {
  Feed f;
  DanglingProxyMonitor m;
  declare(f, m, /*named=*/true);
  msg_get(f, m, 3000, 100, 1000, 3);
  msg_rel(f, m, 3000, 100, 1000, 3);
  proxy_make(f, m, 3048, 3000, 1000, 8, 4);
  ASSERT_TRUE(m.violated());
  EXPECT_EQ(m.violation()->message,
            "'receiver' (#4) made proxy 3048 of message 3000, which is not a live real message");
}

}  // namespace
}  // namespace ipcsim::model::rtos

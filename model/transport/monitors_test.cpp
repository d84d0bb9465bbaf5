// The transport monitors on hand-written traces.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "model/transport/transport_monitors.hpp"

namespace ipcsim::model::transport {
namespace {

struct Feed {
  std::uint64_t seq = 0;
  void operator()(Monitor& m, std::string_view kind, std::vector<sim::Field> fields, sim::CpuId cpu = 1) {
    sim::TraceRecord r;
    r.seq = seq;
    r.time = sim::at_ns(static_cast<std::int64_t>(seq++));
    r.kind = kind;
    r.cpu = cpu;
    r.fields = fields;
    m.on_record(r);
  }
};

void submit(Feed& f, Monitor& m, std::uint64_t s, std::uint64_t msg, std::uint64_t digest = 7) {
  f(m, "transport.app.submit", {{"session", s}, {"msg", msg}, {"bytes", 10u}, {"digest", digest}});
}
void deliver(Feed& f, Monitor& m, std::uint64_t s, std::int64_t msg, std::uint64_t digest = 7) {
  f(m, "transport.app.deliver", {{"session", s}, {"msg", msg}, {"bytes", 10u}, {"digest", digest}});
}
sim::RunResult quiescent() { return {}; }

TEST(TransportMonitors, NoLossAcceptsDeliveredFailedAndPendingMessages) {
  auto m = make_monitor("no_loss");
  Feed f;
  for (std::uint64_t i = 0; i < 3; ++i) submit(f, *m, 1, i);
  deliver(f, *m, 1, 0);
  f(*m, "transport.app.completion", {{"session", 1u}, {"msg", 1u}, {"status", "failed"}});
  f(*m, "transport.pending", {{"session", 1u}, {"seqno", 3u}, {"user", 2u}, {"bytes", 10u}});
  m->finish(quiescent());
  EXPECT_FALSE(m->violated());
}

TEST(TransportMonitors, NoLossCatchesAMessageNobodyAccountsFor) {
  auto m = make_monitor("no_loss");
  Feed f;
  submit(f, *m, 1, 0);
  submit(f, *m, 1, 1);
  deliver(f, *m, 1, 0);
  f(*m, "transport.app.completion", {{"session", 1u}, {"msg", 1u}, {"status", "ok"}});
  m->finish(quiescent());
  ASSERT_TRUE(m->violated());
  EXPECT_EQ(m->violation()->message, "message 1 of session 1 was reported delivered to its source but never delivered");
}

TEST(TransportMonitors, NoLossCatchesASecondDelivery) {
  auto m = make_monitor("no_loss");
  Feed f;
  submit(f, *m, 2, 0);
  deliver(f, *m, 2, 0);
  EXPECT_FALSE(m->violated());
  deliver(f, *m, 2, 0);
  ASSERT_TRUE(m->violated());
  EXPECT_EQ(m->violation()->message, "message 0 of session 2 delivered a second time");
}

TEST(TransportMonitors, SessionOrderIsPerSessionAndIgnoresRepeats) {
  auto m = make_monitor("session_order");
  Feed f;
  for (std::uint64_t i = 0; i < 3; ++i) {
    submit(f, *m, 1, i);
    submit(f, *m, 2, i);
  }
  deliver(f, *m, 1, 0);
  deliver(f, *m, 2, 1);  // session 2's message 0 failed, say
  deliver(f, *m, 1, 1);
  deliver(f, *m, 1, 0);  // a repeat: no_loss judges it
  EXPECT_FALSE(m->violated());
  deliver(f, *m, 2, 0);
  ASSERT_TRUE(m->violated());
  EXPECT_EQ(m->violation()->message, "message 0 of session 2 delivered after message 1, which its source submitted later");
}

TEST(TransportMonitors, ReceiverBoundSumsTheQueueAndForgetsItWhenTheServerCrashes) {
  auto m = make_monitor("receiver_bound");
  Feed f;
  f(*m, "transport.session.accept", {{"session", 1u}, {"principal", "p"}, {"input_queue", 20u}});
  f(*m, "transport.rx.enqueue", {{"session", 1u}, {"seqno", 1u}, {"bytes", 10u}});
  f(*m, "transport.rx.enqueue", {{"session", 1u}, {"seqno", 2u}, {"bytes", 10u}});
  f(*m, "transport.rx.take", {{"session", 1u}, {"seqno", 1u}, {"bytes", 10u}});
  f(*m, "cpu.crash", {});
  f(*m, "transport.rx.enqueue", {{"session", 1u}, {"seqno", 3u}, {"bytes", 10u}});
  f(*m, "transport.rx.enqueue", {{"session", 1u}, {"seqno", 4u}, {"bytes", 10u}});
  EXPECT_FALSE(m->violated());
  f(*m, "transport.rx.enqueue", {{"session", 1u}, {"seqno", 5u}, {"bytes", 1u}});
  ASSERT_TRUE(m->violated());
  EXPECT_EQ(m->violation()->message, "session 1's input queue holds 21 bytes, over its bound of 20");
}

TEST(TransportMonitors, NoAlteredCatchesOtherBytesAndMessagesNobodySent) {
  auto m = make_monitor("no_altered_delivery");
  Feed f;
  submit(f, *m, 1, 0, 111);
  deliver(f, *m, 1, 0, 111);
  EXPECT_FALSE(m->violated());
  deliver(f, *m, 1, 0, 112);
  ASSERT_TRUE(m->violated());
  EXPECT_EQ(m->violation()->message, "message 0 of session 1 delivered altered: its bytes differ from those submitted");
  auto n = make_monitor("no_altered_delivery");
  deliver(f, *n, 3, 5);
  EXPECT_TRUE(n->violated());
}

TEST(TransportMonitors, OneCompletionCatchesASecondCompletionAndOneForNothingAccepted) {
  auto m = make_monitor("one_completion");
  Feed f;
  submit(f, *m, 1, 0);
  submit(f, *m, 1, 1);
  f(*m, "transport.app.completion", {{"session", 1u}, {"msg", 0u}, {"status", "failed"}});
  f(*m, "transport.app.completion", {{"session", 1u}, {"msg", 1u}, {"status", "ok"}});
  EXPECT_FALSE(m->violated());
  f(*m, "transport.app.completion", {{"session", 1u}, {"msg", 0u}, {"status", "ok"}});
  ASSERT_TRUE(m->violated());
  EXPECT_EQ(m->violation()->message, "message 0 of session 1 completed twice: failed at t=2ns, then ok");
  auto n = make_monitor("one_completion");
  f(*n, "transport.app.completion", {{"session", 2u}, {"msg", 0u}, {"status", "ok"}});
  ASSERT_TRUE(n->violated());
  EXPECT_EQ(n->violation()->message, "message 0 of session 2 completed (ok) but was never accepted");
}

void refuse(Feed& f, Monitor& m, std::uint64_t s, std::uint64_t user, const char* result = "queue_full") {
  f(m, "transport.queue.refuse", {{"session", s}, {"user", user}, {"bytes", 10u}, {"result", result}});
}
void complete(Feed& f, Monitor& m, std::uint64_t s, std::uint64_t user) {
  f(m, "transport.complete", {{"session", s}, {"seqno", user + 1}, {"user", user}, {"status", "ok"}});
}

TEST(TransportMonitors, RefusedResubmittedWantsANewAttemptOnceSpaceOpened) {
  {
    // Refused, space opened, submitted again: fine. Refused with no space since: fine (still waiting).
    auto m = make_monitor("refused_resubmitted");
    Feed f;
    refuse(f, *m, 1, 1);
    complete(f, *m, 1, 0);
    f(*m, "transport.queue.accept", {{"session", 1u}, {"seqno", 2u}, {"user", 1u}, {"bytes", 10u}});
    refuse(f, *m, 1, 2);
    complete(f, *m, 2, 0);  // another session's space
    m->finish(quiescent());
    EXPECT_FALSE(m->violated());
  }
  {
    auto m = make_monitor("refused_resubmitted");
    Feed f;
    refuse(f, *m, 1, 1);
    complete(f, *m, 1, 0);
    m->finish(quiescent());
    ASSERT_TRUE(m->violated());
    EXPECT_EQ(m->violation()->message,
              "message 1 of session 1 was refused with queue_full at t=0ns; space opened at t=1ns (a message of its "
              "session completed), and it was never submitted again");
  }
  {
    // A source whose CPU crashed tries nothing more: not a lost notice.
    auto m = make_monitor("refused_resubmitted");
    Feed f;
    refuse(f, *m, 1, 1);
    complete(f, *m, 1, 0);
    f(*m, "cpu.crash", {});
    m->finish(quiescent());
    EXPECT_FALSE(m->violated());
  }
}

void recv(Feed& f, Monitor& m, std::uint64_t s, const char* frame) {
  f(m, "transport.recv", {{"session", s}, {"side", "sender"}, {"frame", frame}, {"seqno", 0u}});
}
void send_data(Feed& f, Monitor& m, std::uint64_t s, std::uint64_t seqno) {
  f(m, "transport.send", {{"session", s}, {"conn", 0u}, {"frame", "DATA"}, {"seqno", seqno}, {"user", seqno - 1}});
}

TEST(TransportMonitors, NoDataBeforeReadyWantsASyncAckSinceTheLastReset) {
  auto m = make_monitor("no_data_before_ready");
  Feed f;
  f(*m, "transport.session.create", {{"session", 1u}});
  recv(f, *m, 1, "SYNC_ACK");
  send_data(f, *m, 1, 1);
  recv(f, *m, 1, "RESET");
  recv(f, *m, 1, "SYNC_ACK");
  send_data(f, *m, 1, 2);
  EXPECT_FALSE(m->violated());
  recv(f, *m, 1, "RESET");
  send_data(f, *m, 1, 3);
  ASSERT_TRUE(m->violated());
  EXPECT_EQ(m->violation()->message,
            "message 2 of session 1 (seqno 3) was sent before the server answered the session's handshake: data "
            "moves only in CE_SS_SESSION_READY");
  auto n = make_monitor("no_data_before_ready");
  f(*n, "transport.session.create", {{"session", 1u}});
  send_data(f, *n, 1, 1);
  EXPECT_TRUE(n->violated());
}

}  // namespace
}  // namespace ipcsim::model::transport

// The monitors of model/select on hand-written traces: each one's verdict on
// the smallest histories that keep or break its property.
#include <gtest/gtest.h>

#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {
namespace {

// Feeds records to a monitor, numbering them; `at` sets the time in ns.
struct Feed {
  std::uint64_t seq = 0;
  std::int64_t t = 0;
  void operator()(Monitor& m, std::string_view kind, std::vector<sim::Field> fields, sim::ActorId actor = 0,
                  sim::CpuId cpu = 0) {
    sim::TraceRecord r;
    r.seq = seq++;
    r.time = sim::at_ns(t);
    r.kind = kind;
    r.actor = actor;
    r.cpu = cpu;
    r.fields = fields;
    m.on_record(r);
  }
};

sim::RunResult ended(sim::RunOutcome o, std::int64_t at) {
  sim::RunResult r;
  r.outcome = o;
  r.end_time = sim::at_ns(at);
  return r;
}

constexpr std::uint64_t kPipe = 77;

// Latency 2 us, check period 10 us; a pipe of 8 bytes made on cpu0 by actor 1.
void setup(Feed& f, Monitor& m) {
  f(m, "select.config", {{"check_period_ns", 10'000}, {"pipe_capacity", 8}, {"latency_ns", 2'000}, {"cpus", 2}});
  f(m, "select.pipe.create", {{"pipe", kPipe}, {"capacity", 8}, {"rfd", 0}, {"wfd", 1}}, 1, 0);
}
// Actor 2 on `cpu` selects for reading on FD 0 (the pipe) with a timeout (-1: none).
void call(Feed& f, Monitor& m, sim::CpuId cpu, std::int64_t timeout_ns, std::uint64_t id = 5) {
  f(m, "select.call", {{"call", id}, {"nfds", 1}, {"r", 1}, {"w", 0}, {"e", 0}, {"timeout_ns", timeout_ns}}, 2, cpu);
  f(m, "select.want", {{"call", id}, {"fd", 0}, {"event", "read"}, {"pipe", kPipe}, {"what", "shadow"}}, 2, cpu);
}
void ret(Feed& f, Monitor& m, sim::CpuId cpu, std::int64_t count, std::uint64_t r, std::uint64_t id = 5) {
  f(m, "select.return", {{"call", id}, {"count", count}, {"r", r}, {"w", 0}, {"e", 0}, {"why", "ready"}}, 2, cpu);
}
void write(Feed& f, Monitor& m, std::uint64_t bytes) {
  f(m, "select.pipe.write", {{"pipe", kPipe}, {"bytes", bytes}, {"from_cpu", 0}}, 1, 0);
}
void take(Feed& f, Monitor& m, std::uint64_t bytes, sim::CpuId to) {
  f(m, "select.pipe.take", {{"pipe", kPipe}, {"bytes", bytes}, {"to_cpu", to}}, 3, 0);
}

TEST(OneReturn, KeepsAWellFormedCall) {
  OneReturnMonitor m;
  Feed f;
  setup(f, m);
  call(f, m, 1, -1);
  ret(f, m, 1, 1, 1);
  EXPECT_FALSE(m.violated());
}

TEST(OneReturn, CatchesASecondReturn) {
  OneReturnMonitor m;
  Feed f;
  setup(f, m);
  call(f, m, 1, -1);
  ret(f, m, 1, 1, 1);
  ret(f, m, 1, 1, 1);
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("returned again"), std::string::npos);
}

TEST(OneReturn, CatchesACountThatIsNotTheBitsAndABitNotAskedFor) {
  OneReturnMonitor a, b;
  Feed f, g;
  call(f, a, 1, -1);
  ret(f, a, 1, 2, 1);
  EXPECT_TRUE(a.violated());
  call(g, b, 1, -1);
  ret(g, b, 1, 1, 2);  // FD 1 was never asked for
  ASSERT_TRUE(b.violated());
  EXPECT_NE(b.violation()->message.find("did not ask for"), std::string::npos);
}

TEST(NoLostWakeup, ARemoteWakeWithinTwoLatenciesIsOnTime) {
  LostWakeupMonitor m;
  Feed f;
  setup(f, m);
  call(f, m, 1, -1);
  f.t = 1'000;
  write(f, m, 4);
  f.t = 5'000;  // 4 us after the write: two latencies
  ret(f, m, 1, 1, 1);
  m.finish(ended(sim::RunOutcome::Quiescent, 5'000));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

TEST(NoLostWakeup, CatchesAWaiterLeftAsleepOnAReadyPipe) {
  LostWakeupMonitor m;
  Feed f;
  setup(f, m);
  call(f, m, 1, 100'000);
  f.t = 1'000;
  write(f, m, 4);
  f.t = 5'001;
  f(m, "select.agent.send", {{"msg_kind", "ping"}}, 9, 1);  // any later record
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("was ready for read from t=1000ns"), std::string::npos);
}

TEST(NoLostWakeup, ADrainedPipeIsNoLostWakeup) {
  LostWakeupMonitor m;
  Feed f;
  setup(f, m);
  call(f, m, 1, 100'000);
  f.t = 1'000;
  write(f, m, 4);
  f.t = 3'000;
  take(f, m, 4, 0);  // read on its home before the notification could arrive
  f.t = 100'000;
  ret(f, m, 1, 0, 0);
  m.finish(ended(sim::RunOutcome::Quiescent, 100'000));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

TEST(NoLostWakeup, CatchesAReturnAfterTheTimeout) {
  LostWakeupMonitor m;
  Feed f;
  setup(f, m);
  call(f, m, 1, 10'000);
  f.t = 10'001;
  ret(f, m, 1, 0, 0);
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("after its timeout"), std::string::npos);
}

TEST(NoLostWakeup, ALocalPipeMustWakeAtOnce) {
  LostWakeupMonitor m;
  Feed f;
  setup(f, m);
  call(f, m, 0, -1);  // on cpu0, the pipe's home
  f.t = 1'000;
  write(f, m, 1);
  f.t = 1'001;
  ret(f, m, 0, 1, 1);
  EXPECT_TRUE(m.violated());
}

TEST(NoStaleWakeup, AReturnedBitMustHaveBeenTrueDuringTheCall) {
  StaleWakeupMonitor a, b;
  Feed f, g;
  setup(f, a);
  write(f, a, 4);
  take(f, a, 4, 0);  // ready for an instant, at 0
  f.t = 10'000;
  call(f, a, 1, -1);  // a remote select: a notification may be 4 us old
  ret(f, a, 1, 1, 1);
  ASSERT_TRUE(a.violated());
  EXPECT_NE(a.violation()->message.find("stale wake-up"), std::string::npos);
  setup(g, b);
  write(g, b, 4);
  take(g, b, 4, 0);
  g.t = 3'000;  // within a notification's delay of the readiness
  call(g, b, 1, -1);
  ret(g, b, 1, 1, 1);
  EXPECT_FALSE(b.violated()) << b.violation()->message;
}

TEST(OneRequest, CatchesASecondInterestWhileOneIsOutstanding) {
  OneRequestMonitor m;
  Feed f;
  setup(f, m);
  const std::vector<sim::Field> interest = {{"msg_kind", "interest"}, {"peer", 0}, {"pipe", kPipe}, {"event", "read"}};
  f(m, "select.agent.send", interest, 9, 1);
  f(m, "select.agent.send", interest, 9, 2);  // another CPU: its own request
  EXPECT_FALSE(m.violated());
  f(m, "select.agent.recv", {{"msg_kind", "notify"}, {"peer", 0}, {"pipe", kPipe}, {"event", "read"}, {"dead", false}}, 9, 1);
  f(m, "select.agent.send", interest, 9, 1);  // answered: a new one may go
  EXPECT_FALSE(m.violated());
  f(m, "select.agent.send", interest, 9, 1);
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("second interest message"), std::string::npos);
}

TEST(OneRequest, ADeadPeerEndsTheRequest) {
  OneRequestMonitor m;
  Feed f;
  setup(f, m);
  const std::vector<sim::Field> interest = {{"msg_kind", "interest"}, {"peer", 0}, {"pipe", kPipe}, {"event", "read"}};
  f(m, "select.agent.send", interest, 9, 1);
  f(m, "select.agent.peer_dead", {{"peer", 0}, {"restarted", true}}, 9, 1);
  f(m, "select.agent.send", interest, 9, 1);
  EXPECT_FALSE(m.violated());
}

TEST(CrashProgress, AWaiterWokenInTimeIsFine) {
  CrashProgressMonitor m;
  Feed f;
  setup(f, m);
  call(f, m, 1, -1);
  f.t = 1'000;
  f(m, "cpu.crash", {}, 0, 0);
  f.t = 1'000 + 24'000;  // two periods and two latencies
  ret(f, m, 1, 1, 1);
  m.finish(ended(sim::RunOutcome::Quiescent, f.t));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

TEST(CrashProgress, CatchesAWaiterThatHangs) {
  CrashProgressMonitor a, b;
  Feed f, g;
  setup(f, a);
  call(f, a, 1, -1);
  f.t = 1'000;
  f(a, "cpu.crash", {}, 0, 0);
  f.t = 25'001;
  f(a, "select.agent.send", {{"msg_kind", "ping"}}, 9, 1);
  EXPECT_TRUE(a.violated());
  setup(g, b);
  call(g, b, 1, -1);
  g.t = 1'000;
  g(b, "cpu.crash", {}, 0, 0);
  b.finish(ended(sim::RunOutcome::Deadlock, 1'000));  // nothing ever woke it
  ASSERT_TRUE(b.violated());
  EXPECT_NE(b.violation()->message.find("never returned"), std::string::npos);
}

// The pipe's write ends: the maker's on cpu0 (closed when `home_closes`) and
// one on cpu2; the reader (actor 2, cpu1) waits; cpu2 crashes at 1 us.
void lose_writers(Feed& f, Monitor& m, bool home_closes) {
  setup(f, m);
  f(m, "select.end.open", {{"pipe", kPipe}, {"end", "write"}, {"open", 2}}, 1, 0);
  f(m, "select.end.open", {{"pipe", kPipe}, {"end", "write"}, {"open", 1}}, 3, 2);
  if (home_closes) f(m, "select.end.close", {{"pipe", kPipe}, {"end", "write"}, {"open", 2}}, 1, 0);
  call(f, m, 1, -1);
  f.t = 1'000;
  f(m, "cpu.crash", {}, 0, 2);
}

TEST(CrashProgress, CatchesAReaderLeftWaitingWhenTheLastWritersCpuCrashed) {
  CrashProgressMonitor a, b;
  Feed f, g;
  lose_writers(f, a, true);
  f.t = 1'000 + 24'000;  // two periods (suspect_after 1 here) and two latencies: the bound itself
  f(a, "select.agent.send", {{"msg_kind", "ping"}}, 9, 0);
  EXPECT_FALSE(a.violated());
  f.t += 1;
  f(a, "select.agent.send", {{"msg_kind", "ping"}}, 9, 0);
  ASSERT_TRUE(a.violated());
  EXPECT_NE(a.violation()->message.find("whose last write ends were on"), std::string::npos)
      << a.violation()->message;
  lose_writers(g, b, true);
  g.t = 20'000;
  ret(g, b, 1, 1, 1);  // end of file in time
  b.finish(ended(sim::RunOutcome::Quiescent, g.t));
  EXPECT_FALSE(b.violated()) << b.violation()->message;
}

TEST(CrashProgress, AWriteEndLeftElsewhereOwesTheReaderNothing) {
  CrashProgressMonitor m;
  Feed f;
  lose_writers(f, m, false);  // the maker on cpu0 still holds a write end
  m.finish(ended(sim::RunOutcome::Deadlock, 100'000));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

// cpu1 sends at 0, crashes at 1 us; its message reaches cpu0 at 2 us; cpu0
// declares it dead at 60 us: a true suspicion, although cpu0 last heard from
// it after the crash. The same without the crash is a false one.
TEST(NoFalseSuspicion, AMessageSentBeforeTheCrashDoesNotMakeTheCrashOlder) {
  FalseSuspicionMonitor a, b;
  for (FalseSuspicionMonitor* m : {&a, &b}) {
    Feed f;
    setup(f, *m);
    f(*m, "select.agent.send", {{"msg_kind", "pong"}, {"peer", 0}, {"msg", 41}}, 9, 1);
    f.t = 1'000;
    if (m == &a) f(*m, "cpu.crash", {}, 0, 1);
    f.t = 2'000;
    f(*m, "select.agent.recv", {{"msg_kind", "pong"}, {"peer", 1}, {"msg", 41}}, 8, 0);
    f.t = 60'000;
    f(*m, "select.agent.peer_dead", {{"peer", 1}, {"restarted", false}}, 8, 0);
  }
  EXPECT_FALSE(a.violated()) << a.violation()->message;
  EXPECT_TRUE(b.violated());
}

TEST(NoLoss, BalancedBooksAreFine) {
  NoLossMonitor m;
  Feed f;
  setup(f, m);
  write(f, m, 6);
  take(f, m, 4, 1);
  f(m, "select.read", {{"fd", 0}, {"pipe", kPipe}, {"bytes", 4}, {"remote", true}}, 2, 1);
  f(m, "select.pipe.inventory", {{"pipe", kPipe}, {"buffered", 2}});
  m.finish(ended(sim::RunOutcome::Quiescent, 0));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

TEST(NoLoss, CatchesBytesThatVanished) {
  NoLossMonitor a, b;
  Feed f, g;
  setup(f, a);
  write(f, a, 6);
  f(a, "select.pipe.inventory", {{"pipe", kPipe}, {"buffered", 5}});
  a.finish(ended(sim::RunOutcome::Quiescent, 0));
  EXPECT_TRUE(a.violated());
  setup(g, b);
  write(g, b, 6);
  take(g, b, 6, 1);  // taken for cpu1, never read there
  g(b, "select.pipe.inventory", {{"pipe", kPipe}, {"buffered", 0}});
  b.finish(ended(sim::RunOutcome::Quiescent, 0));
  ASSERT_TRUE(b.violated());
  EXPECT_NE(b.violation()->message.find("were read there"), std::string::npos);
}

TEST(NoLoss, APipeLostWithItsCpuIsForgotten) {
  NoLossMonitor m;
  Feed f;
  setup(f, m);
  write(f, m, 6);
  f.t = 10;
  f(m, "cpu.crash", {}, 0, 0);
  m.finish(ended(sim::RunOutcome::Quiescent, 10));  // no inventory: its memory is gone
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

// Socket 9 for port 80, its I/O process on cpu0.
constexpr std::uint64_t kSock = 9;
void sock(Feed& f, Monitor& m, std::string_view kind, std::uint64_t packet, sim::CpuId cpu, std::uint64_t to = 0) {
  f(m, kind, {{"sock", kSock}, {"packet", packet}, {"to_cpu", to}}, 5, cpu);
}
void sock_read(Feed& f, Monitor& m, std::uint64_t packet, sim::CpuId cpu, sim::ActorId reader) {
  f(m, "select.sock.read", {{"fd", 0}, {"sock", kSock}, {"packet", packet}, {"remote", true}}, reader, cpu);
}

TEST(PacketDelivery, ForwardedThenDrainedThenContendedIsFine) {
  PacketDeliveryMonitor m;
  Feed f;
  f(m, "select.sock.create", {{"sock", kSock}, {"port", 80}}, 5, 0);
  for (std::uint64_t p = 1; p <= 3; ++p) sock(f, m, "select.sock.arrive", p, 0);
  for (std::uint64_t p = 1; p <= 2; ++p) {
    sock(f, m, "select.sock.forward", p, 0, 1);
    sock(f, m, "select.shadow.store", p, 1);
  }
  sock_read(f, m, 1, 1, 7);  // read at the shadow
  f(m, "select.shadow.recall", {{"sock", kSock}, {"packets", 1}}, 2, 1);  // packet 2 goes back
  f(m, "select.sock.returned", {{"sock", kSock}, {"packets", 1}}, 5, 0);
  sock(f, m, "select.sock.deliver", 2, 0, 2);
  sock_read(f, m, 2, 2, 8);
  f(m, "select.sock.inventory", {{"sock", kSock}, {"packets", "3"}});
  m.finish(ended(sim::RunOutcome::Quiescent, 0));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

TEST(PacketDelivery, CatchesAnOvertakingDeliveryAReadTwiceAndALoss) {
  PacketDeliveryMonitor a, b, c;
  Feed f, g, h;
  for (std::uint64_t p = 1; p <= 2; ++p) sock(f, a, "select.sock.arrive", p, 0);
  sock(f, a, "select.sock.forward", 1, 0, 1);
  sock(f, a, "select.shadow.store", 1, 1);
  sock(f, a, "select.sock.deliver", 2, 0, 2);  // packet 1 still waits in cpu1's shadow
  ASSERT_TRUE(a.violated());
  EXPECT_NE(a.violation()->message.find("arrival order"), std::string::npos);

  sock(g, b, "select.sock.arrive", 1, 0);
  sock(g, b, "select.sock.deliver", 1, 0, 2);
  sock_read(g, b, 1, 2, 8);
  sock_read(g, b, 1, 1, 7);
  ASSERT_TRUE(b.violated());
  EXPECT_NE(b.violation()->message.find("read twice"), std::string::npos);

  sock(h, c, "select.sock.arrive", 1, 0);
  f(c, "select.sock.inventory", {{"sock", kSock}, {"packets", ""}});
  c.finish(ended(sim::RunOutcome::Quiescent, 0));
  ASSERT_TRUE(c.violated());
  EXPECT_NE(c.violation()->message.find("lost"), std::string::npos);
}

// Outbound: two writes accepted (cpu1's req 11, 5 bytes; cpu2's req 22, 3
// bytes); the port must send 11 then 22, each once.
void outbound_setup(Feed& f, Monitor& m) {
  f(m, "select.config", {{"check_period_ns", 10'000}, {"pipe_capacity", 8}, {"latency_ns", 2'000}, {"cpus", 3}});
  f(m, "select.sock.create", {{"sock", 99}, {"port", 80}, {"send_buffer", 8}}, 1, 0);
  f(m, "select.sock.send", {{"sock", 99}, {"from_cpu", 1}, {"req", 11}, {"bytes", 5}}, 1, 0);
  f(m, "select.sock.send", {{"sock", 99}, {"from_cpu", 2}, {"req", 22}, {"bytes", 3}}, 1, 0);
}
void transmit(Feed& f, Monitor& m, sim::CpuId cpu, std::uint64_t req, std::uint64_t bytes) {
  f(m, "select.sock.transmit", {{"sock", 99}, {"from_cpu", cpu}, {"req", req}, {"bytes", bytes}}, 1, 0);
}

TEST(OutboundDelivery, KeepsBytesSentOnceInOrder) {
  OutboundDeliveryMonitor m;
  Feed f;
  outbound_setup(f, m);
  f(m, "select.sock.write", {{"fd", 0}, {"sock", 99}, {"req", 11}, {"bytes", 6}, {"accepted", 5}}, 2, 1);
  transmit(f, m, 1, 11, 5);
  transmit(f, m, 2, 22, 3);
  m.finish(ended(sim::RunOutcome::Quiescent, 50'000));
  EXPECT_FALSE(m.violated()) << m.violation()->message;
}

TEST(OutboundDelivery, CatchesBytesSentOutOfOrder) {
  OutboundDeliveryMonitor m;
  Feed f;
  outbound_setup(f, m);
  transmit(f, m, 2, 22, 3);
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("accepted earlier"), std::string::npos) << m.violation()->message;
}

TEST(OutboundDelivery, CatchesBytesSentTwice) {
  OutboundDeliveryMonitor m;
  Feed f;
  outbound_setup(f, m);
  transmit(f, m, 1, 11, 5);
  transmit(f, m, 2, 22, 3);
  transmit(f, m, 2, 22, 3);
  EXPECT_TRUE(m.violated());
}

TEST(OutboundDelivery, CatchesAcceptedBytesThatNeverLeft) {
  OutboundDeliveryMonitor m;
  Feed f;
  outbound_setup(f, m);
  transmit(f, m, 1, 11, 5);
  f(m, "select.sock.out_inventory", {{"sock", 99}, {"bytes", 0}}, 0, 0);
  m.finish(ended(sim::RunOutcome::Quiescent, 50'000));
  ASSERT_TRUE(m.violated());
  EXPECT_NE(m.violation()->message.find("never left"), std::string::npos) << m.violation()->message;
}

TEST(OutboundDelivery, CatchesAWriterToldMoreThanWasTaken) {
  OutboundDeliveryMonitor m;
  Feed f;
  outbound_setup(f, m);
  f(m, "select.sock.write", {{"fd", 0}, {"sock", 99}, {"req", 11}, {"bytes", 6}, {"accepted", 6}}, 2, 1);
  EXPECT_TRUE(m.violated());
}

}  // namespace
}  // namespace ipcsim::model::select

// Sockets, claim by claim: the set-up steps S2-S22 in order (claims 19, 22),
// a packet held at the shadow and read there without a bus round trip
// (claims 10, 13), and contention mode's one packet per read (claim 14).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "impl/select/io_process.hpp"
#include "impl/select/kernel.hpp"
#include "impl/select/process.hpp"
#include "impl/select/test_support.hpp"
#include "sim/fault_plan.hpp"

namespace ipcsim::select {
namespace {

using testing::Machine;

// The select.* and bus records of a run, as "kind[:msg_kind]" strings.
struct Kinds final : sim::Observer {
  std::vector<std::string> seen;
  std::vector<sim::Instant> at;
  void on_record(const sim::TraceRecord& r) override {
    if (!r.kind.starts_with("select.") && r.kind != "bus.send") return;
    std::string k(r.kind);
    if (const auto* f = r.field("msg_kind")) k += ":" + std::string(f->s);
    seen.push_back(k);
    at.push_back(r.time);
  }
  std::size_t index(const std::string& k, std::size_t from = 0) const {
    for (std::size_t i = from; i < seen.size(); ++i) {
      if (seen[i] == k) return i;
    }
    return seen.size();
  }
};

TEST(Sockets, ConnectTakesTheSeedsStepsInOrder) {
  sim::World w;
  Kinds kinds;
  w.attach(kinds);
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus);
  sys.add_io_process(*m.cpus[0]);
  int fd = -2;
  spawn_process(sys, *m.cpus[1], "user", [&](Process& p) -> sim::Task<> { fd = co_await p.socket(0, 80); });
  w.run();
  EXPECT_GE(fd, 0);
  // S4-S10: the kernel hands socket() to the agent, which sends it over the
  // bus; S12: the I/O process makes the real socket; S16-S20: its answer
  // reaches the agent, which makes the shadow; S22: the user gets its FD.
  const std::size_t send = kinds.index("select.agent.send:connect");
  const std::size_t real = kinds.index("select.sock.create", send);
  const std::size_t answer = kinds.index("select.io.send:connected", real);
  const std::size_t shadow = kinds.index("select.shadow.create", answer);
  const std::size_t done = kinds.index("select.socket", shadow);
  EXPECT_LT(done, kinds.seen.size()) << "steps out of order";
}

TEST(Sockets, AForwardedPacketIsReadWithoutARoundTrip) {
  sim::World w;
  Kinds kinds;
  w.attach(kinds);
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus);
  sys.add_io_process(*m.cpus[0]);
  sys.inject_packet(80, sim::at_ns(10'000));
  std::int64_t packet = -2;
  std::size_t bus_sends_before_read = 0;
  std::size_t bus_sends_after_read = 0;
  spawn_process(sys, *m.cpus[1], "user", [&](Process& p) -> sim::Task<> {
    const int fd = co_await p.socket(0, 80);
    co_await p.ctx().sleep(50us);  // busy elsewhere while the packet arrives (at 10 us, here at 12 us)
    bus_sends_before_read = static_cast<std::size_t>(std::count(kinds.seen.begin(), kinds.seen.end(), "bus.send"));
    packet = co_await p.read_packet(fd);
    bus_sends_after_read = static_cast<std::size_t>(std::count(kinds.seen.begin(), kinds.seen.end(), "bus.send"));
  });
  w.run();
  EXPECT_EQ(packet, 1);
  // The read took the packet from the shadow: no bus message for it (the
  // exit that follows closes the socket, and its space detaches).
  EXPECT_EQ(bus_sends_after_read, bus_sends_before_read);
  EXPECT_LT(kinds.index("select.shadow.store"), kinds.index("select.sock.read"));
}

TEST(Sockets, ContentionGivesEachPacketToOneReadInOrder) {
  sim::World w;
  Machine m(w, 3);
  System sys(w, m.cpus, *m.bus);
  sys.add_io_process(*m.cpus[0]);
  for (int k = 0; k < 4; ++k) sys.inject_packet(80, sim::at_ns(20'000 + 1'000 * k));
  std::vector<std::int64_t> got[2];
  bool contention = false;  // while both spaces hold the socket (their exits detach them)
  for (int r = 0; r < 2; ++r) {
    spawn_process(sys, *m.cpus[1 + r], "reader" + std::to_string(r), [&, r](Process& p) -> sim::Task<> {
      const int fd = co_await p.socket(0, 80);  // two spaces connect: contention mode
      co_await p.ctx().sleep(40us);
      for (int k = 0; k < 4; ++k) {
        const std::int64_t id = co_await p.read_packet(fd);
        if (id > 0) got[r].push_back(id);
      }
      contention = contention || sys.io()->sockets().begin()->second.contention;
    });
  }
  w.run();
  std::vector<std::int64_t> all;
  for (auto& g : got) {
    EXPECT_TRUE(std::is_sorted(g.begin(), g.end()));
    all.insert(all.end(), g.begin(), g.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::int64_t>{1, 2, 3, 4}));  // each packet once
  EXPECT_TRUE(contention);
}

// Out-of-band data on a socket whose shadow is on the I/O process's own CPU
// (forwarding mode): an urgent packet makes it exceptional for select until
// read_oob() takes it; it is not in the stream. Two processes of one CPU
// waiting for the exception ask the I/O process once (claims 2, 24) and both
// are woken.
TEST(Sockets, UrgentDataIsExceptionalUntilReadOutOfBand) {
  sim::World w;
  Kinds kinds;
  w.attach(kinds);
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus);
  sys.add_io_process(*m.cpus[0]);
  sys.inject_packet(80, sim::at_ns(20'000));
  sys.inject_packet(80, sim::at_ns(40'000), true);
  int woken = 0;
  std::vector<std::int64_t> got;
  spawn_process(sys, *m.cpus[0], "local", [&](Process& p) -> sim::Task<> {
    const int fd = co_await p.socket(0, 80);
    co_await p.fork(*m.cpus[0], "child", [&, fd](Process& c) -> sim::Task<> {
      Masks mk{.e = 1ULL << fd};
      if (co_await c.select(fd + 1, mk, 100us) == 1 && mk.e == 1ULL << fd) ++woken;
    });
    co_await p.ctx().sleep(25us);  // the normal packet is here; no urgent data yet
    Masks none{.e = 1ULL << fd};
    EXPECT_EQ(co_await p.select(fd + 1, none, 0us), 0);
    Masks mk{.e = 1ULL << fd};
    EXPECT_EQ(co_await p.select(fd + 1, mk, 100us), 1);  // exceptional once the urgent packet lands
    if (mk.e == 1ULL << fd) ++woken;
    // Mixed masks: the read bit is known here (forwarding mode) and returned
    // at once, without waiting for the real socket's answer on the exception.
    Masks both{.r = 1ULL << fd, .e = 1ULL << fd};
    EXPECT_EQ(co_await p.select(fd + 1, both, 0us), 1);
    EXPECT_EQ(both.r, 1ULL << fd);
    Masks again{.e = 1ULL << fd};
    EXPECT_EQ(co_await p.select(fd + 1, again, 0us), 1);  // still exceptional: nothing read out of band yet
    got.push_back(co_await p.read_oob(fd));
    got.push_back(co_await p.read_oob(fd));  // taken: nothing pending
    got.push_back(co_await p.read_packet(fd));
    got.push_back(co_await p.read_packet(fd));  // the urgent packet is not in the stream
    Masks after{.e = 1ULL << fd};
    EXPECT_EQ(co_await p.select(fd + 1, after, 0us), 0);
  });
  w.run();
  EXPECT_EQ(got, (std::vector<std::int64_t>{2, 0, 1, 0}));
  EXPECT_EQ(woken, 2);
  EXPECT_EQ(std::count(kinds.seen.begin(), kinds.seen.end(), "select.agent.send:interest"), 1);
}

// Outbound data: a write goes into the real socket's send buffer (8 bytes
// here) and leaves by the network port at 2 us a byte; a writer that finds
// the buffer full selects for write readiness, remote interest at the I/O
// process, and is woken when a sent segment makes room.
TEST(Sockets, WritesLeaveThroughABoundedSendBuffer) {
  sim::World w;
  Kinds kinds;
  w.attach(kinds);
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus, {.sock_send_buffer = 8, .net_byte_time = 2us});
  sys.add_io_process(*m.cpus[0]);
  std::vector<std::int64_t> accepted;
  sim::Instant woken{};
  spawn_process(sys, *m.cpus[1], "writer", [&](Process& p) -> sim::Task<> {
    const int fd = co_await p.socket(0, 80);
    accepted.push_back(co_await p.write(fd, 10));  // 8 fit; on the wire until 16 us after they land
    accepted.push_back(co_await p.write(fd, 2));   // full
    Masks mk{.w = 1ULL << fd};
    EXPECT_EQ(co_await p.select(fd + 1, mk, 100us), 1);
    woken = p.ctx().now();
    accepted.push_back(co_await p.write(fd, 2));
  });
  w.run();
  EXPECT_EQ(accepted, (std::vector<std::int64_t>{8, 0, 2}));
  // The first write reached the I/O process at 6 us (connect: 4 us); the
  // interest was recorded at 14 us, the 8 bytes left at 22 us, and the
  // notification reached the writer at 24 us.
  EXPECT_EQ(woken, sim::at_ns(24'000));
  EXPECT_LT(kinds.index("select.agent.record"), kinds.index("select.sock.transmit"));
  EXPECT_EQ(std::count(kinds.seen.begin(), kinds.seen.end(), "select.sock.transmit"), 2);
}

// A lossy bus (resend_period): the answer to cpu1's contention read is lost
// in a partition; cpu1's agent asks again, and the I/O process, which keeps
// its answers by (CPU, request), gives the same packet: it is not taken
// twice, and cpu2's later read gets the next one.
TEST(Sockets, AReadAskedAgainTakesOnePacket) {
  sim::World w;
  Kinds kinds;
  w.attach(kinds);
  Machine m(w, 3);
  System sys(w, m.cpus, *m.bus, {.check_period = 10us, .resend_period = 10us});
  sys.add_io_process(*m.cpus[0]);
  sim::FaultPlan plan;
  plan.add({.type = sim::FaultType::Partition, .bus = 0, .groups = {{0}, {1, 2}}, .at = sim::at_ns(23'000)});
  plan.add({.type = sim::FaultType::Heal, .bus = 0, .at = sim::at_ns(25'000)});
  plan.install(w);
  sys.inject_packet(80, sim::at_ns(10'000));
  sys.inject_packet(80, sim::at_ns(11'000));
  std::int64_t got[2] = {-2, -2};
  for (int r = 0; r < 2; ++r) {
    spawn_process(sys, *m.cpus[1 + r], "reader" + std::to_string(r), [&, r](Process& p) -> sim::Task<> {
      const int fd = co_await p.socket(0, 80);  // two spaces: contention mode
      co_await p.ctx().sleep((r == 0 ? 20us : 80us) - p.ctx().now().time_since_epoch());
      got[r] = co_await p.read_packet(fd);  // reader0's answer leaves at 22 us, lands in the partition
    });
  }
  w.run();
  EXPECT_EQ(got[0], 1);
  EXPECT_EQ(got[1], 2);
  EXPECT_LT(kinds.index("select.agent.resend:sock_read"), kinds.seen.size());
  // Packet 1 left the real socket once; packet 2 went to cpu2's shadow when
  // reader0's exit left cpu2 the one space (forwarding again).
  EXPECT_EQ(std::count(kinds.seen.begin(), kinds.seen.end(), "select.sock.deliver"), 1);
  EXPECT_LT(kinds.index("select.io.send:sock_read_reply", kinds.index("select.agent.resend:sock_read")),
            kinds.seen.size());
}

// A space also leaves contention mode by dying: cpu2 crashes; the I/O
// process's CPU, watching the spaces in contention mode, declares it dead
// within suspect_after + 1 check periods, and cpu1 gets forwarding mode back.
TEST(Sockets, ACrashedSpaceDetaches) {
  sim::World w;
  Kinds kinds;
  w.attach(kinds);
  Machine m(w, 3);
  System sys(w, m.cpus, *m.bus, {.check_period = 10us});
  sys.add_io_process(*m.cpus[0]);
  sim::FaultPlan plan;
  plan.add({.type = sim::FaultType::CrashCpu, .cpu = 2, .at = sim::at_ns(20'000)});
  plan.install(w);
  bool contention_before = false;
  bool contention_after = true;
  spawn_process(sys, *m.cpus[1], "stayer", [&](Process& p) -> sim::Task<> {
    co_await p.socket(0, 80);
    co_await p.ctx().sleep(15us - p.ctx().now().time_since_epoch());
    contention_before = sys.io()->sockets().begin()->second.contention;
    co_await p.ctx().sleep(60us);  // 75 us: the crash at 20 us is known by 20 + 3 * 10 + latency
    contention_after = sys.io()->sockets().begin()->second.contention;
  });
  spawn_process(sys, *m.cpus[2], "victim", [&](Process& p) -> sim::Task<> {
    co_await p.socket(0, 80);
    co_await p.ctx().sleep(1ms);
  });
  w.run();
  EXPECT_TRUE(contention_before);
  EXPECT_FALSE(contention_after);
  EXPECT_LT(kinds.index("select.agent.peer_dead"), kinds.index("select.shadow.mode"));
  EXPECT_LT(kinds.index("select.shadow.mode"), kinds.seen.size());
}

// Leaving contention mode: cpu2's only holder closes, cpu1 is the one space
// left. A packet held at the real socket at the switch and a read cpu1 sent
// in contention mode that reaches the I/O process after the switch: the read
// is answered "read at your shadow" and takes that packet there, once.
TEST(Sockets, TheSpaceLeftGetsForwardingModeBackAndItsReadInFlight) {
  sim::World w;
  Kinds kinds;
  w.attach(kinds);
  Machine m(w, 3);
  System sys(w, m.cpus, *m.bus);
  sys.add_io_process(*m.cpus[0]);
  sys.inject_packet(80, sim::at_ns(30'000));  // held at the real socket: nobody reads until 41 us
  sys.inject_packet(80, sim::at_ns(60'000));  // after the switch: forwarded to cpu1
  std::vector<std::int64_t> got;
  spawn_process(sys, *m.cpus[1], "stayer", [&](Process& p) -> sim::Task<> {
    const int fd = co_await p.socket(0, 80);
    co_await p.ctx().sleep(41us - p.ctx().now().time_since_epoch());
    got.push_back(co_await p.read_packet(fd));  // leaves at 41 us, after cpu2's detach (40 us, lands at 42)
    Masks mk{.r = 1ULL << fd};
    EXPECT_EQ(co_await p.select(fd + 1, mk, 100us), 1);
    got.push_back(co_await p.read_packet(fd));
    const RealSock& real = sys.io()->sockets().begin()->second;
    EXPECT_FALSE(real.contention);
    EXPECT_EQ(real.attached, std::set<sim::CpuId>{1});
    EXPECT_TRUE(real.queue.empty());
  });
  spawn_process(sys, *m.cpus[2], "leaver", [&](Process& p) -> sim::Task<> {
    const int fd = co_await p.socket(0, 80);  // a second space: contention mode
    co_await p.ctx().sleep(40us - p.ctx().now().time_since_epoch());
    EXPECT_EQ(co_await p.close(fd), 0);
  });
  w.run();
  EXPECT_EQ(got, (std::vector<std::int64_t>{1, 2}));
  // The switch, then the kForward, before the packet went to cpu1's shadow.
  const std::size_t mode = kinds.index("select.sock.mode");
  const std::size_t back = kinds.index("select.sock.mode", mode + 1);
  EXPECT_LT(kinds.index("select.sock.detach"), back);
  EXPECT_LT(back, kinds.index("select.io.send:forward", back));
  EXPECT_LT(kinds.index("select.shadow.mode"), kinds.index("select.shadow.moved_read"));
  EXPECT_LT(kinds.index("select.shadow.moved_read"), kinds.seen.size());
}

// The forwarding space leaves with packets at its shadow: they go back to the
// front of the real socket and a later socket() on another CPU reads them in
// arrival order, before the newer ones.
TEST(Sockets, ADetachingShadowGivesItsPacketsBack) {
  sim::World w;
  Machine m(w, 3);
  System sys(w, m.cpus, *m.bus);
  sys.add_io_process(*m.cpus[0]);
  for (int k = 0; k < 3; ++k) sys.inject_packet(80, sim::at_ns(10'000 + 1'000 * k));
  sys.inject_packet(80, sim::at_ns(60'000));
  std::vector<std::int64_t> got;
  spawn_process(sys, *m.cpus[1], "first", [&](Process& p) -> sim::Task<> {
    const int fd = co_await p.socket(0, 80);
    co_await p.ctx().sleep(30us);  // the three packets wait at this shadow
    co_await p.close(fd);
  });
  spawn_process(sys, *m.cpus[2], "second", [&](Process& p) -> sim::Task<> {
    co_await p.ctx().sleep(50us);
    const int fd = co_await p.socket(0, 80);
    co_await p.ctx().sleep(20us);
    for (int k = 0; k < 5; ++k) got.push_back(co_await p.read_packet(fd));
  });
  w.run();
  EXPECT_EQ(got, (std::vector<std::int64_t>{1, 2, 3, 4, 0}));
}

}  // namespace
}  // namespace ipcsim::select

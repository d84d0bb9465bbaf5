// Sockets, claim by claim: the set-up steps S2-S22 in order (claims 19, 22),
// a packet held at the shadow and read there without a bus round trip
// (claims 10, 13), and contention mode's one packet per read (claim 14).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "impl/select/io_process.hpp"
#include "impl/select/kernel.hpp"
#include "impl/select/process.hpp"
#include "impl/select/test_support.hpp"

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
  spawn_process(sys, *m.cpus[1], "user", [&](Process& p) -> sim::Task<> {
    const int fd = co_await p.socket(0, 80);
    co_await p.ctx().sleep(50us);  // busy elsewhere while the packet arrives (at 10 us, here at 12 us)
    bus_sends_before_read = static_cast<std::size_t>(std::count(kinds.seen.begin(), kinds.seen.end(), "bus.send"));
    packet = co_await p.read_packet(fd);
  });
  w.run();
  EXPECT_EQ(packet, 1);
  // The read took the packet from the shadow: no bus message after it.
  EXPECT_EQ(static_cast<std::size_t>(std::count(kinds.seen.begin(), kinds.seen.end(), "bus.send")),
            bus_sends_before_read);
  EXPECT_LT(kinds.index("select.shadow.store"), kinds.index("select.sock.read"));
}

TEST(Sockets, ContentionGivesEachPacketToOneReadInOrder) {
  sim::World w;
  Machine m(w, 3);
  System sys(w, m.cpus, *m.bus);
  sys.add_io_process(*m.cpus[0]);
  for (int k = 0; k < 4; ++k) sys.inject_packet(80, sim::at_ns(20'000 + 1'000 * k));
  std::vector<std::int64_t> got[2];
  for (int r = 0; r < 2; ++r) {
    spawn_process(sys, *m.cpus[1 + r], "reader" + std::to_string(r), [&, r](Process& p) -> sim::Task<> {
      const int fd = co_await p.socket(0, 80);  // two spaces connect: contention mode
      co_await p.ctx().sleep(40us);
      for (int k = 0; k < 4; ++k) {
        const std::int64_t id = co_await p.read_packet(fd);
        if (id > 0) got[r].push_back(id);
      }
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
  ASSERT_NE(sys.io(), nullptr);
  EXPECT_TRUE(sys.io()->sockets().begin()->second.contention);
}

}  // namespace
}  // namespace ipcsim::select

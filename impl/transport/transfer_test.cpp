// The transfer workload end to end on a small machine: two CPUs, one or two
// buses as the pipe's connections. Small messages, short timeouts: each test
// runs in milliseconds.
#include "impl/transport/stop_and_go.hpp"
#include "impl/transport/workload.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "sim/bus.hpp"
#include "sim/fault_plan.hpp"
#include "sim/trace.hpp"

namespace ipcsim::transport {
namespace {

using namespace std::chrono_literals;

// Keeps what the tests look at: kinds counted, some fields.
struct Recorder final : sim::Observer {
  std::map<std::string, int> kinds;
  std::set<std::string> sender_states;
  std::set<std::string> receiver_states;
  std::set<std::pair<std::uint64_t, std::uint64_t>> session_conns;  // (session, conn) of DATA sends
  std::map<std::pair<std::int64_t, std::int64_t>, int> delivered;  // (session, msg) -> times
  std::set<std::uint64_t> windows;
  void on_record(const sim::TraceRecord& r) override {
    ++kinds[std::string(r.kind)];
    if (r.kind == "transport.session.state") {
      (r.field("side")->s == "sender" ? sender_states : receiver_states).insert(std::string(r.field("to")->s));
    } else if (r.kind == "transport.send" && r.field("frame")->s == "DATA") {
      session_conns.insert({r.field("session")->u, r.field("conn")->u});
    } else if (r.kind == "transport.app.deliver") {
      ++delivered[{r.field("session")->as_int(), r.field("msg")->as_int()}];
    } else if (r.kind == "transport.reply" && r.field("frame")->s == "ACK") {
      windows.insert(r.field("window")->u);
    }
  }
};

struct Bench {
  sim::World w;
  Recorder rec;
  sim::Cpu* client;
  sim::Cpu* server;
  std::vector<sim::Bus*> buses;
  explicit Bench(int connections = 1, sim::BusFaults faults = {}, std::uint64_t seed = 1) : w({.seed = seed}) {
    w.attach(rec);
    client = &w.add_cpu({.name = "sources"});
    server = &w.add_cpu({.name = "storage_server"});
    for (int k = 0; k < connections; ++k) {
      buses.push_back(&w.add_bus({.name = "conn" + std::to_string(k), .cpus = {0, 1}, .latency = 2us,
                                  .bytes_per_second = 1'000'000'000, .faults = faults}));
    }
  }
};

TransferParams small() {
  TransferParams p;
  p.messages = 4;
  p.message_bytes = 1000;
  p.output_queue_bytes = 2000;
  p.input_queue_bytes = 4000;
  p.engine.timeout = 100us;
  return p;
}

void expect_each_delivered_once(const Recorder& rec, std::uint32_t sources, std::uint32_t messages) {
  for (std::uint32_t s = 1; s <= sources; ++s) {
    for (std::uint32_t m = 0; m < messages; ++m) {
      auto it = rec.delivered.find({s, m});
      EXPECT_TRUE(it != rec.delivered.end() && it->second == 1) << "session " << s << " message " << m;
    }
  }
}

TEST(TransportTransfer, OneSourceGoesThroughTheSeedsFlowQueueFullIncluded) {
  Bench b;
  Transfer t(b.w, *b.client, *b.server, b.buses, small());
  t.start();
  const auto r = b.w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(t.counters().completed_ok, 4u);
  EXPECT_EQ(t.counters().failed, 0u);
  EXPECT_GT(t.counters().queue_full, 0u);  // a 2 KB queue holds two 1 KB messages: the third waits
  EXPECT_EQ(t.counters().closed_sessions, 1u);
  expect_each_delivered_once(b.rec, 1, 4);
  for (const char* s : {"CE_SS_SEND_SYNC", "CE_SS_SENDING_SYNC", "CE_SS_SESSION_WAITING_FOR_SYNC_COMPLETE",
                        "CE_SS_WAITING_ACK", "CE_SS_SESSION_READY", "CE_SS_APP_CLOSE_SESSION", "CE_SS_SENDING_FIN",
                        "CE_SS_SESSION_CLOSED"}) {
    EXPECT_TRUE(b.rec.sender_states.count(s)) << s;
  }
  for (const char* s : {"CE_SS_WAITING_FOR_ACCEPT_ACK", "CE_SS_APP_CONFIRM_ACCEPT_ACK", "CE_SS_SENDING_APP_SESSION_ACK",
                        "CE_SS_SESSION_READY", "CE_SS_SESSION_CLOSED"}) {
    EXPECT_TRUE(b.rec.receiver_states.count(s)) << s;
  }
}

TEST(TransportTransfer, ManySourcesShareThePipeAndOneSessionUsesBothConnections) {
  Bench b(2);
  TransferParams p = small();
  p.sources = 3;
  p.output_queue_bytes = 4000;
  Transfer t(b.w, *b.client, *b.server, b.buses, p);
  t.start();
  b.w.run();
  EXPECT_EQ(t.counters().completed_ok, 12u);
  expect_each_delivered_once(b.rec, 3, 4);
  std::set<std::uint64_t> conns_of_1;
  std::set<std::uint64_t> sessions_on_0;
  for (auto [s, c] : b.rec.session_conns) {
    if (s == 1) conns_of_1.insert(c);
    if (c == 0) sessions_on_0.insert(s);
  }
  EXPECT_EQ(conns_of_1.size(), 2u);
  EXPECT_GE(sessions_on_0.size(), 2u);
}

TEST(TransportTransfer, AStallingReceiverClosesTheWindowAndReopensIt) {
  Bench b;
  TransferParams p = small();
  p.input_queue_bytes = 1000;  // one message: the window is 0 while it waits
  p.take_delay = 50us;
  Transfer t(b.w, *b.client, *b.server, b.buses, p);
  t.start();
  b.w.run();
  EXPECT_TRUE(b.rec.windows.count(0));
  EXPECT_TRUE(b.rec.windows.count(1));
  EXPECT_EQ(t.counters().completed_ok, 4u);
  expect_each_delivered_once(b.rec, 1, 4);
}

TEST(TransportTransfer, TamperedFramesAreRejectedAndSentAgain) {
  Bench b;
  TransferParams p = small();
  p.tamper_ppm = 200'000;
  Transfer t(b.w, *b.client, *b.server, b.buses, p);
  t.start();
  b.w.run();
  EXPECT_GT(b.rec.kinds["transport.tamper"], 0);
  EXPECT_EQ(b.rec.kinds["transport.tamper"], b.rec.kinds["transport.reject"]);
  EXPECT_EQ(t.counters().completed_ok + t.counters().failed, 4u);
  for (const auto& [key, n] : b.rec.delivered) EXPECT_EQ(n, 1);
}

TEST(TransportTransfer, EncryptedSessionsDeliverTheSameBytes) {
  Bench b(2);
  TransferParams p = small();
  p.sources = 2;
  p.encrypt = true;
  p.tamper_ppm = 100'000;
  Transfer t(b.w, *b.client, *b.server, b.buses, p);
  t.start();
  b.w.run();
  EXPECT_EQ(t.counters().completed_ok, 8u);
  expect_each_delivered_once(b.rec, 2, 4);
}

TEST(TransportTransfer, AnImpostorNeverJoinsThePipe) {
  Bench b;
  TransferParams p = small();
  p.sources = 2;
  p.impostor = true;
  Transfer t(b.w, *b.client, *b.server, b.buses, p);
  t.start();
  b.w.run();
  EXPECT_EQ(t.counters().refused_sessions, 1u);
  EXPECT_EQ(b.rec.kinds["transport.session.request"], 1);  // only the genuine source's SYNC got through
  expect_each_delivered_once(b.rec, 1, 4);
  for (const auto& [key, n] : b.rec.delivered) EXPECT_NE(key.first, 2);
}

TEST(TransportTransfer, AServerThatStaysDownMakesMessagesFailAfterTheRetries) {
  Bench b;
  Transfer t(b.w, *b.client, *b.server, b.buses, small());
  t.start();
  b.w.at(sim::at_ns(12'000), [&] { b.w.crash(*b.server); });
  b.w.run();
  EXPECT_GT(t.counters().failed, 0u);
  EXPECT_EQ(t.counters().completed_ok + t.counters().failed, t.counters().submitted);
}

TEST(TransportTransfer, AServerThatRestartsLosesNothingItAcknowledged) {
  Bench b;
  TransferParams p = small();
  p.messages = 8;
  p.take_delay = 3us;
  Transfer t(b.w, *b.client, *b.server, b.buses, p);
  t.start();
  b.w.at(sim::at_ns(15'000), [&] { b.w.crash(*b.server); });
  b.w.at(sim::at_ns(60'000), [&] { b.w.restart(*b.server); });
  b.w.run();
  EXPECT_EQ(b.rec.kinds["transport.server.reset"], 1);
  EXPECT_EQ(t.counters().completed_ok, 8u);
  expect_each_delivered_once(b.rec, 1, 8);
}

}  // namespace
}  // namespace ipcsim::transport

namespace ipcsim::transport {
namespace {

// The figure at a quarter of its size (16 MiB, four sources, four
// connections of 100 Mbit/s, 10 ms round trip; impl/transport/perf/ has the
// 64 MiB files): the engine keeps the links at least 90 % busy and finishes
// at least five times sooner than stop-and-go over the same links.
TEST(TransportPerformance, TheEngineFillsThePipeAndBeatsStopAndGo) {
  TransferParams p;
  p.sources = 4;
  p.messages = 4;
  p.message_bytes = 1 << 20;
  p.output_queue_bytes = 2 << 20;
  p.input_queue_bytes = 4 << 20;
  p.engine.timeout = std::chrono::seconds(60);
  auto machine = [](sim::World& w) {
    w.add_cpu({.name = "sources"});
    w.add_cpu({.name = "storage_server"});
    std::vector<sim::Bus*> buses;
    for (int k = 0; k < 4; ++k) {
      buses.push_back(&w.add_bus({.name = "link" + std::to_string(k), .cpus = {0, 1}, .latency = 5ms,
                                  .bytes_per_second = 12'500'000}));
    }
    return buses;
  };
  const double rate = 4 * 12'500'000.0;
  double engine_s = 0;
  {
    sim::World w({.seed = 1});
    auto buses = machine(w);
    Transfer t(w, w.cpu(0), w.cpu(1), buses, p);
    t.start();
    w.run();
    ASSERT_EQ(t.counters().completed_ok, 16u);
    engine_s = static_cast<double>(sim::to_ns(t.finished_at())) / 1e9;
    EXPECT_GE(static_cast<double>(t.wire_bytes()) / (rate * engine_s), 0.90) << engine_s << " s";
  }
  sim::World w({.seed = 1});
  auto buses = machine(w);
  StopAndGo b(w, w.cpu(0), w.cpu(1), buses, p, 1500);
  b.start();
  w.run();
  ASSERT_EQ(b.counters().delivered, 16u);
  const double baseline_s = static_cast<double>(sim::to_ns(b.finished_at())) / 1e9;
  EXPECT_GE(baseline_s, 5 * engine_s) << engine_s << " s against " << baseline_s << " s";
}

}  // namespace
}  // namespace ipcsim::transport

// Buses: latency, bandwidth, queueing, and every fault through the chooser.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/bus.hpp"
#include "sim/replay_chooser.hpp"
#include "sim/test_workloads.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

std::vector<std::byte> bytes(std::size_t n, std::uint8_t fill = 0) { return std::vector<std::byte>(n, std::byte{fill}); }

struct TwoCpus {
  World w;
  Cpu* c0;
  Cpu* c1;
  Bus* bus;
  Port* in;
  std::vector<Message> got;
  explicit TwoCpus(BusConfig cfg, WorldConfig wc = {}) : w(wc) {
    c0 = &w.add_cpu({.name = "cpu0"});
    c1 = &w.add_cpu({.name = "cpu1"});
    cfg.cpus = {0, 1};
    bus = &w.add_bus(cfg);
    in = &w.add_port(*c1, "in");
  }
  void receive_all(Duration quiet = 100us) {
    w.spawn(*c1, "receiver", [this, quiet](Ctx) -> Task<> {
      for (;;) {
        auto m = co_await in->recv_for(quiet);
        if (!m) co_return;
        got.push_back(std::move(*m));
      }
    });
  }
  std::vector<std::uint32_t> tags() const {
    std::vector<std::uint32_t> t;
    for (const auto& m : got) t.push_back(m.tag);
    return t;
  }
};

TEST(BusTest, LatencyAndBandwidthSetTheArrivalTime) {
  TwoCpus t({.name = "b", .latency = 1us, .bytes_per_second = 1'000'000'000});
  std::int64_t arrived = -1;
  t.w.spawn(*t.c0, "sender", [&](Ctx) -> Task<> { co_await t.bus->send(*t.in, 1, bytes(64, 0xab)); });
  t.w.spawn(*t.c1, "receiver", [&](Ctx cx) -> Task<> {
    Message m = co_await t.in->recv();
    arrived = to_ns(cx.now());
    EXPECT_EQ(m.body, bytes(64, 0xab)) << "the bytes really travel";
    EXPECT_EQ(m.from, 0u);
  });
  t.w.run();
  EXPECT_EQ(arrived, 64 + 1000);  // 64 B at 1 GB/s, then 1 us
}

TEST(BusTest, TheMediumSerialisesMessagesInSendOrder) {
  TwoCpus t({.name = "b", .latency = 100ns, .bytes_per_second = 1'000'000'000});
  std::vector<std::int64_t> times;
  t.w.spawn(*t.c0, "sender", [&](Ctx) -> Task<> {
    for (std::uint32_t i = 0; i < 3; ++i) co_await t.bus->send(*t.in, i, bytes(1000));
  });
  t.w.spawn(*t.c1, "receiver", [&](Ctx cx) -> Task<> {
    for (int i = 0; i < 3; ++i) {
      (void)co_await t.in->recv();
      times.push_back(to_ns(cx.now()));
    }
  });
  t.w.run();
  EXPECT_EQ(times, (std::vector<std::int64_t>{1100, 2100, 3100}));
}

TEST(BusTest, AFullQueueBlocksTheSenderUntilAMessageLands) {
  TwoCpus t({.name = "b", .latency = 10us, .queue_limit = 2});
  std::vector<std::int64_t> sent_at;
  t.w.spawn(*t.c0, "sender", [&](Ctx cx) -> Task<> {
    for (std::uint32_t i = 0; i < 4; ++i) {
      co_await t.bus->send(*t.in, i, bytes(8));
      sent_at.push_back(to_ns(cx.now()));
    }
  });
  t.receive_all();
  t.w.run();
  EXPECT_EQ(sent_at, (std::vector<std::int64_t>{0, 0, 10'000, 10'000}));
  EXPECT_EQ(t.tags(), (std::vector<std::uint32_t>{0, 1, 2, 3}));
}

// Without a reorder decision nothing overtakes; with one, the chooser picks who.
TEST(BusTest, ReorderingHappensOnlyThroughTheChooser) {
  auto run_with = [](std::vector<std::uint32_t> reorder, std::vector<std::uint32_t> order) {
    TwoCpus t({.name = "b", .latency = 5us, .faults = {.reorder_ppm = 500'000}});
    testing::ScriptedChooser script;
    script.script(ChoiceKind::FaultReorder, std::move(reorder)).script(ChoiceKind::MessageOrder, std::move(order));
    t.w.set_chooser(script);
    t.w.spawn(*t.c0, "sender", [&t](Ctx) -> Task<> {
      for (std::uint32_t i = 0; i < 3; ++i) co_await t.bus->send(*t.in, i, bytes(8));
    });
    t.receive_all();
    t.w.run();
    return std::pair{t.tags(), t.w.choices()};
  };
  // All answers 0: no reorder at any arrival.
  auto [in_order, asked] = run_with({}, {});
  EXPECT_EQ(in_order, (std::vector<std::uint32_t>{0, 1, 2}));
  int reorder_points = 0;
  for (const auto& c : asked) reorder_points += c.kind == ChoiceKind::FaultReorder;
  EXPECT_EQ(reorder_points, 2) << "asked at the first two arrivals, while others are in flight";
  // Reorder at the first arrival, taking the second of the two others (tag 2):
  // tag 2 lands in tag 0's slot and tag 0 takes tag 2's (the last) slot.
  auto [reordered, asked2] = run_with({1}, {1});
  EXPECT_EQ(reordered, (std::vector<std::uint32_t>{2, 1, 0}));
}

TEST(BusTest, DropAndDuplicateAreFaultChoices) {
  // The first arrival is dropped; the second is duplicated (same id, copy 1).
  TwoCpus t({.name = "b", .latency = 1us, .faults = {.drop_ppm = 1, .duplicate_ppm = 1}});
  testing::ScriptedChooser script;
  script.script(ChoiceKind::FaultDrop, {1, 0}).script(ChoiceKind::FaultDuplicate, {1});
  t.w.set_chooser(script);
  t.w.spawn(*t.c0, "sender", [&](Ctx) -> Task<> {
    co_await t.bus->send(*t.in, 10, bytes(8));
    co_await t.bus->send(*t.in, 11, bytes(8));
  });
  t.receive_all();
  t.w.run();
  ASSERT_EQ(t.got.size(), 2u);
  EXPECT_EQ(t.got[0].tag, 11u);
  EXPECT_EQ(t.got[1].tag, 11u);
  EXPECT_EQ(t.got[0].id, t.got[1].id);
  EXPECT_EQ(t.got[0].copy, 0u);
  EXPECT_EQ(t.got[1].copy, 1u);
  EXPECT_EQ(t.bus->counters().dropped, 1u);
  EXPECT_EQ(t.bus->counters().duplicated, 1u);
}

TEST(BusTest, DelayHoldsAMessageByAChosenLevel) {
  TwoCpus t({.name = "b", .latency = 1us, .faults = {.delay_ppm = 1, .delay_min = 3us, .delay_max = 9us}});
  testing::ScriptedChooser script;
  script.script(ChoiceKind::FaultDelay, {1}).script(ChoiceKind::DelayAmount, {2});
  t.w.set_chooser(script);
  std::int64_t arrived = -1;
  t.w.spawn(*t.c0, "sender", [&](Ctx) -> Task<> { co_await t.bus->send(*t.in, 1, bytes(8)); });
  t.w.spawn(*t.c1, "receiver", [&](Ctx cx) -> Task<> {
    (void)co_await t.in->recv();
    arrived = to_ns(cx.now());
  });
  t.w.run();
  EXPECT_EQ(arrived, 1000 + 3000 + 4000);  // level 2 of 0..3 between 3 and 9 us
}

TEST(BusTest, APartitionDropsCrossTrafficUntilHealed) {
  TwoCpus t({.name = "b", .latency = 1us});
  t.w.spawn(*t.c0, "sender", [&](Ctx cx) -> Task<> {
    co_await t.bus->send(*t.in, 1, bytes(8));
    co_await cx.sleep(10us);
    t.bus->heal();
    co_await t.bus->send(*t.in, 2, bytes(8));
  });
  t.bus->partition({{0}, {1}});
  t.receive_all();
  t.w.run();
  EXPECT_EQ(t.tags(), (std::vector<std::uint32_t>{2}));
}

TEST(BusTest, SendingFromACpuTheBusDoesNotReachIsAUsageError) {
  World w;
  Cpu& c0 = w.add_cpu({.name = "cpu0"});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  w.add_cpu({.name = "cpu2"});
  Bus& b = w.add_bus({.name = "b01", .cpus = {0, 1}});
  Port& p = w.add_port(c1, "p");
  w.spawn(w.cpu(2), "stranger", [&](Ctx) -> Task<> { co_await b.send(p, 0, bytes(1)); });
  (void)c0;
  EXPECT_THROW(w.run(), UsageError);
}

TEST(BusTest, ReceivingFromAnotherCpusPortIsAUsageError) {
  World w;
  Cpu& c0 = w.add_cpu({.name = "cpu0"});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  Port& p = w.add_port(c1, "p");
  w.spawn(c0, "thief", [&](Ctx) -> Task<> { (void)co_await p.recv(); });
  EXPECT_THROW(w.run(), UsageError);
}

}  // namespace
}  // namespace ipcsim::sim

// Memories: real bytes, mapping checks, access cost, loss on crash.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "sim/world.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

TEST(MemoryTest, ReadsBackWhatWasWrittenAsRealBytes) {
  World w;
  Cpu& c = w.add_cpu({.memory_bytes = 256});
  std::uint64_t seen = 0;
  w.spawn(c, "a", [&](Ctx cx) -> Task<> {
    cx.cpu().memory().put<std::uint64_t>(16, 0x1122334455667788ULL);
    seen = cx.cpu().memory().get<std::uint64_t>(16);
    co_return;
  });
  w.run();
  EXPECT_EQ(seen, 0x1122334455667788ULL);
  std::array<std::byte, 8> raw{};
  ASSERT_TRUE(c.memory().peek(16, raw));
  std::uint64_t v = 0;
  std::memcpy(&v, raw.data(), 8);
  EXPECT_EQ(v, 0x1122334455667788ULL);
}

TEST(MemoryTest, AccessCostIsChargedAsCpuTimeAtTheEndOfTheStep) {
  World w;
  Cpu& c = w.add_cpu({.memory_bytes = 4096, .memory_cost = {.per_access = 10ns, .bytes_per_ns = 4}});
  std::int64_t after = -1;
  w.spawn(c, "a", [&](Ctx cx) -> Task<> {
    std::array<std::byte, 400> buf{};
    cx.cpu().memory().write(0, buf);  // 10 + 100 ns
    cx.cpu().memory().read(0, buf);   // 10 + 100 ns
    co_await cx.yield();              // the op comes after the 220 ns of accesses
    after = to_ns(cx.now());
  });
  w.run();
  EXPECT_EQ(after, 220);
}

TEST(MemoryTest, TouchingAnotherCpusNonsharedMemoryIsAUsageError) {
  World w;
  Cpu& c0 = w.add_cpu({.name = "cpu0"});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  w.spawn(c1, "snoop", [&](Ctx) -> Task<> {
    (void)c0.memory().get<int>(0);
    co_return;
  });
  try {
    w.run();
    FAIL();
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'snoop' (#1 on cpu1) touched nonshared memory 'cpu0.mem'"), std::string::npos) << msg;
  }
}

TEST(MemoryTest, CatchingTheUsageErrorInsideTheActorDoesNotHideIt) {
  World w;
  Cpu& c0 = w.add_cpu({});
  Cpu& c1 = w.add_cpu({});
  w.spawn(c1, "sly", [&](Ctx cx) -> Task<> {
    try {
      (void)c0.memory().get<int>(0);
    } catch (const UsageError&) {
    }
    co_await cx.sleep(1us);
  });
  EXPECT_THROW(w.run(), UsageError);
}

TEST(MemoryTest, OutOfBoundsAccessIsAUsageError) {
  World w;
  Cpu& c = w.add_cpu({.memory_bytes = 64});
  w.spawn(c, "over", [&](Ctx cx) -> Task<> {
    (void)cx.cpu().memory().get<std::uint64_t>(60);
    co_return;
  });
  EXPECT_THROW(w.run(), UsageError);
}

TEST(MemoryTest, SharedRegionIsVisibleToMappedCpusOnly) {
  World w;
  Cpu& c0 = w.add_cpu({});
  Cpu& c1 = w.add_cpu({});
  Cpu& c2 = w.add_cpu({.name = "outsider"});
  Memory& region = w.add_shared_region("list", 128, {0, 1});
  int read_by_c1 = 0;
  w.spawn(c0, "writer", [&](Ctx) -> Task<> {
    co_await region.store<int>(8, 77);
  });
  w.spawn(c1, "reader", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(1us);
    read_by_c1 = co_await region.load<int>(8);
  });
  w.run();
  EXPECT_EQ(read_by_c1, 77);
  w.spawn(c2, "outsider-reader", [&](Ctx) -> Task<> { (void)co_await region.load<int>(8); });
  EXPECT_THROW(w.run(), UsageError);
}

TEST(MemoryTest, FootprintsNameTheByteRangesTouched) {
  struct Recorder : Observer {
    std::vector<Access> all;
    bool wants_footprints() const override { return true; }
    void on_step(const StepInfo& s) override {
      for (const Access& a : s.footprint) {
        if (a.object < (1ULL << 63)) all.push_back(a);  // memory accesses only, not actor keys
      }
    }
  } rec;
  World w;
  w.attach(rec);
  Cpu& c = w.add_cpu({});
  Memory& region = w.add_shared_region("r", 64, {0});
  w.spawn(c, "a", [&](Ctx) -> Task<> {
    co_await region.store<std::uint32_t>(4, 1);
    (void)co_await region.load<std::uint16_t>(10);
  });
  w.run();
  ASSERT_EQ(rec.all.size(), 2u);
  EXPECT_EQ(rec.all[0], (Access{region.id(), AccessMode::Write, 4, 8}));
  EXPECT_EQ(rec.all[1], (Access{region.id(), AccessMode::Read, 10, 12}));
  EXPECT_TRUE(conflicts(rec.all[0], Access{region.id(), AccessMode::Read, 7, 9}));
  EXPECT_FALSE(conflicts(rec.all[0], Access{region.id(), AccessMode::Read, 8, 9}));
  EXPECT_FALSE(conflicts(rec.all[1], Access{region.id(), AccessMode::Read, 10, 12}));
}

}  // namespace
}  // namespace ipcsim::sim

// The heap: first fit, splitting, coalescing with both neighbours, refusal of
// foreign or double frees, and messages whose bodies come from a heap.
#include "impl/rtos/heap.hpp"

#include <gtest/gtest.h>

#include "impl/rtos/rtos.hpp"
#include "impl/rtos/test_support.hpp"

namespace ipcsim::rtos {
namespace {

struct Machine {
  sim::World w{{.seed = 5}};
  testing::RecordLog log;
  sim::Cpu* cpu = nullptr;
  std::unique_ptr<Rtos> os;
  Machine() {
    w.attach(log);
    cpu = &w.add_cpu({.name = "cpu0", .policy = sim::RunPolicy::PriorityPreemptive, .memory_bytes = 32 * 1024});
    os = std::make_unique<Rtos>(w, cpu->memory());
  }
  template <class F>
  void in_actor(F f) {
    w.spawn(*cpu, "t", [f](sim::Ctx) mutable -> sim::Task<> {
      f();
      co_return;
    });
    ASSERT_EQ(w.run().outcome, sim::RunOutcome::Quiescent);
  }
};

TEST(HeapTest, FirstFitSplitsAndFreeCoalescesBothNeighbours) {
  Machine m;
  Heap& h = m.os->create_heap("heap", 1024);
  Addr a = 0, b = 0, c = 0, d = 0;
  std::string after_alloc, after_frees;
  std::uint32_t free_mid = 0;
  m.in_actor([&] {
    a = m.os->heap_malloc_now(h, 100);  // chunk 112
    b = m.os->heap_malloc_now(h, 10);   // chunk 24 (header + 16)
    c = m.os->heap_malloc_now(h, 200);  // chunk 208
    after_alloc = h.check();
    m.os->heap_free_now(h, a);
    m.os->heap_free_now(h, c);  // c merges with the tail
    free_mid = h.free_bytes();
    d = m.os->heap_malloc_now(h, 50);  // first fit: a's hole
    m.os->heap_free_now(h, d);
    m.os->heap_free_now(h, b);  // b merges with both neighbours
    after_frees = h.check();
  });
  EXPECT_EQ(after_alloc, "");
  EXPECT_EQ(b, a + 112);
  EXPECT_EQ(c, b + 24);
  EXPECT_EQ(free_mid, 1024u - 24u);
  EXPECT_EQ(d, a) << "first fit takes the first hole that is large enough";
  EXPECT_EQ(after_frees, "");
  EXPECT_EQ(h.free_bytes(), 1024u);
  EXPECT_EQ(h.used_chunks(), 0u);
  EXPECT_EQ(m.log.count("rtos.heap.malloc"), 4u);
  EXPECT_EQ(m.log.count("rtos.heap.free"), 4u);
}

TEST(HeapTest, ExhaustionReturnsZeroAndIsTraced) {
  Machine m;
  Heap& h = m.os->create_heap("heap", 256);
  Addr big = 1, small = 0;
  m.in_actor([&] {
    big = m.os->heap_malloc_now(h, 300);
    small = m.os->heap_malloc_now(h, 200);
  });
  EXPECT_EQ(big, kNull);
  EXPECT_NE(small, kNull);
  EXPECT_EQ(m.log.count("rtos.heap.empty"), 1u);
}

TEST(HeapTest, DoubleFreeIsRefusedEvenAfterTheChunkMergedIntoItsNeighbour) {
  Machine m;
  Heap& h = m.os->create_heap("heap", 512);
  m.w.spawn(*m.cpu, "t", [&](sim::Ctx) -> sim::Task<> {
    const Addr a = m.os->heap_malloc_now(h, 32);
    const Addr b = m.os->heap_malloc_now(h, 32);
    m.os->heap_free_now(h, a);
    m.os->heap_free_now(h, b);  // b merges into a's free chunk
    m.os->heap_free_now(h, b);
    co_return;
  });
  try {
    m.w.run();
    FAIL();
  } catch (const sim::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("is not a block in use of heap 'heap'"), std::string::npos) << e.what();
  }
}

TEST(HeapTest, MessagesFromAHeapGoBackToTheHeapOnRelease) {
  Machine m;
  Heap& h = m.os->create_heap("heap", 1024);
  Addr msg = 0, dbp = 0;
  std::uint32_t bytes = 0;
  m.in_actor([&] {
    msg = m.os->msg_get_now(h, 300);
    dbp = m.os->msg_dbp(msg);
    bytes = m.os->msg_bytes(msg);
    m.os->msg_rel_now(msg);
  });
  EXPECT_NE(msg, kNull);
  EXPECT_EQ(bytes, 300u);
  EXPECT_EQ(h.free_bytes(), 1024u);
  EXPECT_EQ(h.check(), "");
  EXPECT_EQ(m.log.of("rtos.msg.rel")[0],
            "rtos.msg.rel msg=" + std::to_string(msg) + " cb_pool=" + std::to_string(m.os->mcb_pool().handle()) +
                " pool=" + std::to_string(h.handle()) + " dbp=" + std::to_string(dbp) + " proxy_of=0 owner=0");
}

}  // namespace
}  // namespace ipcsim::rtos

// Mutex, semaphores, gate, event and condition variable: each blocks visibly,
// wakes the right actors, and honours timeouts.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/event.hpp"
#include "sim/gate.hpp"
#include "sim/mutex.hpp"
#include "sim/semaphore.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

std::string at(Ctx& cx, const std::string& what) { return what + "@" + std::to_string(to_ns(cx.now())); }

TEST(MutexTest, ExcludesAndHandsOffInArrivalOrder) {
  World w({.seed = 11});
  std::vector<Cpu*> cpus;
  for (int i = 0; i < 3; ++i) cpus.push_back(&w.add_cpu({}));
  Mutex m(w, "m");
  int inside = 0;
  int max_inside = 0;
  std::vector<std::string> owners;
  for (int i = 0; i < 3; ++i) {
    w.spawn(*cpus[static_cast<std::size_t>(i)], "t" + std::to_string(i), [&, i](Ctx cx) -> Task<> {
      for (int k = 0; k < 3; ++k) {
        co_await m.lock();
        max_inside = std::max(max_inside, ++inside);
        owners.push_back("t" + std::to_string(i));
        co_await cx.compute(1us);
        --inside;
        co_await m.unlock();
      }
    });
  }
  const RunResult r = w.run();
  EXPECT_EQ(r.outcome, RunOutcome::Quiescent);
  EXPECT_EQ(max_inside, 1);
  EXPECT_EQ(owners.size(), 9u);
  EXPECT_EQ(to_ns(r.end_time), 9000) << "the critical sections are serialised";
}

TEST(MutexTest, LockForTimesOutAndTryLockFailsAtOnce) {
  World w;
  Cpu& c0 = w.add_cpu({});
  Cpu& c1 = w.add_cpu({});
  Mutex m(w, "m");
  std::vector<std::string> log;
  w.spawn(c0, "holder", [&](Ctx cx) -> Task<> {
    co_await m.lock();
    co_await cx.sleep(10us);
    co_await m.unlock();
  });
  w.spawn(c1, "waiter", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(1us);
    const bool got_now = co_await m.try_lock();
    log.push_back(at(cx, got_now ? "try got it" : "try failed"));
    const bool got = co_await m.lock_for(3us);
    log.push_back(at(cx, got ? "got it" : "timed out"));
    const bool later = co_await m.lock_for(20us);
    log.push_back(at(cx, later ? "got it" : "timed out"));
    co_await m.unlock();
  });
  w.run();
  EXPECT_EQ(log, (std::vector<std::string>{"try failed@1000", "timed out@4000", "got it@10000"}));
}

TEST(MutexTest, UnlockByANonOwnerIsAUsageErrorNamingActorAndMutex) {
  World w;
  Cpu& c = w.add_cpu({.name = "cpu0"});
  Mutex m(w, "table-lock");
  w.spawn(c, "intruder", [&](Ctx) -> Task<> { co_await m.unlock(); });
  try {
    w.run();
    FAIL();
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'intruder'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'table-lock'"), std::string::npos) << msg;
  }
}

TEST(MutexTest, UnlockOfAMutexAnotherActorHoldsNamesTheOwnerByName) {
  World w;
  Cpu& c0 = w.add_cpu({.name = "cpu0"});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  Mutex m(w, "table-lock");
  w.spawn(c0, "holder", [&](Ctx cx) -> Task<> {
    co_await m.lock();
    co_await cx.sleep(10us);
  }, {.daemon = true});
  w.spawn(c1, "intruder", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(1us);
    co_await m.unlock();
  });
  try {
    w.run();
    FAIL();
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("that it does not hold (owner: 'holder' (#1 on cpu0))"), std::string::npos) << msg;
  }
}

// A robust mutex: the owner crashes holding it; a survivor recovers it and the
// waiter gets it by hand-off, with the recovery in the trace.
TEST(MutexTest, RecoveryOfADeadOwnersMutexHandsItToTheFirstWaiter) {
  struct Kinds final : Observer {
    std::vector<std::string> seen;
    void on_record(const TraceRecord& r) override {
      if (r.kind.starts_with("mutex.")) seen.push_back(std::string(r.kind) + "@" + std::to_string(r.actor));
    }
  } kinds;
  World w;
  w.attach(kinds);
  Cpu& c0 = w.add_cpu({.name = "cpu0"});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  Cpu& c2 = w.add_cpu({.name = "cpu2"});
  Mutex m(w, "admin");
  std::vector<std::string> log;
  const ActorRef holder = w.spawn(c0, "holder", [&](Ctx cx) -> Task<> {
    co_await m.lock();
    co_await cx.sleep(100us);  // crashes before it unlocks
    co_await m.unlock();
  });
  w.spawn(c1, "waiter", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(1us);
    co_await m.lock();
    log.push_back(at(cx, "waiter has it"));
    co_await m.unlock();
  });
  w.spawn(c2, "cleaner", [&, holder](Ctx cx) -> Task<> {
    co_await cx.join(holder);
    EXPECT_EQ(m.owner(), holder.id) << "a crash does not release the lock by itself";
    const ActorId to = m.recover_dead_owner();
    log.push_back(at(cx, "recovered to " + std::to_string(to)));
  });
  w.at(at_ns(5000), [&] { w.crash(c0); });
  const RunResult r = w.run();
  EXPECT_EQ(r.outcome, RunOutcome::Quiescent);
  EXPECT_EQ(log, (std::vector<std::string>{"recovered to 2@5000", "waiter has it@5000"}));
  EXPECT_FALSE(m.locked());
  EXPECT_EQ(kinds.seen, (std::vector<std::string>{"mutex.lock@1", "mutex.recover@3", "mutex.lock@2",
                                                  "mutex.unlock@2"}));
}

TEST(MutexTest, RecoveryFromALiveOwnerOrOfAFreeMutexIsAUsageError) {
  for (const bool held : {true, false}) {
    World w;
    Cpu& c0 = w.add_cpu({.name = "cpu0"});
    Cpu& c1 = w.add_cpu({.name = "cpu1"});
    Mutex m(w, "admin");
    if (held) {
      w.spawn(c0, "holder", [&](Ctx cx) -> Task<> {
        co_await m.lock();
        co_await cx.sleep(10us);
        co_await m.unlock();
      });
    }
    w.spawn(c1, "thief", [&](Ctx cx) -> Task<> {
      co_await cx.sleep(1us);
      m.recover_dead_owner();
    });
    try {
      w.run();
      FAIL() << "held=" << held;
    } catch (const UsageError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("'thief'"), std::string::npos) << msg;
      EXPECT_NE(msg.find(held ? "from its owner 'holder' (#1 on cpu0), which is alive" : "which nobody holds"),
                std::string::npos)
          << msg;
    }
  }
}

TEST(SemaphoreTest, CountsWakesAndSaturates) {
  World w;
  Cpu& c = w.add_cpu({});
  Semaphore s(w, "s", 1, /*limit=*/2);
  std::vector<std::string> log;
  w.spawn(c, "consumer", [&](Ctx cx) -> Task<> {
    co_await s.wait();  // the initial unit
    log.push_back(at(cx, "first"));
    co_await s.wait();  // blocks until the producer signals
    log.push_back(at(cx, "second"));
    const bool got = co_await s.wait_for(2us);
    log.push_back(at(cx, got ? "third" : "timeout"));
  });
  w.spawn(c, "producer", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(5us);
    co_await s.signal();
    co_await cx.sleep(100us);
    co_await s.signal(5);  // limit 2: three units are lost to saturation
    EXPECT_EQ(s.count(), 2u);
  });
  w.run();
  EXPECT_EQ(log, (std::vector<std::string>{"first@0", "second@5000", "timeout@7000"}));
}

TEST(ThresholdSemaphoreTest, WakesTheMasterWhenAllSlavesSignalled) {
  World w({.seed = 5});
  Cpu& c = w.add_cpu({});
  ThresholdSemaphore semT(w, "semT", 3);
  std::int64_t master_woke = -1;
  w.spawn(c, "master", [&](Ctx cx) -> Task<> {
    co_await semT.wait();
    master_woke = to_ns(cx.now());
  });
  for (int i = 1; i <= 3; ++i) {
    w.spawn(c, "slave" + std::to_string(i), [&, i](Ctx cx) -> Task<> {
      co_await cx.sleep(std::chrono::microseconds(i));
      co_await semT.signal();
    });
  }
  w.run();
  EXPECT_EQ(master_woke, 3000);
  EXPECT_EQ(semT.count(), 0u) << "the wake consumes the threshold";
}

TEST(GateTest, PulseReleasesTheCurrentWaitersTogetherAndStaysClosed) {
  World w({.seed = 2});
  Cpu& c = w.add_cpu({});
  Gate g(w, "semG");
  std::vector<std::string> log;
  for (int i = 0; i < 3; ++i) {
    w.spawn(c, "s" + std::to_string(i), [&](Ctx cx) -> Task<> {
      co_await g.wait();
      log.push_back(at(cx, "pass"));
      const bool again = co_await g.wait_for(50us);  // closed again: waits for the next pulse
      log.push_back(at(cx, again ? "pass2" : "timeout"));
    });
  }
  w.spawn(c, "master", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(10us);
    co_await g.pulse();
  });
  w.run();
  ASSERT_EQ(log.size(), 6u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(log[static_cast<std::size_t>(i)], "pass@10000");
  for (int i = 3; i < 6; ++i) EXPECT_EQ(log[static_cast<std::size_t>(i)], "timeout@60000");
  // The three released waiters were equals: the chooser ordered them.
  EXPECT_FALSE(w.choices().empty());
}

TEST(GateTest, OpenLetsLaterArrivalsThrough) {
  World w;
  Cpu& c = w.add_cpu({});
  Gate g(w, "g");
  std::vector<std::string> log;
  w.spawn(c, "opener", [&](Ctx) -> Task<> { co_await g.open(); });
  w.spawn(c, "late", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(1us);
    co_await g.wait();
    log.push_back(at(cx, "through"));
  });
  w.run();
  EXPECT_EQ(log, (std::vector<std::string>{"through@1000"}));
}

TEST(EventTest, ManualReleasesAllAutoReleasesOne) {
  World w;
  Cpu& c = w.add_cpu({});
  Event manual(w, "manual");
  Event autoe(w, "auto", Event::Reset::Auto);
  int manual_woken = 0;
  int auto_woken = 0;
  for (int i = 0; i < 3; ++i) {
    w.spawn(c, "m" + std::to_string(i), [&](Ctx) -> Task<> {
      co_await manual.wait();
      ++manual_woken;
    });
    w.spawn(c, "a" + std::to_string(i), [&](Ctx) -> Task<> {
      if (co_await autoe.wait_for(20us)) ++auto_woken;
    });
  }
  w.spawn(c, "setter", [&](Ctx cx) -> Task<> {
    co_await cx.sleep(1us);
    co_await manual.set();
    co_await autoe.set();
  });
  w.run();
  EXPECT_EQ(manual_woken, 3);
  EXPECT_EQ(auto_woken, 1);
  EXPECT_TRUE(manual.is_set());
  EXPECT_FALSE(autoe.is_set());
}

TEST(CondVarTest, ProducerConsumerHandsOverEveryItem) {
  World w({.seed = 9});
  Cpu& c0 = w.add_cpu({});
  Cpu& c1 = w.add_cpu({});
  Mutex m(w, "m");
  CondVar nonempty(w, "nonempty");
  std::vector<int> queue;
  std::vector<int> consumed;
  w.spawn(c0, "consumer", [&](Ctx) -> Task<> {
    for (int k = 0; k < 5; ++k) {
      co_await m.lock();
      while (queue.empty()) co_await nonempty.wait(m);
      consumed.push_back(queue.front());
      queue.erase(queue.begin());
      co_await m.unlock();
    }
  });
  w.spawn(c1, "producer", [&](Ctx cx) -> Task<> {
    for (int k = 0; k < 5; ++k) {
      co_await cx.sleep(1us);
      co_await m.lock();
      queue.push_back(k);
      co_await nonempty.notify_one();
      co_await m.unlock();
    }
  });
  const RunResult r = w.run();
  EXPECT_EQ(r.outcome, RunOutcome::Quiescent);
  EXPECT_EQ(consumed, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Waitables, DestroyingAnObjectUnderItsWaitersFailsTheRunNamingThem) {
  World w;
  Cpu& c = w.add_cpu({.name = "cpu0"});
  auto doomed = std::make_unique<Semaphore>(w, "doomed", 0);
  w.spawn(c, "waiter", [&](Ctx) -> Task<> { co_await doomed->wait(); });
  w.at(at_ns(5), [&] { doomed.reset(); });
  try {
    w.run();
    FAIL();
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'doomed' was destroyed while actors waited on it"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'waiter'"), std::string::npos) << msg;
  }
}

TEST(Waitables, AnInterruptHandlerMayNotBlock) {
  World w;
  Cpu& c = w.add_cpu({.name = "cpu0", .policy = RunPolicy::PriorityPreemptive});
  Semaphore s(w, "s", 0);
  w.spawn(c, "isr", [&](Ctx) -> Task<> { co_await s.wait(); }, {.priority = 255, .may_block = false});
  EXPECT_THROW(w.run(), UsageError);
}

}  // namespace
}  // namespace ipcsim::sim

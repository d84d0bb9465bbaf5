// World::state_digest(): equal for equal states, different when any part of
// the state differs (memory bytes, kernel objects, waiters, actors), and blind
// to what is not state (time, how many records were traced).
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "sim/bus.hpp"
#include "sim/mutex.hpp"
#include "sim/port.hpp"
#include "sim/replay_chooser.hpp"
#include "sim/semaphore.hpp"
#include "sim/state_hash.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {
namespace {

using namespace std::chrono_literals;

// A small world: two CPUs, a shared region, a mutex, a semaphore; `body`
// adds the actors. Returns the digest after the run.
// `choices` (lenient: 0 once they run out) pick the schedule.
std::uint64_t digest_of(const std::function<void(World&, Cpu&, Cpu&, Memory&, Mutex&, Semaphore&)>& body,
                        std::optional<ChoiceList> choices = std::nullopt) {
  World w({.seed = 1});
  std::optional<ReplayChooser> replay;
  if (choices) w.set_chooser(replay.emplace(*choices, ReplayChooser::Mode::Lenient));
  Cpu& c0 = w.add_cpu({.name = "cpu0"});
  Cpu& c1 = w.add_cpu({.name = "cpu1"});
  Memory& shm = w.add_shared_region("shm", 64, {0, 1});
  Mutex m(w, "m");
  Semaphore sem(w, "sem", 0);
  body(w, c0, c1, shm, m, sem);
  w.run();
  const std::uint64_t d = w.state_digest();
  w.shutdown();
  return d;
}

TEST(WorldDigest, TheSameRunGivesTheSameDigest) {
  auto body = [](World& w, Cpu& c0, Cpu&, Memory& shm, Mutex&, Semaphore&) {
    w.spawn(c0, "a", [&shm](Ctx) -> Task<> { co_await shm.store<std::uint32_t>(0, 7); });
  };
  EXPECT_EQ(digest_of(body), digest_of(body));
}

TEST(WorldDigest, EveryMemoryByteCounts) {
  auto store = [](std::uint64_t offset, std::uint8_t value) {
    return [=](World& w, Cpu& c0, Cpu&, Memory& shm, Mutex&, Semaphore&) {
      w.spawn(c0, "a", [&shm, offset, value](Ctx) -> Task<> { co_await shm.store<std::uint8_t>(offset, value); });
    };
  };
  EXPECT_NE(digest_of(store(0, 1)), digest_of(store(0, 2)));
  EXPECT_NE(digest_of(store(0, 1)), digest_of(store(63, 1)));
  // A CPU's nonshared memory too.
  auto local = [](std::uint8_t value) {
    return [=](World& w, Cpu& c0, Cpu&, Memory&, Mutex&, Semaphore&) {
      w.spawn(c0, "a", [value](Ctx cx) -> Task<> { co_await cx.cpu().memory().store<std::uint8_t>(40'000, value); });
    };
  };
  EXPECT_NE(digest_of(local(1)), digest_of(local(2)));
}

TEST(WorldDigest, KernelObjectsAndTheirWaitersCount) {
  // Who holds the mutex at the end (it ended holding it).
  auto holder = [](int who) {
    return [=](World& w, Cpu& c0, Cpu& c1, Memory&, Mutex& m, Semaphore&) {
      for (int i = 0; i < 2; ++i) {
        w.spawn(i == 0 ? c0 : c1, "a" + std::to_string(i), [&m, lock = i == who](Ctx) -> Task<> {
          if (lock) co_await m.lock();
        });
      }
    };
  };
  EXPECT_NE(digest_of(holder(0)), digest_of(holder(1)));
  // A semaphore's count.
  auto signals = [](int n) {
    return [=](World& w, Cpu& c0, Cpu&, Memory&, Mutex&, Semaphore& sem) {
      w.spawn(c0, "s", [&sem, n](Ctx) -> Task<> {
        for (int i = 0; i < n; ++i) co_await sem.signal();
      });
    };
  };
  EXPECT_NE(digest_of(signals(1)), digest_of(signals(2)));
  // Who waits, in which order: two waiters blocked forever, started in either order.
  auto waiters = [] {
    return [](World& w, Cpu& c0, Cpu& c1, Memory&, Mutex&, Semaphore& sem) {
      auto wait = [&sem](Ctx) -> Task<> { (void)co_await sem.wait(); };
      w.spawn(c0, "a", wait, {.daemon = true});
      w.spawn(c1, "b", wait, {.daemon = true});
    };
  };
  // Each actor's first step announces its op, the second applies it.
  const ChoiceList a_first = {{ChoiceKind::Schedule, 2, 0}, {ChoiceKind::Schedule, 2, 0}};
  const ChoiceList b_first = {{ChoiceKind::Schedule, 2, 1}, {ChoiceKind::Schedule, 2, 1}};
  EXPECT_NE(digest_of(waiters(), a_first), digest_of(waiters(), b_first));
}

TEST(WorldDigest, HowActorsEndedCounts) {
  auto ending = [](bool kill) {
    return [=](World& w, Cpu& c0, Cpu& c1, Memory&, Mutex&, Semaphore& sem) {
      const ActorRef victim = w.spawn(c1, "victim", [&sem](Ctx) -> Task<> { (void)co_await sem.wait(); }, {.daemon = true});
      w.spawn(c0, "ender", [&sem, victim, kill](Ctx cx) -> Task<> {
        co_await cx.sleep(1us);
        if (kill) {
          co_await cx.kill(victim);
        } else {
          co_await sem.signal();
        }
      });
    };
  };
  EXPECT_NE(digest_of(ending(true)), digest_of(ending(false)));
}

TEST(WorldDigest, TimeIsNotState) {
  auto sleeper = [](Duration d) {
    return [=](World& w, Cpu& c0, Cpu&, Memory& shm, Mutex&, Semaphore&) {
      w.spawn(c0, "a", [&shm, d](Ctx cx) -> Task<> {
        co_await cx.sleep(d);
        co_await shm.store<std::uint32_t>(0, 7);
      });
    };
  };
  EXPECT_EQ(digest_of(sleeper(1us)), digest_of(sleeper(2us)));
}

// Ids drawn by two actors do not depend on the order their steps took: each
// actor draws its own (World::new_message_id). One counter for the World
// would give the two messages each other's ids in the other order, and two
// equivalent runs (the sends touch different buses and ports) would end in
// different states.
TEST(WorldDigest, MessageIdsAreTheSenders) {
  auto sends = [](World& w, Cpu& c0, Cpu& c1, Memory&, Mutex&, Semaphore&) {
    Cpu& c2 = w.add_cpu({.name = "cpu2"});
    Port& p0 = w.add_port(c2, "inbox0");
    Port& p1 = w.add_port(c2, "inbox1");
    Bus& b0 = w.add_bus({.name = "b0", .cpus = {c0.id(), c2.id()}, .latency = 1us});
    Bus& b1 = w.add_bus({.name = "b1", .cpus = {c1.id(), c2.id()}, .latency = 1us});
    w.spawn(c0, "s0", [&](Ctx) -> Task<> { (void)co_await b0.send(p0, 0, std::vector<std::byte>(4)); });
    w.spawn(c1, "s1", [&](Ctx) -> Task<> { (void)co_await b1.send(p1, 0, std::vector<std::byte>(4)); });
  };
  // Each actor's first step announces its op, the second applies it.
  const ChoiceList a_first = {{ChoiceKind::Schedule, 2, 0}, {ChoiceKind::Schedule, 2, 0}};
  const ChoiceList b_first = {{ChoiceKind::Schedule, 2, 1}, {ChoiceKind::Schedule, 2, 1}};
  EXPECT_EQ(digest_of(sends, a_first), digest_of(sends, b_first));
}

TEST(StateHash, OrderAndPositionMatter) {
  EXPECT_NE(StateHash().add(1).add(2).value(), StateHash().add(2).add(1).value());
  std::vector<std::byte> a(100), b(100);
  a[70] = std::byte{1};
  b[71] = std::byte{1};
  EXPECT_NE(StateHash().add_bytes(a).value(), StateHash().add_bytes(b).value());
  EXPECT_NE(StateHash().add_bytes(a).value(), StateHash().add_bytes(std::vector<std::byte>(100)).value());
  EXPECT_NE(StateHash().add_bytes(std::vector<std::byte>(64)).value(),
            StateHash().add_bytes(std::vector<std::byte>(96)).value());
}

}  // namespace
}  // namespace ipcsim::sim

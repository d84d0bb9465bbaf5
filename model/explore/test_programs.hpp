// Small kernel-level Programs for the explorer's tests and benchmark (not part
// of the library's API). Each builds a fresh World per run; actors that race
// sit on different CPUs unless a program says otherwise, so that the schedule
// chooser can interleave them step by step.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "model/explore/program.hpp"
#include "sim/bus.hpp"
#include "sim/memory.hpp"
#include "sim/mutex.hpp"
#include "sim/port.hpp"
#include "sim/semaphore.hpp"
#include "sim/world.hpp"

namespace ipcsim::explore::testing {

using namespace std::chrono_literals;

inline std::uint32_t peek_u32(const sim::Memory& m, std::uint64_t offset) {
  std::uint32_t v = 0;
  m.peek(offset, std::as_writable_bytes(std::span<std::uint32_t, 1>(&v, 1)));
  return v;
}

inline model::Violation violation(std::string property, std::string message) {
  return model::Violation{std::move(property), 0, {}, std::move(message)};
}

// Two actors on two CPUs: lock m; unlock m. The outcome is who locked first.
class SharedMutexPair final : public Program {
 public:
  std::string name() const override { return "shared_mutex_pair"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Mutex m(w, "m");
    std::vector<int> order;
    for (int i = 0; i < 2; ++i) {
      w.spawn(i == 0 ? c0 : c1, i == 0 ? "A" : "B", [&m, &order, i](sim::Ctx) -> sim::Task<> {
        co_await m.lock();
        order.push_back(i);
        co_await m.unlock();
      });
    }
    Execution e;
    e.run = w.run(cx.limits());
    OutcomeHash h;
    for (int i : order) h.add(static_cast<std::uint64_t>(i));
    e.outcome_hash = h.value();
    return e;
  }
};

// `actors` actors, each on its own CPU, each storing `stores` times into its
// own CPU's memory: nothing is shared, so every interleaving is equivalent.
class IndependentActors final : public Program {
 public:
  IndependentActors(int actors, int stores) : actors_(actors), stores_(stores) {}
  std::string name() const override { return "independent_actors"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    for (int i = 0; i < actors_; ++i) w.add_cpu({.name = "cpu" + std::to_string(i)});
    for (int i = 0; i < actors_; ++i) {
      sim::Memory& mem = w.cpu(static_cast<sim::CpuId>(i)).memory();
      w.spawn(w.cpu(static_cast<sim::CpuId>(i)), "a" + std::to_string(i), [&mem, n = stores_](sim::Ctx) -> sim::Task<> {
        for (int k = 0; k < n; ++k) co_await mem.store<std::uint32_t>(0, static_cast<std::uint32_t>(k + 1));
      });
    }
    Execution e;
    e.run = w.run(cx.limits());
    OutcomeHash h;
    for (int i = 0; i < actors_; ++i) h.add(peek_u32(w.cpu(static_cast<sim::CpuId>(i)).memory(), 0));
    e.outcome_hash = h.value();
    return e;
  }

 private:
  int actors_;
  int stores_;
};

// Two senders on cpu1 and cpu2 each send one message at t = 0 over a bus that
// may reorder (latency 1 us, no serialisation time); a receiver on cpu0,
// spawned at 5 us by a timer, takes both and records their order.
class BusMessageRace final : public Program {
 public:
  std::string name() const override { return "bus_message_race"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed(), .max_faults = cx.max_faults(UINT32_MAX)});
    cx.bind(w);
    for (int i = 0; i < 3; ++i) w.add_cpu({.name = "cpu" + std::to_string(i)});
    sim::Bus& bus = w.add_bus({.name = "bus", .cpus = {0, 1, 2}, .latency = 1us, .faults = {.reorder_ppm = 500'000}});
    sim::Port& inbox = w.add_port(w.cpu(0), "inbox");
    for (std::uint32_t i = 1; i <= 2; ++i) {
      w.spawn(w.cpu(i), "sender" + std::to_string(i), [&bus, &inbox, i](sim::Ctx) -> sim::Task<> {
        co_await bus.send(inbox, i, std::vector<std::byte>(8));
      });
    }
    std::vector<std::uint32_t> tags;
    w.at(sim::at_ns(5000), [&] {
      w.spawn(w.cpu(0), "receiver", [&inbox, &tags](sim::Ctx) -> sim::Task<> {
        for (int k = 0; k < 2; ++k) tags.push_back((co_await inbox.recv()).tag);
      });
    });
    Execution e;
    e.run = w.run(cx.limits());
    OutcomeHash h;
    for (std::uint32_t t : tags) h.add(t);
    e.outcome_hash = h.value();
    return e;
  }
};

// One sender sends three messages at t = 0, all arriving at 1 us on a
// reordering bus; a receiver spawned at 5 us records the arrival order.
// The fault budget is the program's knob (WorldConfig::max_faults).
class ReorderThree final : public Program {
 public:
  explicit ReorderThree(std::uint32_t max_faults) : max_faults_(max_faults) {}
  std::string name() const override { return "reorder_three"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed(), .max_faults = cx.max_faults(max_faults_)});
    cx.bind(w);
    for (int i = 0; i < 2; ++i) w.add_cpu({.name = "cpu" + std::to_string(i)});
    sim::Bus& bus = w.add_bus({.name = "bus", .cpus = {0, 1}, .latency = 1us, .faults = {.reorder_ppm = 500'000}});
    sim::Port& inbox = w.add_port(w.cpu(0), "inbox");
    w.spawn(w.cpu(1), "sender", [&bus, &inbox](sim::Ctx) -> sim::Task<> {
      for (std::uint32_t t = 1; t <= 3; ++t) co_await bus.send(inbox, t, std::vector<std::byte>(8));
    });
    std::vector<std::uint32_t> tags;
    w.at(sim::at_ns(5000), [&] {
      w.spawn(w.cpu(0), "receiver", [&inbox, &tags](sim::Ctx) -> sim::Task<> {
        for (int k = 0; k < 3; ++k) tags.push_back((co_await inbox.recv()).tag);
      });
    });
    Execution e;
    e.run = w.run(cx.limits());
    OutcomeHash h;
    for (std::uint32_t t : tags) h.add(t);
    e.outcome_hash = h.value();
    order = tags;
    return e;
  }
  std::vector<std::uint32_t> order;  // of the last run

 private:
  std::uint32_t max_faults_;
};

// `actors` actors on their own CPUs each add 1 to a shared counter `rounds`
// times with separate load and store ops (no lock): updates can be lost.
// Property "lost_update": the final count is actors * rounds.
class LostUpdate final : public Program {
 public:
  LostUpdate(int actors, int rounds) : actors_(actors), rounds_(rounds) {}
  std::string name() const override { return "lost_update"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    std::vector<sim::CpuId> cpus;
    for (int i = 0; i < actors_; ++i) cpus.push_back(w.add_cpu({.name = "cpu" + std::to_string(i)}).id());
    sim::Memory& x = w.add_shared_region("x", 8, cpus);
    for (int i = 0; i < actors_; ++i) {
      w.spawn(w.cpu(cpus[static_cast<std::size_t>(i)]), "inc" + std::to_string(i), [&x, n = rounds_](sim::Ctx) -> sim::Task<> {
        for (int r = 0; r < n; ++r) {
          const auto v = co_await x.load<std::uint32_t>(0);
          co_await x.store<std::uint32_t>(0, v + 1);
        }
      });
    }
    Execution e;
    e.run = w.run(cx.limits());
    const std::uint32_t final_count = peek_u32(x, 0);
    const auto expected = static_cast<std::uint32_t>(actors_ * rounds_);
    if (final_count != expected) {
      e.violation = violation("lost_update", "x = " + std::to_string(final_count) + ", expected " + std::to_string(expected));
    }
    e.outcome_hash = OutcomeHash().add(final_count).value();
    return e;
  }

 private:
  int actors_;
  int rounds_;
};

// Two actors take m1 and m2 in opposite orders (ABBA): a deadlock in the
// schedules where each gets its first lock before the other's second.
class AbbaDeadlock final : public Program {
 public:
  std::string name() const override { return "abba_deadlock"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Mutex m1(w, "m1");
    sim::Mutex m2(w, "m2");
    w.spawn(c0, "A", [&](sim::Ctx) -> sim::Task<> {
      co_await m1.lock();
      co_await m2.lock();
      co_await m2.unlock();
      co_await m1.unlock();
    });
    w.spawn(c1, "B", [&](sim::Ctx) -> sim::Task<> {
      co_await m2.lock();
      co_await m1.lock();
      co_await m1.unlock();
      co_await m2.unlock();
    });
    Execution e;
    e.run = w.run(cx.limits());
    e.outcome_hash = OutcomeHash().add(static_cast<std::uint64_t>(e.run.outcome)).value();
    w.shutdown();  // the actors' frames refer to m1 and m2
    return e;
  }
};

// Each actor reads the counter under the lock, releases it, and writes the
// incremented value under the lock again: no data race, yet an atomicity
// violation (the read-modify-write is not one critical section). `atomic`
// holds the lock across both: the fixed variant. Property "atomicity".
class AtomicityViolation final : public Program {
 public:
  explicit AtomicityViolation(bool atomic) : atomic_(atomic) {}
  std::string name() const override { return atomic_ ? "atomic_increment" : "atomicity_violation"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Memory& x = w.add_shared_region("x", 8, {0, 1});
    sim::Mutex m(w, "m");
    for (sim::Cpu* c : {&c0, &c1}) {
      w.spawn(*c, "inc", [&x, &m, atomic = atomic_](sim::Ctx) -> sim::Task<> {
        co_await m.lock();
        const auto v = co_await x.load<std::uint32_t>(0);
        if (!atomic) {
          co_await m.unlock();
          co_await m.lock();
        }
        co_await x.store<std::uint32_t>(0, v + 1);
        co_await m.unlock();
      });
    }
    Execution e;
    e.run = w.run(cx.limits());
    const std::uint32_t final_count = peek_u32(x, 0);
    if (final_count != 2) e.violation = violation("atomicity", "x = " + std::to_string(final_count) + ", expected 2");
    e.outcome_hash = OutcomeHash().add(final_count).value();
    w.shutdown();
    return e;
  }

 private:
  bool atomic_;
};

// A takes m1 then m2 at t = 0; B takes m2 then m1 after sleeping 10 us, when A
// is long done. No run deadlocks; the lock order is still inverted.
class AbbaAtDifferentTimes final : public Program {
 public:
  std::string name() const override { return "abba_different_times"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Mutex m1(w, "m1");
    sim::Mutex m2(w, "m2");
    w.spawn(c0, "A", [&](sim::Ctx) -> sim::Task<> {
      co_await m1.lock();
      co_await m2.lock();
      co_await m2.unlock();
      co_await m1.unlock();
    });
    w.spawn(c1, "B", [&](sim::Ctx cx) -> sim::Task<> {
      co_await cx.sleep(10us);
      co_await m2.lock();
      co_await m1.lock();
      co_await m1.unlock();
      co_await m2.unlock();
    });
    Execution e;
    e.run = w.run(cx.limits());
    e.outcome_hash = OutcomeHash().add(static_cast<std::uint64_t>(e.run.outcome)).value();
    w.shutdown();
    return e;
  }
};

// Whichever of two racers sets the flag first decides the order in which a
// third actor, later, takes m1 and m2: each run shows one order only, so only
// a lock-order graph kept across runs sees the inversion.
class LockOrderByRace final : public Program {
 public:
  std::string name() const override { return "lock_order_by_race"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    for (int i = 0; i < 3; ++i) w.add_cpu({.name = "cpu" + std::to_string(i)});
    sim::Memory& flag = w.add_shared_region("flag", 8, {0, 1, 2});
    sim::Mutex m1(w, "m1");
    sim::Mutex m2(w, "m2");
    for (std::uint32_t i = 1; i <= 2; ++i) {
      w.spawn(w.cpu(i), "racer" + std::to_string(i), [&flag, i](sim::Ctx) -> sim::Task<> {
        if (co_await flag.load<std::uint32_t>(0) == 0) co_await flag.store<std::uint32_t>(0, i);
      });
    }
    w.spawn(w.cpu(0), "locker", [&](sim::Ctx cx) -> sim::Task<> {
      co_await cx.sleep(5us);
      const bool forward = co_await flag.load<std::uint32_t>(0) == 1;
      sim::Mutex& first = forward ? m1 : m2;
      sim::Mutex& second = forward ? m2 : m1;
      co_await first.lock();
      co_await second.lock();
      co_await second.unlock();
      co_await first.unlock();
    });
    Execution e;
    e.run = w.run(cx.limits());
    e.outcome_hash = OutcomeHash().add(peek_u32(flag, 0)).value();
    w.shutdown();
    return e;
  }
};

// A bug of depth 2 for PCT: A stores x = 1, then (later) loads x; B adds 1 to
// x `increments` times with separate loads and stores. The bug ("depth2")
// shows only when all of B's updates fall between A's store and A's load:
// two ordering constraints, one long stretch of B in the middle.
class Depth2Bug final : public Program {
 public:
  explicit Depth2Bug(int increments) : increments_(increments) {}
  std::string name() const override { return "depth2_bug"; }
  Execution run(RunContext& cx) override {
    sim::World w({.seed = cx.seed()});
    cx.bind(w);
    sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
    sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
    sim::Memory& x = w.add_shared_region("x", 8, {0, 1});
    std::uint32_t seen = 0;
    w.spawn(c0, "A", [&x, &seen](sim::Ctx) -> sim::Task<> {
      co_await x.store<std::uint32_t>(0, 1);
      seen = co_await x.load<std::uint32_t>(0);
    });
    w.spawn(c1, "B", [&x, n = increments_](sim::Ctx) -> sim::Task<> {
      for (int k = 0; k < n; ++k) {
        const auto v = co_await x.load<std::uint32_t>(0);
        co_await x.store<std::uint32_t>(0, v + 1);
      }
    });
    Execution e;
    e.run = w.run(cx.limits());
    if (seen == static_cast<std::uint32_t>(increments_) + 1) {
      e.violation = violation("depth2", "A read " + std::to_string(seen) + ": all of B ran between its store and its load");
    }
    e.outcome_hash = OutcomeHash().add(seen).add(peek_u32(x, 0)).value();
    return e;
  }

 private:
  int increments_;
};

}  // namespace ipcsim::explore::testing

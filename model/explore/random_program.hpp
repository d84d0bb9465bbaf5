// Randomly generated small programs for differential testing of DPOR (tests
// only): a few actors, some sharing a CPU, on FIFO or priority-preemptive CPUs,
// doing a random mix of shared-memory loads and stores, mutex locks, semaphore
// waits and signals, yields, sleeps, computes, and bus sends and timed
// receives. The outcome digest covers everything an actor can observe (values
// loaded, messages and wait results, the instant each op completed) plus the final
// shared memory: equivalent executions must give equal digests, so DPOR must
// reach exactly the set of digests that plain search reaches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/explore/program.hpp"
#include "sim/bus.hpp"
#include "sim/event.hpp"
#include "sim/gate.hpp"
#include "sim/memory.hpp"
#include "sim/mutex.hpp"
#include "sim/port.hpp"
#include "sim/rng.hpp"
#include "sim/semaphore.hpp"
#include "sim/world.hpp"

namespace ipcsim::explore::testing {

struct RandomShape {
  int max_actors = 3;       // 2 .. max_actors
  int max_ops = 4;          // 2 .. max_ops per actor (plus closing unlocks)
  bool bus_faults = false;  // drop, duplicate and reorder faults (fault budget 1)
  // Also gates (timed wait, pulse), a threshold semaphore (signal, timed wait)
  // and a manual event (timed wait, set): the primitives whose footprints use
  // AccessMode::Update, so the sweep checks that those really commute.
  bool more_sync = false;
  // Also priority changes (an actor sets its own priority, as a receiver at a
  // priority-pass exchange does): a raised priority keeps a CPU that a waiting
  // actor would otherwise have got, so that actor steps at a later instant.
  bool priority_changes = false;
};

class RandomProgram final : public Program {
 public:
  enum class OpKind : std::uint8_t {
    Load, Store, Lock, Unlock, Signal, WaitFor, Yield, Sleep, Compute, Send, RecvFor,
    GateWaitFor, GatePulse, ThresholdSignal, ThresholdWaitFor, EventWaitFor, EventSet,
    SetPriority,
  };
  struct Op {
    OpKind kind;
    std::uint32_t arg = 0;  // offset, mutex index, duration (ns), destination CPU
  };
  struct ActorSpec {
    sim::CpuId cpu = 0;
    int priority = 0;
    std::vector<Op> ops;
  };

  explicit RandomProgram(std::uint64_t seed, RandomShape shape = {}) : seed_(seed) {
    sim::Rng rng(seed);
    cpus_ = 2 + static_cast<int>(rng.below(2));
    for (int c = 0; c < cpus_; ++c) preemptive_.push_back(rng.below(2) == 0);
    bus_latency_ns_ = rng.below(2) == 0 ? 0 : 1000;
    sem_initial_ = rng.below(2);
    if (shape.bus_faults) faults_ = {.drop_ppm = 100'000, .duplicate_ppm = 100'000, .reorder_ppm = 100'000};
    const int actors = 2 + static_cast<int>(rng.below(static_cast<std::uint64_t>(shape.max_actors - 1)));
    for (int a = 0; a < actors; ++a) {
      ActorSpec spec;
      spec.cpu = static_cast<sim::CpuId>(rng.below(static_cast<std::uint64_t>(cpus_)));
      spec.priority = 1 + static_cast<int>(rng.below(2));
      const int n = 2 + static_cast<int>(rng.below(static_cast<std::uint64_t>(shape.max_ops - 1)));
      bool held[2] = {false, false};
      for (int k = 0; k < n; ++k) {
        Op op{static_cast<OpKind>(rng.below(shape.more_sync ? 17 : 11))};
        switch (op.kind) {
          case OpKind::Load:
          case OpKind::Store: op.arg = static_cast<std::uint32_t>(rng.below(2)); break;
          case OpKind::Lock:
          case OpKind::Unlock: {
            const auto m = static_cast<std::uint32_t>(rng.below(2));
            op.kind = held[m] ? OpKind::Unlock : OpKind::Lock;
            held[m] = !held[m];
            op.arg = m;
            break;
          }
          case OpKind::Sleep: op.arg = rng.below(2) == 0 ? 0 : 1000; break;
          case OpKind::Compute: op.arg = 500; break;
          case OpKind::Send: op.arg = static_cast<std::uint32_t>(rng.below(static_cast<std::uint64_t>(cpus_))); break;
          case OpKind::WaitFor:
          case OpKind::RecvFor:
          case OpKind::GateWaitFor:
          case OpKind::ThresholdWaitFor:
          case OpKind::EventWaitFor: op.arg = 1500; break;
          default: break;
        }
        if (shape.priority_changes && rng.below(4) == 0) op = Op{OpKind::SetPriority, 1 + static_cast<std::uint32_t>(rng.below(3))};
        spec.ops.push_back(op);
      }
      for (std::uint32_t m = 0; m < 2; ++m) {
        if (held[m]) spec.ops.push_back(Op{OpKind::Unlock, m});
      }
      actors_.push_back(std::move(spec));
    }
  }

  std::string name() const override { return "random_" + std::to_string(seed_); }

  Execution run(RunContext& cx) override {
    using namespace std::chrono_literals;
    sim::World w({.seed = cx.seed(), .max_faults = cx.max_faults(1)});
    cx.bind(w);
    std::vector<sim::CpuId> all;
    for (int c = 0; c < cpus_; ++c) {
      all.push_back(w.add_cpu({.name = "cpu" + std::to_string(c),
                               .policy = preemptive_[static_cast<std::size_t>(c)] ? sim::RunPolicy::PriorityPreemptive
                                                                                  : sim::RunPolicy::Fifo})
                        .id());
    }
    sim::Memory& shm = w.add_shared_region("shm", 8, all);
    sim::Bus& bus = w.add_bus({.name = "bus", .cpus = all, .latency = sim::Duration{bus_latency_ns_}, .faults = faults_});
    std::vector<sim::Port*> ports;
    for (int c = 0; c < cpus_; ++c) ports.push_back(&w.add_port(w.cpu(static_cast<sim::CpuId>(c)), "port" + std::to_string(c)));
    sim::Mutex m0(w, "m0");
    sim::Mutex m1(w, "m1");
    sim::Semaphore sem(w, "sem", sem_initial_, 2);
    sim::Gate gate(w, "gate");
    sim::ThresholdSemaphore semt(w, "semT", 2);
    sim::Event event(w, "event");
    std::vector<std::vector<std::uint64_t>> logs(actors_.size());

    for (std::size_t a = 0; a < actors_.size(); ++a) {
      const ActorSpec* spec = &actors_[a];
      std::vector<std::uint64_t>* log = &logs[a];
      w.spawn(w.cpu(spec->cpu), "r" + std::to_string(a),
              [&, spec, log, self = static_cast<std::uint32_t>(a)](sim::Ctx cx) -> sim::Task<> {
                std::uint32_t last = 0;
                std::uint32_t sent = 0;
                for (const Op& op : spec->ops) {
                  switch (op.kind) {
                    case OpKind::Load:
                      last = co_await shm.load<std::uint8_t>(op.arg);
                      log->push_back(last);
                      break;
                    case OpKind::Store:
                      co_await shm.store<std::uint8_t>(op.arg, static_cast<std::uint8_t>(self * 16 + last + 1));
                      break;
                    case OpKind::Lock: co_await (op.arg == 0 ? m0 : m1).lock(); break;
                    case OpKind::Unlock: co_await (op.arg == 0 ? m0 : m1).unlock(); break;
                    case OpKind::Signal: co_await sem.signal(); break;
                    case OpKind::WaitFor: log->push_back(co_await sem.wait_for(sim::Duration{op.arg}) ? 1 : 2); break;
                    case OpKind::Yield: co_await cx.yield(); break;
                    case OpKind::Sleep: co_await cx.sleep(sim::Duration{op.arg}); break;
                    case OpKind::Compute: co_await cx.compute(sim::Duration{op.arg}); break;
                    case OpKind::Send:
                      co_await bus.send(*ports[op.arg], self * 100 + sent++, std::vector<std::byte>(4));
                      break;
                    case OpKind::GateWaitFor: log->push_back(co_await gate.wait_for(sim::Duration{op.arg}) ? 4 : 5); break;
                    case OpKind::GatePulse: co_await gate.pulse(); break;
                    case OpKind::ThresholdSignal: co_await semt.signal(); break;
                    case OpKind::ThresholdWaitFor:
                      log->push_back(co_await semt.wait_for(sim::Duration{op.arg}) ? 6 : 7);
                      break;
                    case OpKind::EventWaitFor: log->push_back(co_await event.wait_for(sim::Duration{op.arg}) ? 8 : 9); break;
                    case OpKind::EventSet: co_await event.set(); break;
                    case OpKind::SetPriority:
                      // In local code, then one op (a yield) so that the change lies inside a step.
                      cx.set_priority(static_cast<int>(op.arg));
                      co_await cx.yield();
                      break;
                    case OpKind::RecvFor: {
                      auto m = co_await ports[spec->cpu]->recv_for(sim::Duration{op.arg});
                      log->push_back(m ? 1000 + m->tag : 3);
                      break;
                    }
                  }
                  // When each op completed: reorderings that shift time show.
                  log->push_back(static_cast<std::uint64_t>(sim::to_ns(cx.now())));
                }
              },
              {.priority = spec->priority});
    }
    Execution e;
    e.run = w.run(cx.limits());
    OutcomeHash h;
    h.add(static_cast<std::uint64_t>(e.run.outcome));
    for (const auto& log : logs) {
      h.add(log.size());
      for (std::uint64_t v : log) h.add(v);
    }
    std::uint64_t bytes = 0;
    shm.peek(0, std::as_writable_bytes(std::span<std::uint64_t, 1>(&bytes, 1)));
    h.add(bytes).add(sem.count()).add(semt.count()).add(event.is_set() ? 1 : 0);
    e.outcome_hash = h.value();
    last_logs = logs;
    w.shutdown();
    return e;
  }

  const std::vector<ActorSpec>& actors() const { return actors_; }
  std::vector<std::vector<std::uint64_t>> last_logs;  // of the last run, for diagnostics

 private:
  std::uint64_t seed_;
  int cpus_ = 2;
  std::vector<bool> preemptive_;
  std::int64_t bus_latency_ns_ = 0;
  std::uint64_t sem_initial_ = 0;
  sim::BusFaults faults_{};
  std::vector<ActorSpec> actors_;
};

}  // namespace ipcsim::explore::testing

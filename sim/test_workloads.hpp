// Small workloads shared by the kernel's tests (not part of the library).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/bus.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim::testing {

// Answers each kind of choice from its own script (0 once the script is used
// up), so a test can steer faults without caring how many schedule choices
// come between them.
class ScriptedChooser final : public Chooser {
 public:
  ScriptedChooser& script(ChoiceKind kind, std::vector<std::uint32_t> answers) {
    scripts_[static_cast<std::size_t>(kind)] = std::move(answers);
    return *this;
  }
  std::uint32_t choose(const ChoicePoint& p) override {
    auto& s = scripts_[static_cast<std::size_t>(p.kind)];
    auto& next = next_[static_cast<std::size_t>(p.kind)];
    return next < s.size() ? s[next++] : 0;
  }

 private:
  std::vector<std::uint32_t> scripts_[kChoiceKindCount];
  std::size_t next_[kChoiceKindCount] = {};
};

// Three actors on three CPUs race on a shared counter with unsynchronised loads
// and stores (a lost-update race), and each reports every increment over a
// faulty bus to a collector on cpu0. Different schedules give different final
// counts and different trace bytes; one seed always gives the same.
struct RacyWorkload {
  std::vector<std::uint32_t> arrivals;  // tags in arrival order at the collector
  std::uint32_t final_count = 0;

  void build(World& w, int rounds = 4, BusFaults faults = {.drop_ppm = 100'000, .duplicate_ppm = 100'000,
                                                          .reorder_ppm = 300'000}) {
    for (int i = 0; i < 3; ++i) w.add_cpu({.name = "cpu" + std::to_string(i)});
    Memory& shared = w.add_shared_region("counter", 64, {0, 1, 2});
    Bus& bus = w.add_bus({.name = "bus", .cpus = {0, 1, 2}, .latency = std::chrono::nanoseconds(500),
                          .bytes_per_second = 1'000'000'000, .faults = faults});
    Port& inbox = w.add_port(w.cpu(0), "collector.in");
    for (int i = 0; i < 3; ++i) {
      w.spawn(w.cpu(static_cast<CpuId>(i)), "racer" + std::to_string(i),
              [this, &shared, &bus, &inbox, i, rounds](Ctx) -> Task<> {
                for (int r = 0; r < rounds; ++r) {
                  const auto v = co_await shared.load<std::uint32_t>(0);
                  co_await shared.store<std::uint32_t>(0, v + 1);
                  co_await bus.send(inbox, static_cast<std::uint32_t>(i * 100 + r), std::vector<std::byte>(16));
                }
                final_count = shared.get<std::uint32_t>(0);
              });
    }
    w.spawn(w.cpu(0), "collector", [this, &inbox](Ctx) -> Task<> {
      for (;;) {
        auto m = co_await inbox.recv_for(std::chrono::microseconds(50));
        if (!m) co_return;
        arrivals.push_back(m->tag);
      }
    });
  }
};

}  // namespace ipcsim::sim::testing

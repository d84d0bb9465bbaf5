#include "cli/demo_command.hpp"

#include <fmt/core.h>

#include <fstream>
#include <memory>

#include "sim/bus.hpp"
#include "sim/jsonl_writer.hpp"
#include "sim/world.hpp"

namespace ipcsim::cli {
namespace {

using namespace std::chrono_literals;

// Prints the message traffic of a run as it happens, one line per event.
class TrafficPrinter final : public sim::Observer {
 public:
  explicit TrafficPrinter(const sim::World& w) : w_(w) {}
  void on_record(const sim::TraceRecord& r) override {
    const auto t = fmt::format("{:>9.3f} us", static_cast<double>(sim::to_ns(r.time)) / 1000.0);
    if (r.kind == "sim.spawn") {
      names_.resize(std::max<std::size_t>(names_.size(), r.actor + 1));
      names_[r.actor] = std::string(r.field("name")->s);
    } else if (r.kind == "bus.send") {
      fmt::print("{}  {:<5} sends    message #{} ({} bytes), due at {:.3f} us\n", t, name(r.actor),
                 r.field("msg")->u, r.field("bytes")->u, static_cast<double>(r.field("arrive")->as_int()) / 1000.0);
    } else if (r.kind == "port.recv") {
      fmt::print("{}  {:<5} receives message #{}{}\n", t, name(r.actor), r.field("msg")->u,
                 r.field("copy")->u != 0 ? " (a duplicate)" : "");
    } else if (r.kind == "bus.drop") {
      fmt::print("{}  bus   drops    message #{} ({})\n", t, r.field("msg")->u, r.field("reason")->s);
    } else if (r.kind == "bus.duplicate") {
      fmt::print("{}  bus   duplicates message #{}\n", t, r.field("msg")->u);
    } else if (r.kind == "bus.reorder") {
      fmt::print("{}  bus   lets message #{} overtake #{}\n", t, r.field("msg")->u, r.field("overtakes")->u);
    } else if (r.kind == "sim.timeout") {
      fmt::print("{}  {:<5} times out waiting\n", t, name(r.actor));
    }
  }

 private:
  std::string name(sim::ActorId id) const { return id < names_.size() ? names_[id] : "?"; }
  const sim::World& w_;
  std::vector<std::string> names_;
};

std::uint32_t to_ppm(double p) { return static_cast<std::uint32_t>(p * sim::kPpmOne + 0.5); }

}  // namespace

int demo_command(const DemoOptions& o) {
  sim::World w({.seed = o.seed});
  TrafficPrinter printer(w);
  w.attach(printer);
  std::ofstream trace_file;
  std::unique_ptr<sim::JsonlWriter> writer;
  if (!o.trace_path.empty()) {
    trace_file.open(o.trace_path, std::ios::binary);
    if (!trace_file) {
      fmt::print(stderr, "ipcsim demo: --trace: cannot write '{}'\n", o.trace_path);
      return 2;
    }
    writer = std::make_unique<sim::JsonlWriter>(trace_file);
    w.attach(*writer);
  }
  sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
  sim::Cpu& c1 = w.add_cpu({.name = "cpu1"});
  sim::Bus& bus = w.add_bus({.name = "bus0", .cpus = {0, 1}, .latency = 1us, .bytes_per_second = 1'000'000'000,
                             .faults = {.drop_ppm = to_ppm(o.drop), .duplicate_ppm = to_ppm(o.duplicate),
                                        .reorder_ppm = to_ppm(o.reorder)}});
  sim::Port& ping_in = w.add_port(c0, "ping.in");
  sim::Port& pong_in = w.add_port(c1, "pong.in");
  int answered = 0;
  int lost = 0;
  fmt::print("ipcsim demo: ping on cpu0 and pong on cpu1 exchange 64-byte messages over bus0 (1 us, 1 GB/s)\n");
  fmt::print("seed {}, {} round trips, drop {}, duplicate {}, reorder {}\n\n", o.seed, o.round_trips, o.drop,
             o.duplicate, o.reorder);
  w.spawn(c0, "ping", [&](sim::Ctx) -> sim::Task<> {
    for (int i = 0; i < o.round_trips; ++i) {
      co_await bus.send(pong_in, static_cast<std::uint32_t>(i), std::vector<std::byte>(64));
      // A lost message or answer must not stall the game: wait at most 10 us.
      if (co_await ping_in.recv_for(10us)) {
        ++answered;
      } else {
        ++lost;
      }
    }
  });
  w.spawn(c1, "pong", [&](sim::Ctx) -> sim::Task<> {
    for (;;) {
      auto m = co_await pong_in.recv_for(50us);
      if (!m) co_return;
      co_await bus.send(ping_in, m->tag, std::move(m->body));
    }
  });
  const sim::RunResult r = w.run();
  fmt::print("\n{} answered, {} lost; outcome {} at t={:.3f} us: {} steps, {} events, {} choices\n", answered, lost,
             sim::to_string(r.outcome), static_cast<double>(sim::to_ns(r.end_time)) / 1000.0, r.steps, r.events,
             r.choices);
  fmt::print("bus0: {} sent, {} delivered, {} dropped, {} duplicated, {} reordered\n", bus.counters().sent,
             bus.counters().delivered, bus.counters().dropped, bus.counters().duplicated, bus.counters().reordered);
  if (writer) {
    writer->flush();
    fmt::print("trace written to {}\n", o.trace_path);
  }
  return 0;
}

}  // namespace ipcsim::cli

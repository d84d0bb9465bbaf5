#include "cli/drivers/transport_driver.hpp"

#include <algorithm>
#include <cstdio>

#include "cli/scenario/units.hpp"
#include "impl/transport/stop_and_go.hpp"
#include "impl/transport/workload.hpp"
#include "model/transport/transport_monitors.hpp"

namespace ipcsim::drivers {
namespace {

using namespace std::chrono_literals;
using scenario::ConfigTable;
namespace tr = ipcsim::transport;

struct TransportConfig final : scenario::WorkloadConfig {
  std::size_t client_cpu = 0;
  std::size_t server_cpu = 1;
  std::vector<std::size_t> buses;  // the bus of each connection
  tr::TransferParams params;
  bool stop_and_go = false;  // the baseline instead of the engine
  std::uint64_t packet_bytes = 1500;
};

const std::vector<std::string>& bug_names() {
  static const std::vector<std::string> names = {"none",          "ignore_window",         "retry_new_seq",
                                                 "timeout_forgets", "skip_verify", "departure_is_delivery",
                                                 "no_probe",      "edge_triggered_space",  "retire_during_write",
                                                 "data_before_ready"};
  return names;
}

tr::Bugs bugs_named(const std::string& name) {
  tr::Bugs b;
  b.ignore_window = name == "ignore_window";
  b.retry_new_seq = name == "retry_new_seq";
  b.timeout_forgets = name == "timeout_forgets";
  b.skip_verify = name == "skip_verify";
  b.departure_is_delivery = name == "departure_is_delivery";
  b.no_probe = name == "no_probe";
  b.edge_triggered_space = name == "edge_triggered_space";
  b.retire_during_write = name == "retire_during_write";
  b.data_before_ready = name == "data_before_ready";
  return b;
}

class TransportRun final : public scenario::MechanismRun {
 public:
  TransportRun(const TransportConfig& cfg, const std::vector<std::string>& properties) : cfg_(cfg) {
    for (const auto& p : properties) {
      if (auto m = model::transport::make_monitor(p)) monitors_.push_back(std::move(m));
    }
  }
  std::vector<model::Monitor*> monitors() override {
    std::vector<model::Monitor*> out;
    for (auto& m : monitors_) out.push_back(m.get());
    return out;
  }
  void start(sim::World& w, const scenario::Machine& machine) override {
    std::vector<sim::Bus*> connections;
    for (std::size_t b : cfg_.buses) connections.push_back(machine.buses[b]);
    rate_ = 0;
    for (std::size_t b = 0; b < machine.buses.size(); ++b) {
      if (std::find(cfg_.buses.begin(), cfg_.buses.end(), b) != cfg_.buses.end()) {
        rate_ += machine.buses[b]->config().bytes_per_second;
      }
    }
    sim::Cpu& client = *machine.cpus[cfg_.client_cpu];
    sim::Cpu& server = *machine.cpus[cfg_.server_cpu];
    if (cfg_.stop_and_go) {
      baseline_ = std::make_unique<tr::StopAndGo>(w, client, server, std::move(connections), cfg_.params,
                                                  cfg_.packet_bytes);
      baseline_->start();
    } else {
      transfer_ = std::make_unique<tr::Transfer>(w, client, server, std::move(connections), cfg_.params);
      transfer_->start();
    }
  }
  std::uint64_t state_digest() const override {
    return transfer_ ? transfer_->digest() : baseline_ ? baseline_->digest() : 0;
  }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    if (!transfer_ && !baseline_) return {};
    const tr::TransferCounters& c = transfer_ ? transfer_->counters() : baseline_->counters();
    const sim::Instant done = transfer_ ? transfer_->finished_at() : baseline_->finished_at();
    const std::uint64_t wire = transfer_ ? transfer_->wire_bytes() : baseline_->wire_bytes();
    std::vector<std::pair<std::string, std::string>> out = {
        {"protocol", cfg_.stop_and_go ? "stop_and_go" : "engine"},
        {"messages accepted", std::to_string(c.submitted)},
        {"refused with queue full", std::to_string(c.queue_full)},
        {"completed", std::to_string(c.completed_ok)},
        {"failed", std::to_string(c.failed)},
        {"delivered to storage", std::to_string(c.delivered)},
        {"sessions closed", std::to_string(c.closed_sessions)},
        {"sessions refused", std::to_string(c.refused_sessions)},
        {"bytes sent toward the server", std::to_string(wire)}};
    const std::int64_t ns = sim::to_ns(done);
    if (ns > 0) {
      out.push_back({"completion time", scenario::format_duration(sim::Duration{ns})});
      if (rate_ > 0) {
        // Busy time of the links / (links x completion time): bytes / (sum of rates x time).
        const double used = static_cast<double>(wire) / (static_cast<double>(rate_) * static_cast<double>(ns) / 1e9);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * used);
        out.push_back({"link utilisation", buf});
      }
    }
    return out;
  }

 private:
  TransportConfig cfg_;
  std::vector<std::unique_ptr<model::Monitor>> monitors_;
  std::unique_ptr<tr::Transfer> transfer_;
  std::unique_ptr<tr::StopAndGo> baseline_;
  std::uint64_t rate_ = 0;  // bytes per second of the pipe's buses together
};

class TransportDriver final : public scenario::MechanismDriver {
 public:
  std::string_view name() const override { return "transport"; }
  std::string_view description() const override {
    return "seed 004: bulk transport of whole messages through sessions, dispatchers and a pipe of connections";
  }
  std::vector<scenario::KeyDoc> workload_keys() const override {
    std::string bugs;
    for (const auto& b : bug_names()) bugs += (bugs.empty() ? "one of " : ", ") + b;
    return {
        {"client_cpu", "CPU name", "the first CPU", "where the sources and the engine run"},
        {"server_cpu", "CPU name", "the second CPU", "where the storage server runs"},
        {"connections", "list of bus names", "every bus", "the pipe: one connection per entry (a bus may repeat)"},
        {"connections_per_bus", "integer 1..1024", "1",
         "connections on each entry of connections (at most 1024 in all; the seed's scale is about 1000)"},
        {"sources", "integer 1..1024", "1", "data sources"},
        {"sessions_per_source", "integer 1..64", "1",
         "sessions of each source (each its own thread, all under the source's principal; at most 1024 in all)"},
        {"messages", "integer 0..100000", "4", "messages per session (0: open and close only)"},
        {"message_bytes", "size", "1024", "each message's size (whole, never split)"},
        {"output_queue", "size", "2048", "each session's output queue length in bytes (seed: 2 MB)"},
        {"input_queue", "size", "4096", "each session's input queue length at the server (seed: 4 MB)"},
        {"timeout", "duration", "\"60s\"", "a message not acknowledged this long after it left is retried"},
        {"max_retries", "integer 0..100", "3", "retries before a message is reported failed"},
        {"take_delay", "duration", "\"0ns\"", "the storage application's pause before each take (a slow receiver)"},
        {"submit_interval", "duration", "\"0ns\"", "each source's pause after each accepted message (a slow producer)"},
        {"tamper_probability", "probability", "0", "per frame: one bit flipped on the bus"},
        {"impostor", "boolean", "false", "the last source signs with a key the server does not share"},
        {"encrypt", "boolean", "false", "each session seals its messages (libsodium crypto_secretbox)"},
        {"bug", bugs, "\"none\"", "a broken variant (impl/transport/config.hpp)"},
        {"protocol", "one of engine, stop_and_go", "\"engine\"",
         "stop_and_go: the baseline, packets acknowledged one by one (connection i % n per source)"},
        {"packet_bytes", "size", "1500", "stop_and_go: each packet's size, header included"},
    };
  }
  std::vector<scenario::PropertyDoc> properties() const override {
    std::vector<scenario::PropertyDoc> out;
    for (const auto& p : model::transport::properties()) out.push_back({p.name, p.description});
    return out;
  }
  std::unique_ptr<scenario::WorkloadConfig> parse_workload(ConfigTable& t,
                                                           const scenario::MachineSpec& m) const override {
    auto cfg = std::make_unique<TransportConfig>();
    const auto cpus = m.cpu_names();
    const auto buses = m.bus_names();
    const bool machine_ok = cpus.size() >= 2 && !buses.empty();
    if (!cpus.empty() && cpus.size() < 2) t.error("client_cpu", "expected a machine with at least 2 CPUs");
    if (!cpus.empty() && buses.empty()) t.error("connections", "expected a machine with at least one bus");
    const std::string client = t.string("client_cpu", cpus.empty() ? "" : cpus[0]);
    const std::string server = t.string("server_cpu", cpus.size() < 2 ? "" : cpus[1]);
    std::vector<std::string> conns = t.has("connections") ? t.strings("connections") : buses;
    if (t.has("connections") && conns.empty()) t.error("connections", "expected at least one bus name");
    const std::uint64_t per_bus = static_cast<std::uint64_t>(t.integer("connections_per_bus", 1, 1, 1024));
    if (conns.size() * per_bus > 1024) {
      t.error(t.has("connections_per_bus") ? "connections_per_bus" : "connections",
              "expected at most 1024 connections in all, got " + std::to_string(conns.size() * per_bus));
    }
    if (machine_ok) {
      if (auto i = t.reference("client_cpu", client, cpus, "CPU")) cfg->client_cpu = *i;
      if (auto i = t.reference("server_cpu", server, cpus, "CPU")) cfg->server_cpu = *i;
      if (cfg->client_cpu == cfg->server_cpu) t.error("server_cpu", "expected a CPU other than client_cpu");
      for (const auto& name : conns) {
        auto i = t.reference("connections", name, buses, "bus");
        if (!i) continue;
        cfg->buses.push_back(*i);
        const auto& on = m.buses[*i].cpus;
        for (std::size_t c : {cfg->client_cpu, cfg->server_cpu}) {
          if (std::find(on.begin(), on.end(), c) == on.end()) {
            t.error("connections", "bus \"" + name + "\" does not connect CPU \"" + cpus[c] + "\"");
          }
        }
      }
    }
    // connections_per_bus: the list again and again, so that connection k is on entry k % n.
    const std::vector<std::size_t> listed = cfg->buses;
    for (std::uint64_t k = 1; k < per_bus; ++k) cfg->buses.insert(cfg->buses.end(), listed.begin(), listed.end());
    tr::TransferParams& p = cfg->params;
    p.sources = static_cast<std::uint32_t>(t.integer("sources", 1, 1, 1024));
    p.sessions_per_source = static_cast<std::uint32_t>(t.integer("sessions_per_source", 1, 1, 64));
    if (p.sources * p.sessions_per_source > 1024) {
      t.error("sessions_per_source",
              "expected at most 1024 sessions in all, got " + std::to_string(p.sources * p.sessions_per_source));
    }
    p.messages = static_cast<std::uint32_t>(t.integer("messages", 4, 0, 100'000));
    p.message_bytes = t.bytes("message_bytes", 1024, 8, 64ULL << 20);
    p.output_queue_bytes = t.bytes("output_queue", 2048, 8, 1ULL << 30);
    p.input_queue_bytes = t.bytes("input_queue", 4096, 8, 1ULL << 30);
    p.engine.timeout = t.duration("timeout", std::chrono::minutes(1), 1ns, std::chrono::hours(1));
    p.engine.max_retries = static_cast<std::uint32_t>(t.integer("max_retries", 3, 0, 100));
    p.take_delay = t.duration("take_delay", 0ns, 0ns, std::chrono::hours(1));
    p.submit_interval = t.duration("submit_interval", 0ns, 0ns, std::chrono::hours(1));
    p.tamper_ppm = t.probability_ppm("tamper_probability", 0);
    p.impostor = t.boolean("impostor", false);
    p.encrypt = t.boolean("encrypt", false);
    const std::string bug = t.choice("bug", bug_names(), "none");
    cfg->stop_and_go = t.choice("protocol", {"engine", "stop_and_go"}, "engine") == "stop_and_go";
    cfg->packet_bytes = t.bytes("packet_bytes", 1500, 64, 65536);
    if (cfg->stop_and_go && bug != "none") t.error("bug", "\"" + bug + "\" has no effect with protocol \"stop_and_go\"");
    if (cfg->stop_and_go && p.sessions_per_source > 1) {
      t.error("sessions_per_source", "expected protocol \"engine\": the stop-and-go baseline has no sessions");
    }
    if (cfg->stop_and_go && p.submit_interval > 0ns) {
      t.error("submit_interval", "expected protocol \"engine\": the stop-and-go baseline sends its data at once");
    }
    if (cfg->stop_and_go && p.encrypt) t.error("encrypt", "expected protocol \"engine\": the stop-and-go baseline does not encrypt");
    p.engine.bugs = bugs_named(bug);
    if (p.message_bytes > p.output_queue_bytes) {
      t.error("message_bytes", "expected at most output_queue (" + std::to_string(p.output_queue_bytes) +
                                   "): a larger message could never be accepted");
    }
    if (p.message_bytes > p.input_queue_bytes) {
      t.error("input_queue", "expected at least message_bytes (" + std::to_string(p.message_bytes) +
                                 "): the receiver's window would never open");
    }
    if (p.impostor && p.sources < 2) t.error("impostor", "expected at least 2 sources: the impostor is the last one");
    if (bug == "skip_verify" && p.tamper_ppm == 0) {
      t.error("bug", "\"skip_verify\" has no effect without tampering (tamper_probability > 0)");
    }
    t.finish();
    return cfg;
  }
  std::unique_ptr<scenario::MechanismRun> instantiate(const scenario::WorkloadConfig& cfg,
                                                      const std::vector<std::string>& properties) const override {
    return std::make_unique<TransportRun>(static_cast<const TransportConfig&>(cfg), properties);
  }
};

}  // namespace

std::unique_ptr<scenario::MechanismDriver> make_transport_driver() { return std::make_unique<TransportDriver>(); }

}  // namespace ipcsim::drivers

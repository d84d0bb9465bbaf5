#include "cli/drivers/pingpong_driver.hpp"

#include <set>

#include "sim/bus.hpp"

namespace ipcsim::drivers {
namespace {

using namespace std::chrono_literals;
using scenario::ConfigTable;
using scenario::Need;

struct PingPongConfig final : scenario::WorkloadConfig {
  std::size_t ping_cpu = 0;
  std::size_t pong_cpu = 1;
  std::size_t bus = 0;
  int round_trips = 10;
  std::uint64_t bytes = 64;
  sim::Duration timeout = 10us;
  bool dedupe = true;
};

// Each message id is handled at most once by its receiver.
class HandledOnce final : public model::Monitor {
 public:
  HandledOnce() : Monitor("no_double_delivery") {}

 protected:
  void observe(const sim::TraceRecord& r) override {
    if (r.kind != "pingpong.handle") return;
    const std::uint64_t id = r.field("msg")->u;
    if (!handled_.insert({r.actor, id}).second) {
      violate(r, actor_name(r.actor) + " handled message #" + std::to_string(id) + " twice");
    }
  }

 private:
  std::set<std::pair<sim::ActorId, std::uint64_t>> handled_;
};

class PingPongRun final : public scenario::MechanismRun {
 public:
  PingPongRun(const PingPongConfig& cfg, const std::vector<std::string>& properties) : cfg_(cfg) {
    for (const auto& p : properties) {
      if (p == "no_double_delivery") monitors_.push_back(std::make_unique<HandledOnce>());
    }
  }
  std::vector<model::Monitor*> monitors() override {
    std::vector<model::Monitor*> out;
    for (auto& m : monitors_) out.push_back(m.get());
    return out;
  }
  void start(sim::World& w, const scenario::Machine& machine) override {
    sim::Cpu& c_ping = *machine.cpus[cfg_.ping_cpu];
    sim::Cpu& c_pong = *machine.cpus[cfg_.pong_cpu];
    sim::Bus& bus = *machine.buses[cfg_.bus];
    sim::Port& ping_in = w.add_port(c_ping, "ping.in");
    sim::Port& pong_in = w.add_port(c_pong, "pong.in");
    w.spawn(c_ping, "ping", [this, &bus, &ping_in, &pong_in](sim::Ctx) -> sim::Task<> {
      for (int i = 0; i < cfg_.round_trips; ++i) {
        co_await bus.send(pong_in, static_cast<std::uint32_t>(i), std::vector<std::byte>(cfg_.bytes));
        if (co_await ping_in.recv_for(cfg_.timeout)) {
          ++answered_;
        } else {
          ++timeouts_;
        }
      }
    });
    w.spawn(c_pong, "pong", [this, &w, &bus, &ping_in, &pong_in](sim::Ctx) -> sim::Task<> {
      std::set<std::uint64_t> seen;
      for (;;) {
        auto m = co_await pong_in.recv_for(cfg_.timeout * 5);
        if (!m) co_return;
        if (cfg_.dedupe && !seen.insert(m->id).second) continue;
        if (w.tracing()) w.emit("pingpong.handle", pong_in.id(), {{"msg", m->id}, {"copy", m->copy}});
        ++handled_;
        co_await bus.send(ping_in, m->tag, std::move(m->body));
      }
    });
  }
  std::uint64_t state_digest() const override {
    return static_cast<std::uint64_t>(answered_) * 1'000'003 + static_cast<std::uint64_t>(handled_);
  }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    return {{"answered", std::to_string(answered_)},
            {"timed out", std::to_string(timeouts_)},
            {"handled by pong", std::to_string(handled_)}};
  }

 private:
  PingPongConfig cfg_;
  std::vector<std::unique_ptr<model::Monitor>> monitors_;
  int answered_ = 0;
  int timeouts_ = 0;
  int handled_ = 0;
};

class PingPongDriver final : public scenario::MechanismDriver {
 public:
  std::string_view name() const override { return "pingpong"; }
  std::string_view description() const override {
    return "kernel demo: two actors bounce messages over a bus (not one of the five mechanisms)";
  }
  std::vector<scenario::KeyDoc> workload_keys() const override {
    return {{"ping_cpu", "CPU name", "the first CPU", "where ping runs"},
            {"pong_cpu", "CPU name", "the second CPU", "where pong runs"},
            {"bus", "bus name", "the first bus", "the bus between them"},
            {"round_trips", "integer 1..1000000", "10", "messages ping sends"},
            {"bytes", "size", "64", "message body size"},
            {"timeout", "duration", "\"10us\"", "how long ping waits for each answer"},
            {"dedupe", "boolean", "true", "pong ignores duplicates by message id (false: broken variant)"}};
  }
  std::vector<scenario::PropertyDoc> properties() const override {
    return {{"no_double_delivery", "pong handles each message id at most once"}};
  }
  std::unique_ptr<scenario::WorkloadConfig> parse_workload(ConfigTable& t,
                                                           const scenario::MachineSpec& m) const override {
    auto cfg = std::make_unique<PingPongConfig>();
    const auto cpus = m.cpu_names();
    const auto buses = m.bus_names();
    // An empty or too small machine has its own errors already; say it once here.
    const bool machine_ok = cpus.size() >= 2 && !buses.empty();
    if (!cpus.empty() && cpus.size() < 2) t.error("ping_cpu", "expected a machine with at least 2 CPUs");
    if (!cpus.empty() && buses.empty()) t.error("bus", "expected a machine with at least one bus");
    const std::string ping = t.string("ping_cpu", cpus.empty() ? "" : cpus[0]);
    const std::string pong = t.string("pong_cpu", cpus.size() < 2 ? "" : cpus[1]);
    const std::string bus = t.string("bus", buses.empty() ? "" : buses[0]);
    if (machine_ok) {
      if (auto i = t.reference("ping_cpu", ping, cpus, "CPU")) cfg->ping_cpu = *i;
      if (auto i = t.reference("pong_cpu", pong, cpus, "CPU")) cfg->pong_cpu = *i;
      if (auto i = t.reference("bus", bus, buses, "bus")) cfg->bus = *i;
    }
    cfg->round_trips = static_cast<int>(t.integer("round_trips", 10, 1, 1'000'000));
    cfg->bytes = t.bytes("bytes", 64, 1, 64 * 1024);
    cfg->timeout = t.duration("timeout", 10us, 1ns, 1s);
    cfg->dedupe = t.boolean("dedupe", true);
    if (machine_ok && cfg->ping_cpu == cfg->pong_cpu) t.error("pong_cpu", "expected a CPU other than ping_cpu");
    if (machine_ok) {
      const auto& on = m.buses[cfg->bus].cpus;
      for (std::size_t c : {cfg->ping_cpu, cfg->pong_cpu}) {
        if (std::find(on.begin(), on.end(), c) == on.end() && c < cpus.size()) {
          t.error("bus", "bus \"" + buses[cfg->bus] + "\" does not connect CPU \"" + cpus[c] + "\"");
        }
      }
    }
    t.finish();
    return cfg;
  }
  std::unique_ptr<scenario::MechanismRun> instantiate(const scenario::WorkloadConfig& cfg,
                                                      const std::vector<std::string>& properties) const override {
    return std::make_unique<PingPongRun>(static_cast<const PingPongConfig&>(cfg), properties);
  }
};

}  // namespace

std::unique_ptr<scenario::MechanismDriver> make_pingpong_driver() { return std::make_unique<PingPongDriver>(); }

}  // namespace ipcsim::drivers

#include "cli/scenario/loader.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "cli/scenario/config_table.hpp"
#include "cli/scenario/driver.hpp"
#include "cli/scenario/units.hpp"

namespace ipcsim::scenario {
namespace {

using namespace std::chrono_literals;

// The latest a scenario may name (a fault's time, the horizon): 31 years, far
// beyond any run, and far enough from the end of 64-bit nanoseconds that the
// sum of two such durations still fits.
constexpr sim::Duration kForever = std::chrono::seconds(1'000'000'000);
// The machine model keeps every simulated byte in the host's memory, allocated
// afresh for each run (and for each worker of a campaign): one memory holds at
// most kMaxMemory, all of them together at most kMaxMachineMemory.
constexpr std::uint64_t kMaxMemory = 1ULL << 30;
constexpr std::uint64_t kMaxMachineMemory = 4ULL << 30;
const std::vector<std::string> kPolicies = {"fifo", "priority"};
const std::vector<std::string> kFaultTypes = {"crash",     "restart", "kill", "partition", "heal",
                                              "drop",      "duplicate", "delay", "reorder"};

// Reads `names` (references to CPUs) into indices; errors go to `t`.
std::vector<std::size_t> cpu_refs(ConfigTable& t, std::string_view key, const std::vector<std::string>& names,
                                  const MachineSpec& machine, std::size_t min_count) {
  std::vector<std::size_t> out;
  const auto known = machine.cpu_names();
  // With no CPU defined, [[cpu]] already has an error: do not repeat it per reference.
  if (known.empty()) return out;
  for (const auto& n : names) {
    if (auto i = t.reference(key, n, known, "CPU")) {
      if (std::find(out.begin(), out.end(), *i) != out.end()) {
        t.error(key, "CPU \"" + n + "\" is listed twice");
      } else {
        out.push_back(*i);
      }
    }
  }
  if (names.size() < min_count && t.has(key)) {
    t.error(key, "expected at least " + std::to_string(min_count) + " CPU name(s), got " + std::to_string(names.size()));
  }
  return out;
}

std::string quoted(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "\"" : ", \"") + i + "\"";
  return out;
}

void check_unique(ConfigTable& t, const std::string& name, std::set<std::string>& seen, std::string_view what) {
  if (!name.empty() && !seen.insert(name).second) t.error("name", std::string(what) + " name \"" + name + "\" is used twice");
}

sim::MemoryCost read_cost(ConfigTable& t) {
  sim::MemoryCost c;
  c.per_access = t.duration("access_cost", 0ns, 0ns, 1ms);
  c.bytes_per_ns = static_cast<std::uint32_t>(t.integer("bytes_per_ns", 0, 0, 1'000'000));
  return c;
}

// Adds `bytes` to the machine's total; past the model's limit, an error at `key`.
void count_memory(ConfigTable& t, std::string_view key, std::uint64_t bytes, std::uint64_t& total) {
  const bool was_within = total <= kMaxMachineMemory;
  total += bytes;  // each at most kMaxMemory: no wrap before the 2^34-th memory
  if (was_within && total > kMaxMachineMemory) {
    t.error(key, "this memory brings the machine beyond the " + format_size(kMaxMachineMemory) +
                     " the machine model holds in all (CPU memories and shared regions together)");
  }
}

void read_machine(ConfigTable& root, MachineSpec& m) {
  std::set<std::string> names;
  std::uint64_t total_memory = 0;
  for (ConfigTable& t : root.tables("cpu", Need::Required)) {
    CpuSpec c;
    c.name = t.string("name", "", Need::Required);
    check_unique(t, c.name, names, "CPU");
    c.policy = t.choice("policy", kPolicies, "fifo") == "priority" ? sim::RunPolicy::PriorityPreemptive
                                                                    : sim::RunPolicy::Fifo;
    c.memory_bytes = t.bytes("memory", 64 * 1024, 16, kMaxMemory);
    count_memory(t, "memory", c.memory_bytes, total_memory);
    c.memory_cost = read_cost(t);
    t.finish();
    m.cpus.push_back(std::move(c));
  }
  for (ConfigTable& t : root.tables("shared_region")) {
    RegionSpec r;
    r.name = t.string("name", "", Need::Required);
    check_unique(t, r.name, names, "shared region");
    r.bytes = t.bytes("size", 0, 16, kMaxMemory, Need::Required);
    count_memory(t, "size", r.bytes, total_memory);
    r.cpus = cpu_refs(t, "cpus", t.strings("cpus", Need::Required), m, 1);
    r.cost = read_cost(t);
    t.finish();
    m.regions.push_back(std::move(r));
  }
  for (ConfigTable& t : root.tables("bus")) {
    BusSpec b;
    b.name = t.string("name", "", Need::Required);
    check_unique(t, b.name, names, "bus");
    b.cpus = cpu_refs(t, "cpus", t.strings("cpus", Need::Required), m, 2);
    b.latency = t.duration("latency", 0ns, 0ns, 10s);
    b.bytes_per_second = static_cast<std::uint64_t>(t.integer("bytes_per_second", 0, 0, INT64_MAX));
    b.queue_limit = static_cast<std::uint32_t>(t.integer("queue_limit", 1024, 1, 1'000'000));
    t.finish();
    m.buses.push_back(std::move(b));
  }
}

// Scheduling keys shared by crash, restart, kill, partition and heal.
void read_when(ConfigTable& t, sim::FaultSpec& f) {
  const bool periodic = t.has("every");
  f.at = sim::kTimeZero + t.duration("at", 0ns, 0ns, kForever, periodic ? Need::Optional : Need::Required);
  if (periodic) {
    f.every = t.duration("every", 1ms, 1ns, kForever);
    if (t.has("until")) f.until = sim::kTimeZero + t.duration("until", 0ns, 0ns, kForever);
  }
  f.ppm = t.probability_ppm("probability", 1.0);
}

void read_faults(ConfigTable& root, const MachineSpec& machine, Scenario& s) {
  const auto cpus = machine.cpu_names();
  const auto buses = machine.bus_names();
  for (ConfigTable& t : root.tables("fault")) {
    const std::string type = t.choice("type", kFaultTypes, "", Need::Required);
    // Without a valid type the other keys cannot be judged: report the type only.
    if (type.empty()) continue;
    if (type == "crash" || type == "restart") {
      sim::FaultSpec f;
      f.type = type == "crash" ? sim::FaultType::CrashCpu : sim::FaultType::RestartCpu;
      const std::string cpu = t.string("cpu", "", Need::Required);
      if (auto i = cpu.empty() ? std::nullopt : t.reference("cpu", cpu, cpus, "CPU")) f.cpu = static_cast<sim::CpuId>(*i);
      read_when(t, f);
      if (type == "crash") f.restart_after = t.duration("restart_after", 0ns, 0ns, kForever);
      s.faults.push_back(f);
    } else if (type == "kill") {
      sim::FaultSpec f;
      f.type = sim::FaultType::KillActor;
      f.actor = t.string("actor", "", Need::Required);
      read_when(t, f);
      s.faults.push_back(f);
    } else if (type == "partition" || type == "heal") {
      sim::FaultSpec f;
      f.type = type == "partition" ? sim::FaultType::Partition : sim::FaultType::Heal;
      const std::string bus = t.string("bus", "", Need::Required);
      if (auto i = bus.empty() ? std::nullopt : t.reference("bus", bus, buses, "bus")) f.bus = *i;
      read_when(t, f);
      if (type == "partition") {
        for (const auto& group : t.string_groups("groups", Need::Required)) {
          auto& out = f.groups.emplace_back();
          for (std::size_t c : cpu_refs(t, "groups", group, machine, 0)) out.push_back(static_cast<sim::CpuId>(c));
        }
        if (t.has("heal_after")) {
          sim::FaultSpec heal;
          heal.type = sim::FaultType::Heal;
          heal.bus = f.bus;
          heal.at = f.at + t.duration("heal_after", 1us, 1ns, kForever);
          s.faults.push_back(f);
          s.faults.push_back(heal);
          t.finish();
          continue;
        }
      }
      s.faults.push_back(f);
    } else {
      // Message faults: a probability per message on one bus.
      const std::string bus = t.string("bus", "", Need::Required);
      std::optional<std::size_t> index = bus.empty() ? std::nullopt : t.reference("bus", bus, buses, "bus");
      const std::uint32_t ppm = t.probability_ppm("probability", 0.0, Need::Required);
      sim::BusFaults scratch;
      sim::BusFaults& faults = index ? s.machine.buses[*index].faults : scratch;
      if (type == "drop") faults.drop_ppm = ppm;
      if (type == "duplicate") faults.duplicate_ppm = ppm;
      if (type == "reorder") faults.reorder_ppm = ppm;
      if (type == "delay") {
        faults.delay_ppm = ppm;
        faults.delay_min = t.duration("min", 1us, 0ns, kForever, Need::Required);
        faults.delay_max = t.duration("max", faults.delay_min, 0ns, kForever);
        if (faults.delay_max < faults.delay_min) t.error("max", "expected a duration at least \"min\"");
      }
    }
    t.finish();
  }
}

void read_properties_and_expectation(ConfigTable& root, Scenario& s) {
  std::vector<std::string> available;
  if (s.driver != nullptr) {
    for (const auto& p : s.driver->properties()) available.push_back(p.name);
  }
  available.push_back(kDeadlockFree);
  available.push_back(kNoUsageError);
  available.push_back(kLockOrder);
  if (auto t = root.table("properties")) {
    if (t->has("check")) {
      for (const std::string& p : t->strings("check")) {
        if (s.driver == nullptr) continue;  // the mechanism error was reported already
        if (std::find(available.begin(), available.end(), p) == available.end()) {
          std::string message = "mechanism \"" + s.mechanism + "\" has no property \"" + p + "\"";
          const std::string guess = closest_match(p, available);
          message += guess.empty() ? " (expected one of " + quoted(available) + ")" : " (did you mean \"" + guess + "\"?)";
          t->error("check", message);
        } else if (std::find(s.properties.begin(), s.properties.end(), p) == s.properties.end()) {
          s.properties.push_back(p);
        }
      }
    } else {
      s.properties = available;
    }
    t->finish();
  } else {
    s.properties = available;
  }
  if (auto t = root.table("expect")) {
    if (s.driver != nullptr) {
      // "pass", or a property this scenario checks (that a broken variant must violate).
      std::vector<std::string> options = {"pass"};
      options.insert(options.end(), s.properties.begin(), s.properties.end());
      s.expect = t->choice("outcome", options, "pass");
    } else {
      s.expect = t->string("outcome", "pass");
    }
    t->finish();
  }
}

void read_run_and_output(ConfigTable& root, Scenario& s) {
  if (auto t = root.table("run")) {
    s.run.seed = static_cast<std::uint64_t>(t->integer("seed", 1, 0, INT64_MAX));
    if (t->has("horizon")) s.run.horizon = sim::kTimeZero + t->duration("horizon", 1s, 1ns, kForever);
    s.run.max_steps = static_cast<std::uint64_t>(t->integer("max_steps", 10'000'000, 1, INT64_MAX));
    if (t->has("max_faults")) s.run.max_faults = static_cast<std::uint32_t>(t->integer("max_faults", 0, 0, 1'000'000));
    t->finish();
  }
  if (auto t = root.table("output")) {
    s.output.trace = t->string("trace", "");
    s.output.diagram = t->string("diagram", "");
    const std::string& d = s.output.diagram;
    auto ends_with = [&](std::string_view suffix) {
      return d.size() >= suffix.size() && d.compare(d.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (!d.empty() && !ends_with(".svg") && !ends_with(".mmd") && !ends_with(".dot") && !ends_with(".html")) {
      t->error("diagram", "expected a file name ending in .svg, .mmd, .dot or .html, got \"" + d + "\"");
    }
    t->finish();
  }
}

void read_check(ConfigTable& root, Scenario& s) {
  auto t = root.table("check");
  if (!t) return;
  CheckSpec& c = s.check;
  if (t->has("preemptions")) c.preemptions = static_cast<std::uint32_t>(t->integer("preemptions", 0, 0, 1'000'000));
  if (t->has("max_depth")) c.max_depth = static_cast<std::uint32_t>(t->integer("max_depth", 1, 1, 10'000'000));
  if (t->has("max_executions")) {
    c.max_executions = static_cast<std::uint64_t>(t->integer("max_executions", 1, 1, 1'000'000'000));
  }
  c.bounded_because = t->string("bounded_because", "");
  const bool bounded = c.preemptions || c.max_depth || c.max_executions;
  if (bounded && c.bounded_because.empty()) {
    t->error("bounded_because",
             "expected a reason why the bound is enough (preemptions, max_depth or max_executions may leave runs "
             "unexplored)");
  } else if (!bounded && t->has("bounded_because")) {
    t->error("bounded_because", "a reason without a bound: expected preemptions, max_depth or max_executions too");
  }
  t->finish();
}

}  // namespace

std::optional<Scenario> parse_scenario(const std::string& text, const std::string& path, Diagnostics& diag) {
  toml::table doc;
  try {
    doc = toml::parse(std::string_view(text), std::string_view(path));
  } catch (const toml::parse_error& e) {
    diag.error(SourcePos{path, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)}, "",
               "TOML syntax: " + std::string(e.description()));
    return std::nullopt;
  }
  Scenario s;
  s.path = path;
  s.text = text;
  s.content_hash = fnv1a(text);
  ConfigTable root(&doc, "", path, diag);

  if (auto head = root.table("scenario", Need::Required)) {
    s.name = head->string("name", "", Need::Required);
    s.description = head->string("description", "");
    s.mechanism = head->string("mechanism", "", Need::Required);
    if (!s.mechanism.empty()) {
      std::vector<std::string> names;
      for (const MechanismDriver* d : all_drivers()) names.emplace_back(d->name());
      if (head->reference("mechanism", s.mechanism, names, "mechanism")) s.driver = find_driver(s.mechanism);
    }
    head->finish();
  }
  read_machine(root, s.machine);
  read_faults(root, s.machine, s);
  if (auto w = root.table("workload", s.driver != nullptr ? Need::Required : Need::Optional)) {
    if (s.driver != nullptr) {
      s.workload = s.driver->parse_workload(*w, s.machine);
    }
  }
  read_properties_and_expectation(root, s);
  read_run_and_output(root, s);
  read_check(root, s);
  root.finish();
  if (!diag.ok()) return std::nullopt;
  IPCSIM_ASSERT(s.driver != nullptr && s.workload != nullptr);
  return s;
}

std::optional<Scenario> load_scenario(const std::string& path, Diagnostics& diag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diag.error(SourcePos{path, 0, 0}, "", "cannot open the file");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path, diag);
}

}  // namespace ipcsim::scenario

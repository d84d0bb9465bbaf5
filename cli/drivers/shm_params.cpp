#include "cli/drivers/shm_params.hpp"

#include "cli/scenario/units.hpp"

namespace ipcsim::drivers::shm_scenario {

const std::vector<std::string>& kinds() {
  static const std::vector<std::string> k = {"storm", "transfers"};
  return k;
}

ParamTable<wl::StormParams> storm_table() {
  using P = wl::StormParams;
  ParamTable<P> t;
  t.count("processes", &P::processes, 1, 256, "processes registering at once")
      .duration("hold", &P::hold, "how long each keeps its block (asleep) before it deregisters");
  return t;
}

ParamTable<wl::TransfersParams> transfers_table() {
  using P = wl::TransfersParams;
  ParamTable<P> t;
  t.count("pairs", &P::pairs, 1, 64, "sender/receiver pairs: proc(2k+1) sends to proc(2k+2)")
      .count("repeat", &P::repeat, 1, 10'000, "times each sender sends its list of sizes")
      .duration("gap", &P::gap, "a sender's pause before each send and after the last")
      .duration("read_delay", &P::read_delay, "a receiver's pause before each receive (a slow reader)");
  return t;
}

ParamTable<shm::Costs> costs_table() {
  using C = shm::Costs;
  ParamTable<C> t;
  t.duration("api_call", &C::api_call, "a process's API entry (register, send, receive, deregister)")
      .duration("engine_op", &C::engine_op, "the engine's work per wake-up and per record it handles");
  return t;
}

namespace {

bool power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

constexpr std::uint64_t kMaxData = std::uint64_t{256} << 20;  // the data region lives in the host's memory

}  // namespace

void read_platform(scenario::ConfigTable& t, shm::ShmConfig& cfg) {
  using namespace std::chrono_literals;
  const shm::ShmConfig d;
  cfg.data_bytes = t.bytes("data_bytes", d.data_bytes, 1024, kMaxData);
  cfg.block_bytes = t.bytes("block_bytes", d.block_bytes, 64, kMaxData);
  cfg.min_block = t.bytes("min_block", d.min_block, 16, kMaxData);
  cfg.records = static_cast<std::uint32_t>(t.integer("records", d.records, 1, 4096));
  const std::string transport = t.choice("transport", {"engine", "pipe"}, "engine");
  cfg.transport = transport == "pipe" ? shm::Transport::Pipe : shm::Transport::Engine;
  for (const char* key : {"data_bytes", "block_bytes", "min_block"}) {
    const std::uint64_t v = key[0] == 'd' ? cfg.data_bytes : key[0] == 'b' ? cfg.block_bytes : cfg.min_block;
    if (t.has(key) && !power_of_two(v)) t.error(key, "expected a power of two (buddy allocation), got " + std::to_string(v));
  }
  if (t.has("block_bytes") && cfg.block_bytes > cfg.data_bytes) {
    t.error("block_bytes", "expected at most data_bytes (" + scenario::format_size(cfg.data_bytes) + ")");
  }
  if (t.has("min_block") && cfg.min_block > cfg.block_bytes) {
    t.error("min_block", "expected at most block_bytes (" + scenario::format_size(cfg.block_bytes) + ")");
  }
  if (power_of_two(cfg.min_block) && cfg.data_bytes / cfg.min_block > (std::uint64_t{1} << 22)) {
    t.error("min_block", "expected at least data_bytes / 2^22 = " + std::to_string(cfg.data_bytes >> 22) +
                             " bytes (the allocator keeps 12 bytes per minimum block)");
  }
  if (auto c = t.table("costs")) {
    cfg.costs = costs_table().read(*c);
    cfg.costs.poll = c->duration("poll", d.costs.poll, 1ns, 1s);
    cfg.admin_cost.per_access = c->duration("admin_access", d.admin_cost.per_access, 0ns, 1s);
    cfg.data_cost.per_access = c->duration("data_access", d.data_cost.per_access, 0ns, 1s);
    cfg.data_cost.bytes_per_ns = static_cast<std::uint32_t>(c->integer("bytes_per_ns", d.data_cost.bytes_per_ns, 0, 1'000'000));
    c->finish();
  }
}

void read_transfers_extras(scenario::ConfigTable& t, const shm::ShmConfig& cfg, wl::TransfersParams& p) {
  p.snoop = t.boolean("snoop", false);
  if (t.has("sizes")) {
    p.sizes.clear();
    const std::vector<std::string> sizes = t.strings("sizes");
    if (t.empty_array("sizes")) t.error("sizes", "expected at least one size");
    for (const std::string& s : sizes) {
      scenario::QuantityError why{};
      const std::optional<std::uint64_t> v = scenario::parse_size(s, &why);
      if (!v || *v == 0) {
        t.error("sizes", "expected sizes such as \"64B\", \"4KiB\" or \"4MiB\", got \"" + s + "\"");
        continue;
      }
      if (*v > cfg.block_bytes) {
        t.error("sizes", "expected sizes of at most block_bytes (" + scenario::format_size(cfg.block_bytes) +
                             "), got \"" + s + "\"");
        continue;
      }
      p.sizes.push_back(*v);
    }
  }
}

void document_platform(std::vector<scenario::KeyDoc>& out) {
  const shm::ShmConfig d;
  out.push_back({"transport", "one of engine, pipe", "\"engine\"",
                 "engine: zero-copy, the destination is granted the sender's sub-block; pipe: the copy baseline"});
  out.push_back({"data_bytes", "size, a power of two", scenario::format_size(d.data_bytes),
                 "the data region (shm.data) that holds every block; at most 256MiB"});
  out.push_back({"block_bytes", "size, a power of two", scenario::format_size(d.block_bytes),
                 "the block each process registers (data_bytes / block_bytes of them fit at once)"});
  out.push_back({"min_block", "size, a power of two", scenario::format_size(d.min_block),
                 "the smallest sub-block a manager hands out"});
  out.push_back({"records", "integer 1..4096", std::to_string(d.records), "location records in admin memory"});
  out.push_back({"sizes", "array of sizes", "[\"64B\", \"4KiB\", \"64KiB\"]",
                 "kind transfers: the payload sizes each sender sends, in order; each at most block_bytes"});
  out.push_back({"snoop", "boolean", "false",
                 "kind transfers: after each message the receiver tries to read its sender's block directly "
                 "(refused unless bug direct_access)"});
  out.push_back({"costs.poll", "duration", "\"1us\"",
                 "[workload.costs] the pause (asleep, not CPU time) before a process looks again at a peer not "
                 "registered yet, or at the busy lock word of check_then_lock; at least 1ns"});
  out.push_back({"costs.admin_access", "duration", "\"10ns\"", "[workload.costs] each access to admin memory"});
  out.push_back({"costs.data_access", "duration", "\"10ns\"", "[workload.costs] fixed part of a data-region access"});
  out.push_back({"costs.bytes_per_ns", "integer 0..1000000", std::to_string(d.data_cost.bytes_per_ns),
                 "[workload.costs] copy rate of the data region and pipes; 0: copies are free"});
}

}  // namespace ipcsim::drivers::shm_scenario

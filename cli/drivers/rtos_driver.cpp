#include "cli/drivers/rtos_driver.hpp"

#include <variant>

#include "cli/drivers/param_table.hpp"
#include "impl/rtos/workloads.hpp"
#include "model/rtos/delivery_monitor.hpp"
#include "model/rtos/pool_origin_monitor.hpp"
#include "model/rtos/priority_pass_monitor.hpp"

namespace ipcsim::drivers {
namespace {

namespace wl = rtos::workloads;
using scenario::ConfigTable;
using scenario::Need;

using Params = std::variant<wl::PipelineParams, wl::PassChainParams, wl::BroadcastParams, wl::AssemblyParams,
                            wl::DeletionParams, wl::BroadcastersParams>;
const std::vector<std::string> kKinds = {"pipeline", "pass_chain", "broadcast", "assembly", "deletion", "broadcasters"};
const std::vector<std::string> kBugs = {"none",
                                        "release_to_wrong_pool",
                                        "broadcast_without_gate",
                                        "proxy_release_frees_body",
                                        "delete_leaks_owned",
                                        "pass_keeps_receiver_priority",
                                        "assembly_threshold_off_by_one",
                                        "broadcast_pulse_before_send",
                                        "broadcast_peek_then_gate"};

// ---- The parameters of each kind, one table each (read and documented alike) ----

ParamTable<wl::PipelineParams> pipeline_table() {
  using P = wl::PipelineParams;
  ParamTable<P> t;
  t.count("packets", &P::packets, 1, 100'000, "packets the NIC receives")
      .duration("first_at", &P::first_at, "arrival of the first packet")
      .duration("period", &P::period, "time between arrivals")
      .duration("jitter", &P::jitter, "extra random delay per arrival, in [0, jitter)")
      .count("min_bytes", &P::min_bytes, 16, 65'536, "smallest packet, 16-byte header included")
      .count("max_bytes", &P::max_bytes, 16, 65'536, "largest packet")
      .count("packet_priorities", &P::packet_priorities, 1, 255, "packet priority drawn from [1, this]")
      .count("rx_blocks", &P::rx_blocks, 1, 10'000, "bare blocks in the rx pool (limit)")
      .count("block_size", &P::block_size, 16, 65'536, "bytes per block; at least max_bytes")
      .count("general_blocks", &P::general_blocks, 1, 10'000, "blocks of the general pool")
      .count("pipe_capacity", &P::pipe_capacity, 1, 10'000, "dbps between ISR and link task (limit)")
      .count("fifo_limit", &P::fifo_limit, 1, 10'000, "packets in the NIC's receive FIFO (limit)")
      .priority("isr_priority", &P::isr_priority, "the ISR's priority (the highest)")
      .priority("link_priority", &P::link_priority, "link task")
      .priority("tx_priority", &P::tx_priority, "tx driver task")
      .priority("net_priority", &P::net_priority, "network task")
      .priority("app_priority", &P::app_priority, "the app's own priority (it runs at each packet's)")
      .duration("app_work", &P::app_work, "app compute per packet")
      .count("output_every", &P::output_every, 0, 100'000, "every n-th packet is unmade and sent out; 0: none")
      .duration("tx_time", &P::tx_time, "tx driver time per output packet");
  return t;
}

ParamTable<wl::PassChainParams> pass_chain_table() {
  using P = wl::PassChainParams;
  ParamTable<P> t;
  t.count("stages", &P::stages, 1, 64, "stage tasks linked by pass exchanges")
      .count("messages", &P::messages, 1, 100'000, "messages in all")
      .count("sources", &P::sources, 1, 64, "source tasks")
      .priority("source_priority", &P::source_priority, "the sources' priority")
      .priority("stage_priority", &P::stage_priority, "the stages' own priority (below every message's)")
      .count("min_msg_priority", &P::min_msg_priority, 0, 255, "lowest message priority")
      .count("max_msg_priority", &P::max_msg_priority, 0, 255, "highest message priority")
      .duration("stage_work", &P::stage_work, "compute per message per stage")
      .duration("send_gap", &P::send_gap, "a source's pause between sends")
      .count("block_size", &P::block_size, 16, 65'536, "bytes per message body")
      .count("blocks", &P::blocks, 1, 10'000, "messages alive at once (limit)");
  return t;
}

// The broadcast interlock (impl/rtos/sync.hpp), for both broadcast kinds.
const std::vector<std::pair<std::string, rtos::Interlock>> kInterlocks = {
    {"atomic", rtos::Interlock::Atomic}, {"seed", rtos::Interlock::Seed}};
constexpr const char* kInterlockDoc =
    "how a slave ends a round: \"atomic\" signals semT and waits at semG in one step; \"seed\" does it in "
    "two ops, as the seed words it (a pulse can miss a slave: impl/rtos/README.md says when)";

ParamTable<wl::BroadcastParams> broadcast_table() {
  using P = wl::BroadcastParams;
  ParamTable<P> t;
  t.count("slaves", &P::slaves, 1, 64, "slave tasks")
      .count("rounds", &P::rounds, 1, 100'000, "broadcast rounds")
      .priority("master_priority", &P::master_priority, "the master")
      .priority("slave_priority", &P::slave_priority, "every slave (above the master: the fast-slave case)")
      .priority("sink_priority", &P::sink_priority, "the sink of the assembled message")
      .duration("slave_work_min", &P::slave_work_min, "a slave's least work per round")
      .duration("slave_work_max", &P::slave_work_max, "a slave's most work per round")
      .count("block_size", &P::block_size, 16, 65'536, "message body bytes; at least 8 + 4 * slaves")
      .count("shared_memory_bytes", &P::shared_memory_bytes, 1024, 1u << 30,
             "with slave_cpus: the shared region the RTOS lives in")
      .choice("interlock", &P::interlock, kInterlocks, kInterlockDoc);
  return t;
}

ParamTable<wl::AssemblyParams> assembly_table() {
  using P = wl::AssemblyParams;
  ParamTable<P> t;
  t.count("messages", &P::messages, 1, 100'000, "messages assembled")
      .count("servers", &P::servers, 1, 64, "1 header server + (servers - 1) payload servers")
      .count("header_bytes", &P::header_bytes, 1, 4096, "header section size")
      .count("section_bytes", &P::section_bytes, 1, 4096, "payload section size")
      .priority("client_priority", &P::client_priority, "the client")
      .priority("server_priority", &P::server_priority, "every server")
      .priority("sink_priority", &P::sink_priority, "the sink")
      .duration("server_latency", &P::server_latency, "server i waits (i + 1) * this before filling")
      .count("blocks", &P::blocks, 1, 10'000, "real messages alive at once (limit)");
  return t;
}

ParamTable<wl::DeletionParams> deletion_table() {
  using P = wl::DeletionParams;
  ParamTable<P> t;
  t.count("workers", &P::workers, 1, 64, "worker tasks")
      .count("holdings", &P::holdings, 1, 1000, "services each worker performs before waiting forever")
      .count("exiting", &P::exiting, 0, 64, "workers that return (a return deletes the task)")
      .count("killed", &P::killed, 0, 64, "workers killed outside the RTOS (reaped later)")
      .duration("work", &P::work, "a worker's pause between services")
      .duration("delete_after_min", &P::delete_after_min, "the supervisor's least wait before a deletion")
      .duration("delete_after_max", &P::delete_after_max, "the supervisor's most wait before a deletion")
      .priority("worker_priority", &P::worker_priority, "every worker")
      .priority("supervisor_priority", &P::supervisor_priority, "the supervisor")
      .priority("collector_priority", &P::collector_priority, "the collector")
      .count("block_size", &P::block_size, 16, 65'536, "bytes per pool block")
      .count("blocks", &P::blocks, 1, 10'000, "pool blocks (limit)")
      .count("heap_bytes", &P::heap_bytes, 64, 1 << 24, "the heap's arena");
  return t;
}

ParamTable<wl::BroadcastersParams> broadcasters_table() {
  using P = wl::BroadcastersParams;
  ParamTable<P> t;
  t.count("broadcasters", &P::broadcasters, 1, 64, "broadcaster tasks, each with its own pool")
      .count("messages_each", &P::messages_each, 1, 10'000, "messages each broadcaster sends")
      .count("slaves", &P::slaves, 1, 64, "slave tasks of the broadcasting master")
      .priority("broadcaster_priority", &P::broadcaster_priority, "broadcaster i runs at this + i")
      .priority("master_priority", &P::master_priority, "the broadcasting master")
      .priority("slave_priority", &P::slave_priority, "every slave")
      .count("max_msg_priority", &P::max_msg_priority, 1, 255, "message priority random in [1, this]")
      .duration("slave_work", &P::slave_work, "a slave's work per round")
      .count("block_size", &P::block_size, 16, 65'536, "bytes per message body")
      .count("blocks_each", &P::blocks_each, 1, 10'000, "blocks of each broadcaster's pool")
      .count("shared_memory_bytes", &P::shared_memory_bytes, 1024, 1u << 30,
             "with slave_cpus: the shared region the RTOS lives in")
      .choice("interlock", &P::interlock, kInterlocks, kInterlockDoc);
  return t;
}

ParamTable<rtos::RtosCosts> costs_table() {
  using C = rtos::RtosCosts;
  ParamTable<C> t;
  t.duration("block_get_bare", &C::block_get_bare, "BlockGet of a bare block")
      .duration("block_rel_bare", &C::block_rel_bare, "BlockRel of a bare block")
      .duration("block_get", &C::block_get, "BlockGet of a standard block (block + BCB)")
      .duration("block_make", &C::block_make, "BlockMake")
      .duration("block_unmake", &C::block_unmake, "BlockUnmake")
      .duration("block_rel", &C::block_rel, "BlockRel of a standard block")
      .duration("msg_get", &C::msg_get, "MsgGet (block + MCB)")
      .duration("msg_make", &C::msg_make, "MsgMake (also a proxy)")
      .duration("msg_unmake", &C::msg_unmake, "MsgUnmake")
      .duration("msg_rel", &C::msg_rel, "MsgRel")
      .duration("heap_malloc", &C::heap_malloc, "heap allocation (first fit)")
      .duration("heap_free", &C::heap_free, "HeapFree (with coalescing)")
      .duration("send", &C::send, "MsgSend")
      .duration("receive", &C::receive, "MsgReceive")
      .duration("pipe_op", &C::pipe_op, "pipe put or get")
      .duration("field", &C::field, "reading or setting a control-block field")
      .duration("task_delete", &C::task_delete, "TaskDelete (plus the releases it performs)")
      .count("copy_bytes_per_ns", &C::copy_bytes_per_ns, 0, 1'000'000, "copy rate; 0: copies are free");
  return t;
}

// The kinds on which each broken variant has an effect (measured: a fuzz
// campaign of every bug on every kind). A bug on another kind would be a silent
// no-op, so the loader refuses it.
const std::vector<std::pair<std::string, std::vector<std::string>>> kBugKinds = {
    {"release_to_wrong_pool", {"pipeline", "deletion", "broadcasters"}},
    {"broadcast_without_gate", {"broadcast", "broadcasters"}},
    {"proxy_release_frees_body", {"assembly", "deletion"}},
    {"delete_leaks_owned", {"deletion"}},
    {"pass_keeps_receiver_priority", {"pass_chain", "pipeline"}},
    {"assembly_threshold_off_by_one", {"assembly"}},
    {"broadcast_pulse_before_send", {"broadcast"}},
    {"broadcast_peek_then_gate", {"broadcast"}},
};

rtos::Bugs bugs_named(const std::string& name) {
  rtos::Bugs b;
  b.release_to_wrong_pool = name == "release_to_wrong_pool";
  b.broadcast_without_gate = name == "broadcast_without_gate";
  b.proxy_release_frees_body = name == "proxy_release_frees_body";
  b.delete_leaks_owned = name == "delete_leaks_owned";
  b.pass_keeps_receiver_priority = name == "pass_keeps_receiver_priority";
  b.assembly_threshold_off_by_one = name == "assembly_threshold_off_by_one";
  b.broadcast_pulse_before_send = name == "broadcast_pulse_before_send";
  b.broadcast_peek_then_gate = name == "broadcast_peek_then_gate";
  return b;
}

struct RtosConfig final : scenario::WorkloadConfig {
  std::string kind;
  std::size_t cpu = 0;
  std::vector<std::size_t> slave_cpus;  // broadcast kinds: slaves run there, the RTOS in a shared region
  std::string bug = "none";
  Params params;
};

std::size_t memory_needed(const Params& p) {
  return std::visit([](const auto& q) { return wl::memory_needed(q); }, p);
}

// The RTOS properties (model/rtos), by name.
const std::vector<std::pair<std::string, std::string>> kRtosProperties = {
    {"pool_origin",
     "every body returns to the pool or heap it came from and every control block to its own pool, nothing twice, "
     "nothing leaked at quiescence or after its owner's deletion"},
    {"no_double_delivery",
     "each (message, receiver) at most once at normal and pass exchanges; each slave gets each broadcast round "
     "exactly once; every proxy section filled exactly once before the real message goes on"},
    {"priority_pass", "a task receiving at a priority-pass exchange runs at the message's priority"},
};

std::unique_ptr<model::Monitor> make_rtos_monitor(const std::string& property) {
  if (property == "pool_origin") return std::make_unique<model::rtos::PoolOriginMonitor>();
  if (property == "no_double_delivery") return std::make_unique<model::rtos::DeliveryMonitor>();
  if (property == "priority_pass") return std::make_unique<model::rtos::PriorityPassMonitor>();
  IPCSIM_ASSERT_MSG(false, "unknown RTOS property");
}

// The workload's own bookkeeping, judged at the end: every packet accounted
// for, every slave saw every round, every message assembled. It reads the
// workload object, not the trace, so it lives here in the driver, not in model/.
class WorkloadComplete final : public model::Monitor {
 public:
  WorkloadComplete() : Monitor("workload_complete") {}
  void watch(const wl::Workload* w) { workload_ = w; }

 protected:
  void observe(const sim::TraceRecord&) override {}
  void at_end(const sim::RunResult& result) override {
    if (workload_ == nullptr || result.outcome == sim::RunOutcome::Stopped) return;
    if (std::string trouble = workload_->check(); !trouble.empty()) violate_at_end(trouble);
  }

 private:
  const wl::Workload* workload_ = nullptr;
};

class RtosRun final : public scenario::MechanismRun {
 public:
  RtosRun(const RtosConfig& cfg, const std::vector<std::string>& properties) : cfg_(cfg) {
    for (const std::string& p : properties) {
      if (p == "workload_complete") {
        complete_ = std::make_unique<WorkloadComplete>();
      } else {
        monitors_.push_back(make_rtos_monitor(p));
      }
    }
  }
  std::vector<model::Monitor*> monitors() override {
    std::vector<model::Monitor*> out;
    for (auto& m : monitors_) out.push_back(m.get());
    if (complete_) out.push_back(complete_.get());
    return out;
  }
  void start(sim::World& w, const scenario::Machine& machine) override {
    sim::Cpu& cpu = *machine.cpus[cfg_.cpu];
    const rtos::Bugs bugs = bugs_named(cfg_.bug);
    std::vector<sim::Cpu*> slaves;
    for (std::size_t i : cfg_.slave_cpus) slaves.push_back(machine.cpus[i]);
    workload_ = std::visit(
        [&](const auto& p) -> std::unique_ptr<wl::Workload> {
          using P = std::remove_cvref_t<decltype(p)>;
          if constexpr (std::is_same_v<P, wl::PipelineParams>) return wl::build_pipeline(w, cpu, p, bugs);
          if constexpr (std::is_same_v<P, wl::PassChainParams>) return wl::build_pass_chain(w, cpu, p, bugs);
          if constexpr (std::is_same_v<P, wl::BroadcastParams>) return wl::build_broadcast(w, cpu, p, bugs, slaves);
          if constexpr (std::is_same_v<P, wl::AssemblyParams>) return wl::build_assembly(w, cpu, p, bugs);
          if constexpr (std::is_same_v<P, wl::DeletionParams>) return wl::build_deletion(w, cpu, p, bugs);
          if constexpr (std::is_same_v<P, wl::BroadcastersParams>) {
            return wl::build_broadcasters(w, cpu, p, bugs, slaves);
          }
        },
        cfg_.params);
    if (complete_) complete_->watch(workload_.get());
  }
  std::uint64_t state_digest() const override {
    return workload_ ? scenario::fnv1a(workload_->check()) : 0;
  }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    std::vector<std::pair<std::string, std::string>> out = {{"workload", cfg_.kind}};
    if (cfg_.bug != "none") out.emplace_back("broken variant", cfg_.bug);
    if (workload_) {
      const std::string trouble = workload_->check();
      out.emplace_back("workload check", trouble.empty() ? "complete" : trouble);
    }
    return out;
  }

 private:
  RtosConfig cfg_;
  std::vector<std::unique_ptr<model::Monitor>> monitors_;
  std::unique_ptr<WorkloadComplete> complete_;
  std::unique_ptr<wl::Workload> workload_;
};

class RtosDriver final : public scenario::MechanismDriver {
 public:
  std::string_view name() const override { return "rtos"; }
  std::string_view description() const override {
    return "RTOS message management (seed 001): block pools, messages, exchanges, broadcast, proxies";
  }
  std::vector<scenario::KeyDoc> workload_keys() const override {
    std::vector<scenario::KeyDoc> out = {
        {"kind", "one of pipeline, pass_chain, broadcast, assembly, deletion, broadcasters", "", "the workload"},
        {"cpu", "CPU name", "the first CPU", "the RTOS's CPU: policy \"priority\"; the RTOS lives in its memory"},
        {"bug", "one of " + join(kBugs), "\"none\"", "a deliberately broken variant"},
        {"slave_cpus", "array of CPU names", "[] (the RTOS's CPU)",
         "kinds broadcast, broadcasters: the slaves run there, round robin, in parallel; the RTOS then lives "
         "in a shared region mapped into all of them"},
    };
    pipeline_table().document(out, "", "kind pipeline: ");
    pass_chain_table().document(out, "", "kind pass_chain: ");
    broadcast_table().document(out, "", "kind broadcast: ");
    assembly_table().document(out, "", "kind assembly: ");
    deletion_table().document(out, "", "kind deletion: ");
    broadcasters_table().document(out, "", "kind broadcasters: ");
    costs_table().document(out, "costs.", "[workload.costs] simulated CPU time of ");
    return out;
  }
  std::vector<scenario::PropertyDoc> properties() const override {
    std::vector<scenario::PropertyDoc> out;
    for (const auto& [name, description] : kRtosProperties) out.push_back({name, description});
    out.push_back({"workload_complete", "the workload did its job (every packet, round and section accounted for)"});
    return out;
  }
  std::unique_ptr<scenario::WorkloadConfig> parse_workload(ConfigTable& t, const scenario::MachineSpec& m) const override {
    auto cfg = std::make_unique<RtosConfig>();
    cfg->kind = t.choice("kind", kKinds, "", Need::Required);
    cfg->bug = t.choice("bug", kBugs, "none");
    const auto cpus = m.cpu_names();
    const std::string cpu = t.string("cpu", cpus.empty() ? "" : cpus[0]);
    if (!cpus.empty()) {
      if (auto i = t.reference("cpu", cpu, cpus, "CPU")) {
        cfg->cpu = *i;
        if (m.cpus[*i].policy != sim::RunPolicy::PriorityPreemptive) {
          t.error("cpu", "the RTOS needs a CPU with policy \"priority\"; \"" + cpu + "\" is \"fifo\"");
        }
      }
    }
    rtos::RtosCosts costs;
    if (auto c = t.table("costs")) {
      costs = costs_table().read(*c);
      c->finish();
    }
    if (cfg->kind == "pipeline") cfg->params = with_costs(pipeline_table().read(t), costs);
    if (cfg->kind == "pass_chain") cfg->params = with_costs(pass_chain_table().read(t), costs);
    if (cfg->kind == "broadcast") cfg->params = with_costs(broadcast_table().read(t), costs);
    if (cfg->kind == "assembly") cfg->params = with_costs(assembly_table().read(t), costs);
    if (cfg->kind == "deletion") cfg->params = with_costs(deletion_table().read(t), costs);
    if (cfg->kind == "broadcasters") cfg->params = with_costs(broadcasters_table().read(t), costs);
    if (cfg->kind.empty()) return cfg;  // the other keys depend on the kind: judge nothing more
    if ((cfg->kind == "broadcast" || cfg->kind == "broadcasters") && t.has("slave_cpus")) {
      for (const std::string& name : t.strings("slave_cpus")) {
        auto i = t.reference("slave_cpus", name, cpus, "CPU");
        if (!i) continue;
        if (m.cpus[*i].policy != sim::RunPolicy::PriorityPreemptive) {
          t.error("slave_cpus", "the RTOS needs CPUs with policy \"priority\"; \"" + name + "\" is \"fifo\"");
        }
        cfg->slave_cpus.push_back(*i);
      }
    }
    for (const auto& [bug, kinds] : kBugKinds) {
      if (bug != cfg->bug || std::find(kinds.begin(), kinds.end(), cfg->kind) != kinds.end()) continue;
      std::string list;
      for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + k;
      t.error("bug", "\"" + bug + "\" has no effect on kind \"" + cfg->kind + "\" (it affects: " + list + ")");
    }
    check_consistency(t, *cfg);
    if (!cfg->slave_cpus.empty()) {
      const std::uint32_t shared = std::visit(
          [](const auto& q) -> std::uint32_t {
            if constexpr (requires { q.shared_memory_bytes; }) {
              return q.shared_memory_bytes;
            } else {
              return 0;
            }
          },
          cfg->params);
      if (shared < memory_needed(cfg->params)) {
        t.error("shared_memory_bytes", "the " + cfg->kind + " workload needs at least " +
                                           std::to_string(memory_needed(cfg->params)) + " bytes, got " +
                                           std::to_string(shared));
      }
    } else if (!cpus.empty() && cfg->cpu < m.cpus.size() &&
               m.cpus[cfg->cpu].memory_bytes < memory_needed(cfg->params)) {
      t.error("cpu", "the " + cfg->kind + " workload needs at least " + std::to_string(memory_needed(cfg->params)) +
                         " bytes of memory on \"" + cpu + "\", which has " +
                         std::to_string(m.cpus[cfg->cpu].memory_bytes));
    }
    t.finish();
    return cfg;
  }
  std::unique_ptr<scenario::MechanismRun> instantiate(const scenario::WorkloadConfig& cfg,
                                                      const std::vector<std::string>& properties) const override {
    return std::make_unique<RtosRun>(static_cast<const RtosConfig&>(cfg), properties);
  }

 private:
  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }
  template <class P>
  static P with_costs(P p, const rtos::RtosCosts& costs) {
    p.costs = costs;
    return p;
  }
  // Relations between keys that a single range cannot say.
  static void check_consistency(ConfigTable& t, const RtosConfig& cfg) {
    if (const auto* p = std::get_if<wl::PipelineParams>(&cfg.params)) {
      if (p->min_bytes > p->max_bytes) t.error("min_bytes", "expected at most max_bytes (" + std::to_string(p->max_bytes) + ")");
      if (p->block_size < p->max_bytes) t.error("block_size", "expected at least max_bytes (" + std::to_string(p->max_bytes) + ")");
    }
    if (const auto* p = std::get_if<wl::PassChainParams>(&cfg.params)) {
      if (p->min_msg_priority > p->max_msg_priority) {
        t.error("min_msg_priority", "expected at most max_msg_priority (" + std::to_string(p->max_msg_priority) + ")");
      }
    }
    if (const auto* p = std::get_if<wl::BroadcastParams>(&cfg.params)) {
      if (p->block_size < 8 + 4 * p->slaves) {
        t.error("block_size", "expected at least 8 + 4 * slaves = " + std::to_string(8 + 4 * p->slaves));
      }
      if (p->slave_work_min > p->slave_work_max) t.error("slave_work_min", "expected at most slave_work_max");
    }
    if (const auto* p = std::get_if<wl::DeletionParams>(&cfg.params)) {
      if (p->exiting + p->killed > p->workers) t.error("killed", "expected exiting + killed to be at most workers");
      if (p->delete_after_min > p->delete_after_max) t.error("delete_after_min", "expected at most delete_after_max");
    }
  }
};

}  // namespace

std::unique_ptr<scenario::MechanismDriver> make_rtos_driver() { return std::make_unique<RtosDriver>(); }

}  // namespace ipcsim::drivers

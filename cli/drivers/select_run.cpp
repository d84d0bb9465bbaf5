#include "cli/drivers/select_run.hpp"

#include "cli/drivers/run_monitors.hpp"
#include "model/select/select_monitors.hpp"

namespace ipcsim::drivers::select_scenario {
namespace {

std::unique_ptr<model::Monitor> make_monitor(const std::string& p) {
  namespace ms = model::select;
  if (p == "one_return") return std::make_unique<ms::OneReturnMonitor>();
  if (p == "no_lost_wakeup") return std::make_unique<ms::LostWakeupMonitor>();
  if (p == "one_request") return std::make_unique<ms::OneRequestMonitor>();
  if (p == "crash_progress") return std::make_unique<ms::CrashProgressMonitor>();
  if (p == "no_loss") return std::make_unique<ms::NoLossMonitor>();
  if (p == "packet_delivery") return std::make_unique<ms::PacketDeliveryMonitor>();
  if (p == "no_stale_wakeup") return std::make_unique<ms::StaleWakeupMonitor>();
  if (p == "refusal_reported") return std::make_unique<ms::RefusalReportedMonitor>();
  if (p == "no_false_suspicion") return std::make_unique<ms::FalseSuspicionMonitor>();
  if (p == "outbound_delivery") return std::make_unique<ms::OutboundDeliveryMonitor>();
  IPCSIM_ASSERT_MSG(false, "unknown select property");
}

class SelectRun final : public scenario::MechanismRun {
 public:
  SelectRun(const SelectScenario& cfg, const std::vector<std::string>& properties)
      : cfg_(cfg), monitors_(properties, make_monitor) {}
  std::vector<model::Monitor*> monitors() override { return monitors_.all(); }
  void start(sim::World& w, const scenario::Machine& machine) override {
    std::vector<sim::Cpu*> cpus;
    for (std::size_t i : cfg_.cpus) cpus.push_back(machine.cpus[i]);
    sim::Bus& bus = *machine.buses[cfg_.bus];
    const ipcsim::select::Bugs bugs = select_bugs_named(cfg_.bug);
    workload_ = std::visit(
        [&](auto p) -> std::unique_ptr<wl::Workload> {
          p.select.bugs = bugs;
          if constexpr (std::is_same_v<decltype(p), wl::StormParams>) {
            return wl::build_storm(w, cpus, bus, p);
          } else if constexpr (std::is_same_v<decltype(p), wl::SocketsParams>) {
            return wl::build_sockets(w, cpus, bus, p);
          } else if constexpr (std::is_same_v<decltype(p), wl::PipeEndsParams>) {
            return wl::build_pipe_ends(w, cpus, bus, p);
          } else {
            return wl::build_fanin(w, cpus, bus, p);
          }
        },
        cfg_.params);
    monitors_.watch(workload_.get());
  }
  std::uint64_t state_digest() const override { return workload_ ? workload_->system().state_digest() : 0; }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    std::vector<std::pair<std::string, std::string>> out = {{"workload", cfg_.kind}};
    if (cfg_.bug != "none") out.emplace_back("broken variant", cfg_.bug);
    if (workload_) {
      for (auto& kv : workload_->summary()) out.push_back(kv);
      const std::string trouble = workload_->check();
      out.emplace_back("workload check", trouble.empty() ? "complete" : trouble);
    }
    return out;
  }

 private:
  SelectScenario cfg_;
  RunMonitors<wl::Workload> monitors_;
  std::unique_ptr<wl::Workload> workload_;
};

}  // namespace

const std::vector<std::pair<std::string, std::vector<std::string>>>& select_bugs() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> bugs = {
      {"none", {"storm", "fanin", "sockets", "pipe_ends"}},
      {"no_dedupe", {"storm"}},
      {"notify_first_only", {"storm"}},
      {"no_liveness", {"storm", "fanin", "sockets", "pipe_ends"}},
      {"record_after_check", {"storm", "fanin"}},
      {"rearm_after_fanout", {"storm"}},
      {"untagged_ready_list", {"storm"}},
      {"cancel_on_timeout", {"storm"}},
      {"outstanding_never_cleared", {"storm"}},
      {"no_drain_at_switch", {"sockets"}},
      {"recall_keeps_copies", {"sockets"}},
      {"check_then_sleep", {"storm", "fanin", "sockets"}},
      {"shadow_before_real", {"sockets"}},
      {"suspect_on_first_miss", {"storm", "fanin", "sockets"}},
      {"crash_keeps_ends", {"storm", "fanin", "pipe_ends"}},
      {"silent_switch_back", {"sockets"}},
      {"except_not_recorded", {"sockets"}},
      {"drop_when_full", {"sockets"}},
  };
  return bugs;
}

ipcsim::select::Bugs select_bugs_named(const std::string& name) {
  ipcsim::select::Bugs b;
  b.no_dedupe = name == "no_dedupe";
  b.notify_first_only = name == "notify_first_only";
  b.no_liveness = name == "no_liveness";
  b.record_after_check = name == "record_after_check";
  b.rearm_after_fanout = name == "rearm_after_fanout";
  b.untagged_ready_list = name == "untagged_ready_list";
  b.cancel_on_timeout = name == "cancel_on_timeout";
  b.outstanding_never_cleared = name == "outstanding_never_cleared";
  b.no_drain_at_switch = name == "no_drain_at_switch";
  b.recall_keeps_copies = name == "recall_keeps_copies";
  b.check_then_sleep = name == "check_then_sleep";
  b.shadow_before_real = name == "shadow_before_real";
  b.suspect_on_first_miss = name == "suspect_on_first_miss";
  b.crash_keeps_ends = name == "crash_keeps_ends";
  b.silent_switch_back = name == "silent_switch_back";
  b.except_not_recorded = name == "except_not_recorded";
  b.drop_when_full = name == "drop_when_full";
  return b;
}

const std::vector<std::pair<std::string, std::string>>& select_properties() {
  static const std::vector<std::pair<std::string, std::string>> properties = {
      {"one_return",
       "each select() returns exactly once; its count is the number of bits it returns, each of them asked for"},
      {"no_lost_wakeup",
       "a select() returns by its timeout, and early whenever an FD it asked for was ready longer than a "
       "notification takes (0 locally, two bus latencies from another CPU), by the pipe's own level or where the "
       "socket's packets are"},
      {"one_request", "at most one interest message outstanding per (pipe, event, CPU): duplicates suppressed"},
      {"crash_progress",
       "a select() waiting on a pipe whose CPU crashed, or whose last write ends (for a read) or read ends (for a "
       "write) were on a CPU that crashed, returns within suspect_after + 1 check periods and two bus latencies"},
      {"no_loss",
       "every byte written into a pipe is taken or still buffered at the end (by its inventory), and every byte "
       "taken for a CPU is read there"},
      {"no_stale_wakeup",
       "every bit a select() returns for a pipe was true at some moment of the call (or a notification's delay "
       "before it): no notification for an abandoned select satisfies a later one"},
      {"packet_delivery",
       "each socket packet is read at most once across all CPUs, none leaves the real socket for a contention read "
       "while an older one waits in a shadow, and at the end every packet is read or still held"},
      {"refusal_reported",
       "a socket() whose connect the I/O process refused is reported to every user: socket() returns -1, or every "
       "select() on its FD returns within two bus latencies of the refusal and no later read of it succeeds"},
      {"no_false_suspicion", "a CPU is declared dead only if it crashed since the declaring CPU last heard from it"},
      {"outbound_delivery",
       "every byte a user wrote to a socket and was told accepted leaves by the network port exactly once, in the "
       "order the I/O process accepted the writes; at the end every accepted byte has left or is still buffered"},
      {"workload_complete", "the workload did its job (every byte written or packet read; every process done)"},
  };
  return properties;
}

std::unique_ptr<scenario::MechanismRun> make_select_run(const SelectScenario& cfg,
                                                        const std::vector<std::string>& properties) {
  return std::make_unique<SelectRun>(cfg, properties);
}

}  // namespace ipcsim::drivers::select_scenario

#include "model/select/select_monitor.hpp"

namespace ipcsim::model::select {

int event_index(std::string_view name) { return name == "read" ? 0 : name == "write" ? 1 : 2; }
const char* event_name(int e) { return e == 0 ? "read" : e == 1 ? "write" : "exception"; }

void SelectMonitor::observe(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "select.config") {
    check_period_ = sim::Duration{i(r, "check_period_ns")};
    latency_ = sim::Duration{i(r, "latency_ns")};
    if (r.field("suspect_after") != nullptr) suspect_after_ = static_cast<std::uint32_t>(u(r, "suspect_after"));
    resend_period_ = sim::Duration{i(r, "resend_period_ns")};
  } else if (k == "select.kernel.boot") {
    std::string name = object_name(r.object);  // "'kernel.cpu0'"
    if (name.rfind("'kernel.", 0) == 0) name = "'" + name.substr(8);
    cpu_names_[static_cast<sim::CpuId>(u(r, "cpu_id"))] = name;
  } else if (k == "select.pipe.create") {
    const std::uint64_t pipe = u(r, "pipe");
    // Named by the order pipes were made on their CPU, as the monitor counts them.
    const std::uint32_t nth = ++made_on_[r.cpu];
    pipes_[pipe] = {r.cpu, static_cast<std::uint32_t>(u(r, "capacity")),
                    "pipe " + std::to_string(nth) + " made by " + actor_name(r.actor) + " on " + cpu_name(r.cpu)};
  } else if (k == "select.sock.create") {
    pipes_[u(r, "sock")] = {r.cpu, 0, "the socket for port " + std::to_string(u(r, "port")) + " on " + cpu_name(r.cpu)};
  } else if (k == "select.call") {
    Call c;
    c.call = u(r, "call");
    c.actor = r.actor;
    c.cpu = r.cpu;
    c.start = r.time;
    if (i(r, "timeout_ns") >= 0) c.deadline = r.time + sim::Duration{i(r, "timeout_ns")};
    c.in[0] = u(r, "r");
    c.in[1] = u(r, "w");
    c.in[2] = u(r, "e");
    calls_[r.actor] = c;
  } else if (k == "select.want") {
    auto it = calls_.find(r.actor);
    if (it != calls_.end() && it->second.call == u(r, "call")) {
      it->second.wants.push_back({static_cast<int>(i(r, "fd")), event_index(s(r, "event")), u(r, "pipe")});
    }
  }
  watch(r);
  if (k == "select.return") {
    auto it = calls_.find(r.actor);
    if (it != calls_.end() && it->second.call == u(r, "call")) {
      ended(it->second, &r);
      calls_.erase(it);
    }
  } else if (k == "cpu.crash") {
    crashed(r.cpu, r.time);
    crashes_[r.cpu] = r.time;
    for (auto it = calls_.begin(); it != calls_.end();) {
      if (it->second.cpu == r.cpu) {
        ended(it->second, nullptr);
        it = calls_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

std::optional<sim::CpuId> SelectMonitor::home_of(std::uint64_t pipe) const {
  auto it = pipes_.find(pipe);
  if (it == pipes_.end()) return std::nullopt;
  return it->second.home;
}

std::uint32_t SelectMonitor::capacity_of(std::uint64_t pipe) const {
  auto it = pipes_.find(pipe);
  return it == pipes_.end() ? 0 : it->second.capacity;
}

std::string SelectMonitor::pipe_name(std::uint64_t pipe) const {
  auto it = pipes_.find(pipe);
  return it == pipes_.end() ? "pipe #" + std::to_string(pipe) : it->second.name;
}

std::string SelectMonitor::cpu_name(sim::CpuId cpu) const {
  auto it = cpu_names_.find(cpu);
  return it == cpu_names_.end() ? "cpu #" + std::to_string(cpu) : it->second;
}

std::optional<sim::Instant> SelectMonitor::last_crash(sim::CpuId cpu) const {
  auto it = crashes_.find(cpu);
  if (it == crashes_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ipcsim::model::select

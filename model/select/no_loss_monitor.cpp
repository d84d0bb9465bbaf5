#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

void NoLossMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "select.pipe.create") {
    pipes_[u(r, "pipe")].created = r.time;
    return;
  }
  auto it = pipes_.find(u(r, "pipe"));
  if (it == pipes_.end()) return;
  Books& b = it->second;
  if (k == "select.pipe.write") {
    b.written += u(r, "bytes");
  } else if (k == "select.pipe.take") {
    b.taken += u(r, "bytes");
    b.taken_for[static_cast<sim::CpuId>(u(r, "to_cpu"))] += u(r, "bytes");
  } else if (k == "select.read" && i(r, "bytes") > 0) {
    b.read_at[r.cpu] += u(r, "bytes");
  } else if (k == "select.pipe.inventory") {
    b.inventory = u(r, "buffered");
  }
}

void NoLossMonitor::at_end(const sim::RunResult& result) {
  const bool settled = result.outcome == sim::RunOutcome::Quiescent || result.outcome == sim::RunOutcome::Deadlock;
  for (const auto& [pipe, b] : pipes_) {
    const auto home = home_of(pipe);
    const auto crash = home ? last_crash(*home) : std::nullopt;
    if (crash && *crash >= b.created) continue;  // lost with its CPU's memory
    const std::uint64_t left = b.written - std::min(b.written, b.taken);
    if (!b.inventory) {
      return violate_at_end(pipe_name(pipe) + " holds " + std::to_string(left) +
                            " bytes by the books, but its kernel reported no inventory at the end");
    }
    if (*b.inventory != left || b.taken > b.written) {
      return violate_at_end(pipe_name(pipe) + ": " + std::to_string(b.written) + " bytes written, " +
                            std::to_string(b.taken) + " taken, so " + std::to_string(left) +
                            " should be buffered, but it holds " + std::to_string(*b.inventory));
    }
    if (!settled) continue;  // replies may still be on the bus
    for (const auto& [cpu, taken] : b.taken_for) {
      if (ever_crashed(cpu)) continue;
      auto rd = b.read_at.find(cpu);
      const std::uint64_t read = rd == b.read_at.end() ? 0 : rd->second;
      if (read != taken) {
        return violate_at_end(std::to_string(taken) + " bytes of " + pipe_name(pipe) + " were taken for " +
                              cpu_name(cpu) + " but " + std::to_string(read) + " were read there");
      }
    }
  }
}

}  // namespace ipcsim::model::select

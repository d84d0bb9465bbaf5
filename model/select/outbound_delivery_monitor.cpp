#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

namespace {
std::string write_name(std::uint64_t req, const std::string& cpu_name) {
  return "write " + std::to_string(req) + " from " + cpu_name;
}
}  // namespace

void OutboundDeliveryMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "select.sock.create") {
    io_cpu_[u(r, "sock")] = r.cpu;
  } else if (k == "select.sock.send") {
    const auto cpu = static_cast<sim::CpuId>(u(r, "from_cpu"));
    queued_[u(r, "sock")].push_back({cpu, u(r, "req"), u(r, "bytes")});
    accepted_[{cpu, u(r, "req")}] += u(r, "bytes");
  } else if (k == "select.sock.transmit") {
    const auto cpu = static_cast<sim::CpuId>(u(r, "from_cpu"));
    const std::string what = std::to_string(u(r, "bytes")) + " bytes of " + write_name(u(r, "req"), cpu_name(cpu));
    auto& q = queued_[u(r, "sock")];
    if (q.empty()) return violate(r, what + " left the network port, but no accepted byte was waiting to leave");
    Segment& front = q.front();
    if (front.cpu != cpu || front.req != u(r, "req") || front.bytes < u(r, "bytes")) {
      return violate(r, what + " left the network port before the " + std::to_string(front.bytes) + " bytes of " +
                            write_name(front.req, cpu_name(front.cpu)) +
                            ", accepted earlier: bytes must leave once, in the order they were accepted");
    }
    front.bytes -= u(r, "bytes");
    if (front.bytes == 0) q.pop_front();
  } else if (k == "select.sock.write" && i(r, "accepted") >= 0) {
    const auto told = static_cast<std::uint64_t>(i(r, "accepted"));
    auto it = accepted_.find({r.cpu, u(r, "req")});
    const std::uint64_t took = it == accepted_.end() ? 0 : it->second;
    if (told != took) {
      return violate(r, actor_name(r.actor) + " on " + cpu_name(r.cpu) + " was told " + std::to_string(told) +
                            " of its " + std::to_string(u(r, "bytes")) + " bytes were accepted by the socket, but the I/O "
                            "process took " + std::to_string(took) + " into its send buffer");
    }
  } else if (k == "select.sock.out_inventory") {
    inventory_[u(r, "sock")] = u(r, "bytes");
  }
}

void OutboundDeliveryMonitor::at_end(const sim::RunResult& result) {
  const bool settled = result.outcome == sim::RunOutcome::Quiescent || result.outcome == sim::RunOutcome::Deadlock;
  if (!settled) return;
  for (const auto& [sock, q] : queued_) {
    auto io = io_cpu_.find(sock);
    if (io != io_cpu_.end() && ever_crashed(io->second)) continue;  // the send buffer died with its CPU
    std::uint64_t waiting = 0;
    for (const Segment& s : q) waiting += s.bytes;
    const std::uint64_t held = inventory_.count(sock) != 0 ? inventory_.at(sock) : 0;
    if (waiting != held) {
      return violate_at_end(std::to_string(waiting) + " accepted bytes of " + pipe_name(sock) +
                            " never left the network port, and its send buffer holds " + std::to_string(held) +
                            " at the end: lost");
    }
  }
}

}  // namespace ipcsim::model::select

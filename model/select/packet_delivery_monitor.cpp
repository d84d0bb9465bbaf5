#include <sstream>

#include "model/select/select_monitors.hpp"

namespace ipcsim::model::select {

std::string PacketDeliveryMonitor::name(std::uint64_t packet) const { return "packet " + std::to_string(packet); }

void PacketDeliveryMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  const std::uint64_t id = u(r, "packet");
  auto find = [&]() -> Packet* {
    auto it = packets_.find(id);
    return it == packets_.end() ? nullptr : &it->second;
  };
  if (k == "select.sock.create") {
    io_cpu_[u(r, "sock")] = r.cpu;
  } else if (k == "select.sock.urgent") {  // out of band: held at the real socket, outside the stream's order
    packets_[id] = {u(r, "sock"), 0, Where::Real, sim::kNoCpu, ""};
  } else if (k == "select.sock.oob_deliver") {
    if (Packet* p = find()) {
      p->where = Where::ToReader;
      p->cpu = static_cast<sim::CpuId>(u(r, "to_cpu"));
    }
  } else if (k == "select.sock.arrive") {
    packets_[id] = {u(r, "sock"), arrivals_[u(r, "sock")]++, Where::Real, sim::kNoCpu, ""};
  } else if (k == "select.sock.forward") {
    if (Packet* p = find()) {
      p->where = Where::ToShadow;
      p->cpu = static_cast<sim::CpuId>(u(r, "to_cpu"));
    }
  } else if (k == "select.shadow.store") {
    if (Packet* p = find()) {
      p->where = Where::Shadow;
      p->cpu = r.cpu;
    }
  } else if (k == "select.shadow.recall") {
    // The shadow gives back what it holds: every packet recorded there.
    for (auto& [pid, p] : packets_) {
      if (p.sock == u(r, "sock") && p.where == Where::Shadow && p.cpu == r.cpu) p.where = Where::Returning;
    }
  } else if (k == "select.sock.returned") {
    for (auto& [pid, p] : packets_) {
      if (p.sock == u(r, "sock") && p.where == Where::Returning) p.where = Where::Real;
    }
  } else if (k == "select.sock.deliver") {
    Packet* p = find();
    if (p == nullptr) return;
    for (const auto& [qid, q] : packets_) {
      if (q.sock == p->sock && q.order < p->order && (q.where == Where::Shadow || q.where == Where::ToShadow)) {
        return violate(r, name(id) + " left the real socket for a read on " + cpu_name(static_cast<sim::CpuId>(u(r, "to_cpu"))) +
                              " while the older " + name(qid) + " still waits in the shadow on " + cpu_name(q.cpu) +
                              ": packets must be read in arrival order");
      }
    }
    p->where = Where::ToReader;
    p->cpu = static_cast<sim::CpuId>(u(r, "to_cpu"));
  } else if ((k == "select.sock.read" || k == "select.sock.read_oob") && i(r, "packet") > 0) {
    Packet* p = find();
    const std::string who = actor_name(r.actor) + " on " + cpu_name(r.cpu) + " at " + at_time(r.time);
    if (p == nullptr) return violate(r, who + " read " + name(id) + ", which never arrived");
    if (p->where == Where::Read) {
      return violate(r, name(id) + " was read twice: by " + p->read_by + " and by " + who);
    }
    p->where = Where::Read;
    p->read_by = who;
  } else if (k == "select.sock.inventory" || k == "select.shadow.inventory" || k == "select.sock.oob_inventory") {
    std::istringstream in{std::string(s(r, "packets"))};
    for (std::uint64_t p; in >> p;) held_[u(r, "sock")].push_back(p);
  }
}

void PacketDeliveryMonitor::at_end(const sim::RunResult& result) {
  const bool settled = result.outcome == sim::RunOutcome::Quiescent || result.outcome == sim::RunOutcome::Deadlock;
  for (const auto& [id, p] : packets_) {
    auto io = io_cpu_.find(p.sock);
    if (io != io_cpu_.end() && ever_crashed(io->second)) continue;  // the socket died with its CPU
    if (p.cpu != sim::kNoCpu && ever_crashed(p.cpu)) continue;
    const auto& held = held_[p.sock];
    const bool is_held = std::find(held.begin(), held.end(), id) != held.end();
    if (p.where == Where::Read && is_held) {
      return violate_at_end(name(id) + " was read by " + p.read_by + " and is still held at the end: it can be read twice");
    }
    if (settled && p.where != Where::Read && !is_held) {
      return violate_at_end(name(id) + " arrived but was neither read nor held anywhere at the end: lost");
    }
  }
}

}  // namespace ipcsim::model::select

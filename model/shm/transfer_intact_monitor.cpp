#include "model/shm/transfer_intact_monitor.hpp"

#include "model/shm/fields.hpp"

namespace ipcsim::model::shm {

void TransferIntactMonitor::check_recv(const sim::TraceRecord& r) {
  ++receives_;
  const std::uint64_t xfer = u(r, "xfer");
  const sim::ActorId by = r.actor;
  auto it = sent_.find(xfer);
  if (it == sent_.end()) {
    violate(r, who(by) + " received transfer " + num(xfer) + ", which was never sent");
    return;
  }
  Sent& x = it->second;
  const std::string what = "transfer " + num(xfer) + " from " + who(x.src) + " to " + who(x.dst);
  if (x.received) {
    violate(r, who(by) + " received " + what + " again (first at " + at_time(x.received_at) + ")");
  } else if (by != x.dst) {
    violate(r, who(by) + " received " + what + ", which is not its destination");
  } else if (u(r, "bytes") != x.bytes) {
    violate(r, who(by) + " received " + num(u(r, "bytes")) + " bytes of " + what + ", which sent " + num(x.bytes));
  } else if (u(r, "sum") != x.sum) {
    violate(r, who(by) + " received " + what + " corrupted: checksum " + num(u(r, "sum")) + " of the bytes read, " +
                   num(x.sum) + " of the bytes sent");
  }
  x.received = true;
  x.received_at = r.time;
}

void TransferIntactMonitor::check_publish(const sim::TraceRecord& r) {
  const std::uint64_t xfer = u(r, "xfer");
  auto it = sent_.find(xfer);
  if (it == sent_.end()) {
    violate(r, who(r.actor) + " published a location record for transfer " + num(xfer) + ", which was never sent");
    return;
  }
  const std::uint64_t rel = u(r, "rel");
  const std::uint64_t bytes = u(r, "bytes");
  auto p = payloads_.find(xfer);
  if (p == payloads_.end()) {
    violate(r, who(r.actor) + " published the location record of transfer " + num(xfer) + " (" + range(rel, bytes) +
                   ") before its payload was written");
  } else if (rel < p->second.rel || rel + bytes > p->second.rel + p->second.bytes) {
    violate(r, who(r.actor) + " published the location record of transfer " + num(xfer) + " as " + range(rel, bytes) +
                   ", but its payload was written at " + range(p->second.rel, p->second.bytes));
  }
}

void TransferIntactMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "shm.send") {
    Sent& x = sent_[u(r, "xfer")];
    x = Sent{};
    x.src = u(r, "src");
    x.dst = u(r, "dst");
    x.bytes = u(r, "bytes");
    x.sum = u(r, "sum");
  } else if (k == "shm.payload.write") {
    payloads_[u(r, "xfer")] = Payload{u(r, "rel"), u(r, "bytes")};
  } else if (k == "shm.loc.write") {
    check_publish(r);
  } else if (k == "shm.recv") {
    check_recv(r);
  }
}

}  // namespace ipcsim::model::shm

#include "impl/transport/stop_and_go.hpp"

#include <algorithm>
#include <map>
#include <span>

#include "sim/state_hash.hpp"

namespace ipcsim::transport {
namespace {

// Packet header: session u32, message u32, offset u64, message length u64.
constexpr std::size_t kPacketHeader = 24;

void put(std::vector<std::byte>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
}
std::uint64_t get(std::span<const std::byte> in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(in[at + i]) << (8 * i);
  return v;
}

}  // namespace

StopAndGo::StopAndGo(sim::World& w, sim::Cpu& client, sim::Cpu& server, std::vector<sim::Bus*> connections,
                     TransferParams p, std::uint64_t packet_bytes)
    : w_(&w), client_(&client), server_(&server), buses_(std::move(connections)), p_(p),
      packet_bytes_(std::max<std::uint64_t>(packet_bytes, kPacketHeader + 1)) {
  server_inbox_ = &w.add_port(server, "receiver.inbox", 4096);
  for (std::uint32_t i = 0; i < p_.sources; ++i) {
    source_inbox_.push_back(&w.add_port(client, "source" + std::to_string(i + 1) + ".inbox", 64));
  }
}

StopAndGo::~StopAndGo() { w_->shutdown(); }

void StopAndGo::start() {
  running_ = p_.sources;
  w_->spawn(*server_, "receiver", [this](sim::Ctx cx) { return receiver(cx); }, {.daemon = true});
  for (std::uint32_t i = 0; i < p_.sources; ++i) {
    w_->spawn(*client_, "source" + std::to_string(i + 1), [this, i](sim::Ctx cx) { return source(cx, i); });
  }
}

sim::Task<> StopAndGo::source(sim::Ctx cx, std::uint32_t index) {
  sim::World& w = cx.world();
  const std::uint32_t session = index + 1;
  sim::Bus& bus = *buses_[index % buses_.size()];
  sim::Port& inbox = *source_inbox_[index];
  const std::uint64_t chunk = packet_bytes_ - kPacketHeader;
  for (std::uint32_t i = 0; i < p_.messages; ++i) {
    const std::vector<std::byte> body = make_message(session, i, p_.message_bytes, w.seed());
    ++counters_.submitted;
    if (w.tracing()) {
      w.emit("transport.app.submit", 0,
             {{"session", session}, {"msg", i}, {"bytes", body.size()}, {"digest", digest_of(body)}});
    }
    for (std::uint64_t off = 0; off < body.size(); off += chunk) {
      std::vector<std::byte> pkt;
      put(pkt, session, 4);
      put(pkt, i, 4);
      put(pkt, off, 8);
      put(pkt, body.size(), 8);
      const std::uint64_t n = std::min<std::uint64_t>(chunk, body.size() - off);
      pkt.insert(pkt.end(), body.begin() + static_cast<std::ptrdiff_t>(off),
                 body.begin() + static_cast<std::ptrdiff_t>(off + n));
      for (;;) {  // stop and go: this packet until it is acknowledged
        wire_bytes_ += pkt.size();
        co_await bus.send(*server_inbox_, session, pkt);
        std::optional<sim::Message> ack = co_await inbox.recv_for(p_.engine.timeout);
        // An ACK names the packet it acknowledges (message, offset): a late
        // one for an earlier packet does not count for this one.
        if (ack && ack->body.size() == 12 && get(ack->body, 0, 4) == i && get(ack->body, 4, 8) == off) break;
      }
    }
    ++counters_.completed_ok;
    if (w.tracing()) w.emit("transport.app.completion", 0, {{"session", session}, {"msg", i}, {"status", "ok"}});
  }
  ++counters_.closed_sessions;
  if (--running_ == 0) finished_at_ = w.now();
}

sim::Task<> StopAndGo::receiver(sim::Ctx cx) {
  sim::World& w = cx.world();
  std::map<std::uint32_t, std::vector<std::byte>> partial;  // by session: the message being assembled
  std::map<std::uint32_t, std::uint32_t> next_msg;          // by session
  for (;;) {
    sim::Message m = co_await server_inbox_->recv();
    if (m.body.size() < kPacketHeader) continue;
    const auto session = static_cast<std::uint32_t>(get(m.body, 0, 4));
    const auto msg = static_cast<std::uint32_t>(get(m.body, 4, 4));
    const std::uint64_t off = get(m.body, 8, 8);
    const std::uint64_t total = get(m.body, 16, 8);
    std::vector<std::byte>& buf = partial[session];
    // In order only: the packet that extends the message being assembled.
    if (msg == next_msg[session] && off == buf.size()) {
      buf.insert(buf.end(), m.body.begin() + kPacketHeader, m.body.end());
      if (buf.size() == total) {
        ++counters_.delivered;
        if (w.tracing()) {
          w.emit("transport.app.deliver", 0,
                 {{"session", session}, {"msg", msg}, {"bytes", buf.size()}, {"digest", digest_of(buf)}});
        }
        buf.clear();
        ++next_msg[session];
      }
    }
    if (session == 0 || session > source_inbox_.size()) continue;
    std::vector<std::byte> ack;
    put(ack, msg, 4);
    put(ack, off, 8);
    co_await buses_[(session - 1) % buses_.size()]->send(*source_inbox_[session - 1], 0, std::move(ack));
  }
}

std::uint64_t StopAndGo::digest() const {
  sim::StateHash h;
  h.add(counters_.submitted).add(counters_.completed_ok).add(counters_.delivered).add(wire_bytes_);
  return h.value();
}

}  // namespace ipcsim::transport

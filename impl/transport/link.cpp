#include "impl/transport/link.hpp"

namespace ipcsim::transport {

Pipe::Pipe(sim::World& w, std::vector<sim::Bus*> connections, sim::Port& client_inbox, sim::Port& server_inbox,
           std::uint32_t tamper_ppm)
    : w_(&w), buses_(std::move(connections)), client_(&client_inbox), server_(&server_inbox), tamper_ppm_(tamper_ppm),
      id_(w.register_object("transport.pipe", "pipe")) {
  if (w.tracing()) w.emit("transport.pipe", id_, {{"connections", buses_.size()}});
}

sim::Duration Pipe::write_time(std::size_t conn, std::size_t bytes) const {
  const std::uint64_t rate = buses_[conn]->config().bytes_per_second;
  if (rate == 0) return sim::Duration{0};
  return sim::Duration{static_cast<std::int64_t>((static_cast<unsigned __int128>(bytes) * 1'000'000'000ULL + rate - 1) /
                                                 rate)};
}

sim::Task<> Pipe::send(std::size_t conn, sim::Port& to, std::vector<std::byte> frame) {
  if (&to == server_) bytes_to_server_ += frame.size();
  if (tamper_ppm_ != 0 && w_->fault_point(sim::ChoiceKind::FaultTamper, tamper_ppm_)) {
    // Flip a bit past the header's first bytes: the frame still parses, only its tag
    // no longer matches. Which bit follows from the frame's size (no extra choice).
    const std::size_t at = frame.size() / 2;
    frame[at] ^= std::byte{0x10};
    if (w_->tracing()) w_->emit("transport.tamper", id_, {{"conn", conn}, {"byte", at}});
  }
  co_await buses_[conn]->send(to, static_cast<std::uint32_t>(conn), std::move(frame));
}

}  // namespace ipcsim::transport

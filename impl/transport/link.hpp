// The pipe: connections between the sender's machine and the storage server,
// each a pair of ports over one bus (connection k uses the k-th bus given, in
// turn). The ports are shared by all connections of one side (a frame says
// which connection it came on), so each side has one inbox to wait on.
//
// Tampering: with probability tamper_ppm per frame (a fault point, so check
// and fuzz explore it and the shrinker removes it), one bit of the frame is
// flipped on its way; the record "transport.tamper" says which. The sim kernel's
// buses never corrupt: the point is the pipe's own, asked as FaultTamper
// ("tamper" in choice lists and counterexample files).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/bus.hpp"
#include "sim/port.hpp"
#include "sim/task.hpp"
#include "sim/world.hpp"

namespace ipcsim::transport {

class Pipe {
 public:
  Pipe(sim::World& w, std::vector<sim::Bus*> connections, sim::Port& client_inbox, sim::Port& server_inbox,
       std::uint32_t tamper_ppm);
  std::size_t connections() const { return buses_.size(); }
  sim::Bus& bus(std::size_t conn) const { return *buses_[conn]; }
  sim::Port& client_inbox() const { return *client_; }
  sim::Port& server_inbox() const { return *server_; }
  // Sends on connection `conn`; returns once the frame is on its way.
  sim::Task<> to_server(std::size_t conn, std::vector<std::byte> frame) { return send(conn, *server_, std::move(frame)); }
  sim::Task<> to_client(std::size_t conn, std::vector<std::byte> frame) { return send(conn, *client_, std::move(frame)); }
  // How long the frame occupies its connection (the write until its completion).
  sim::Duration write_time(std::size_t conn, std::size_t bytes) const;
  // Bytes of every frame sent toward the server, retries included (for link utilisation).
  std::uint64_t bytes_to_server() const { return bytes_to_server_; }

 private:
  sim::Task<> send(std::size_t conn, sim::Port& to, std::vector<std::byte> frame);
  sim::World* w_;
  std::vector<sim::Bus*> buses_;
  sim::Port* client_;
  sim::Port* server_;
  std::uint32_t tamper_ppm_;
  std::uint64_t bytes_to_server_ = 0;
  sim::ObjectId id_;
};

}  // namespace ipcsim::transport

// The transfer workload: data sources on one machine send their messages
// through one engine and one pipe to a storage server on another.
//
// Each source is an application actor with one session: it creates the
// session (CSession::Init's parameters), waits for it on its completion
// queue, submits its messages (on "queue full" it waits for a completion and
// submits the same message again: the seed's Message 3), waits until each
// message has completed, then closes. The storage application accepts
// sessions and takes messages in order, optionally slowly (take_delay: the
// receiver that stalls with window 0). A crash of the server's CPU loses its
// volatile state; its boot hook starts its actors again (a new incarnation),
// and the sessions recover through a new handshake.
//
// Boundary records the monitors read (model/transport): transport.app.submit
// (a message accepted, with its digest), transport.app.completion (what the
// source was told), transport.app.deliver (what the storage application took,
// with the digest of the bytes it got), transport.pending (end of run: what
// the engine still holds).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "impl/transport/client_engine.hpp"
#include "impl/transport/server_engine.hpp"

namespace ipcsim::transport {

struct TransferParams {
  std::uint32_t sources = 1;
  std::uint32_t sessions_per_source = 1;  // each a thread of the source with its own session, one principal
  std::uint32_t messages = 4;             // per session
  std::uint64_t message_bytes = 1024;
  std::uint64_t output_queue_bytes = 2048;
  std::uint64_t input_queue_bytes = 4096;
  sim::Duration take_delay{0};            // the storage app's pause before each take
  sim::Duration submit_interval{0};       // a source's pause after each accepted message (a slow producer)
  std::uint32_t tamper_ppm = 0;           // per frame
  bool impostor = false;                  // the last source signs with a key the server does not share
  bool encrypt = false;                   // every session seals its messages
  EngineConfig engine{};
};

struct TransferCounters {
  std::uint64_t submitted = 0;
  std::uint64_t queue_full = 0;
  std::uint64_t completed_ok = 0;
  std::uint64_t failed = 0;
  std::uint64_t delivered = 0;
  std::uint64_t refused_sessions = 0;
  std::uint64_t closed_sessions = 0;
};

class Transfer {
 public:
  // `connections`: the bus of each connection of the pipe.
  Transfer(sim::World& w, sim::Cpu& client, sim::Cpu& server, std::vector<sim::Bus*> connections, TransferParams p);
  ~Transfer();
  void start();
  const TransferCounters& counters() const { return counters_; }
  // When the last source finished, and the bytes the engine put on the links
  // toward the server.
  sim::Instant finished_at() const { return finished_at_; }
  std::uint64_t wire_bytes() const { return pipe_->bytes_to_server(); }
  std::uint64_t digest() const;

 private:
  // One session of a source: `slot` = source index * sessions_per_source + j;
  // its session number is slot + 1.
  sim::Task<> source(sim::Ctx cx, std::uint32_t slot);
  std::uint32_t slots() const { return p_.sources * p_.sessions_per_source; }
  std::string slot_name(std::uint32_t slot) const;
  sim::Task<> storage(sim::Ctx cx);
  void start_server();
  void start_sources();

  sim::World* w_;
  sim::Cpu* client_;
  sim::Cpu* server_;
  TransferParams p_;
  Keyring keys_;
  DurableStore disk_;
  std::unique_ptr<Pipe> pipe_;
  std::unique_ptr<ClientEngine> engine_;
  std::unique_ptr<ServerEngine> server_engine_;
  std::vector<std::unique_ptr<CompletionQueue>> cqs_;
  std::vector<std::unique_ptr<CompletionQueue>> old_cqs_;  // a crashed incarnation's (kernel objects outlive it)
  std::uint32_t client_incarnation_ = 1;
  TransferCounters counters_;
  sim::Instant finished_at_{};
  std::uint32_t running_ = 0;
  void source_done();
};

}  // namespace ipcsim::transport

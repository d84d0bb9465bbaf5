// The storage server's side of the engine: it authenticates sessions, keeps
// each session's input queue (bounded in bytes, by the length the sender gave
// at SYNC), acknowledges every message with the window it can still take, and
// hands messages to the storage application in sequence order.
//
// Durable: what the storage took survives a crash (DurableStore, the disk);
// everything else is volatile and gone when the server's CPU crashes. On
// restart a new incarnation starts with no sessions: a sender's DATA gets a
// RESET, it handshakes again, and SYNC_ACK tells it from where to resume.
//
// The receiver trusts the window it advertised: it stores whatever arrives
// (a real receiver's preallocated buffer would be overrun), so a sender that
// ignores the window overflows the queue, which model/transport's
// receiver_bound monitor sees.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "impl/transport/completion_queue.hpp"
#include "impl/transport/config.hpp"
#include "impl/transport/crypto.hpp"
#include "impl/transport/link.hpp"
#include "impl/transport/session_state.hpp"
#include "impl/transport/wire.hpp"
#include "sim/world.hpp"

namespace ipcsim::transport {

// What the storage took, per session: the highest sequence number stored.
struct DurableStore {
  std::map<std::uint32_t, std::uint64_t> stored;
};

class ServerEngine {
 public:
  // `principals`: the names the server knows, by the index frames carry.
  ServerEngine(sim::World& w, sim::Cpu& cpu, Pipe& pipe, const Keyring& keys, std::vector<std::string> principals,
               DurableStore& disk, Bugs bugs);
  ServerEngine(const ServerEngine&) = delete;
  ServerEngine& operator=(const ServerEngine&) = delete;

  // Spawns the receiver (a daemon). Called again by the workload after a
  // restart, once reset() has dropped the volatile state.
  void start();
  void reset();
  // SessionRequest and DataArrived completions for the storage application.
  CompletionQueue& completions() { return *cq_; }
  // Accepts a requested session: SYNC_ACK goes back, the session is ready.
  sim::Task<> accept(std::uint32_t session);
  // The session's next message in sequence, if it has arrived.
  sim::Task<std::optional<std::vector<std::byte>>> take(std::uint32_t session);
  // Tells the sender the window now (after takes: the seed's WndSize=1 ACK).
  sim::Task<> window_update(std::uint32_t session);

  std::uint64_t digest() const;

 private:
  struct Session {
    std::uint32_t id = 0;
    std::uint16_t principal = 0;
    bool sealed = false;            // its messages arrive encrypted
    SessionState state = SessionState::Null;
    std::uint64_t limit = 0;        // input queue length in bytes
    std::uint64_t max_message = 1;  // the window's unit
    std::map<std::uint64_t, std::vector<std::byte>> in;  // by sequence number
    std::uint64_t in_bytes = 0;
    std::uint64_t ack_no = 0;
    std::size_t conn = 0;           // where to answer
  };

  sim::Task<> receiver();
  sim::Task<> on_frame(const Frame& f, std::size_t conn);
  sim::Task<> reply(std::size_t conn, std::uint16_t principal, Frame f);
  sim::Task<> ack(Session& s, std::uint64_t seq);
  std::uint32_t window(const Session& s) const;
  std::uint64_t stored(std::uint32_t session) const;
  void set_state(Session& s, SessionState to);
  Session* find(std::uint32_t id);
  void touch() { w_->touch(id_, sim::AccessMode::Write); }

  sim::World* w_;
  sim::Cpu* cpu_;
  Pipe* pipe_;
  std::vector<std::string> principals_;
  std::vector<Key> keys_;
  std::vector<Key> seal_keys_;
  DurableStore* disk_;
  Bugs bugs_;
  sim::ObjectId id_;
  std::map<std::uint32_t, Session> sessions_;
  std::unique_ptr<CompletionQueue> cq_;
  std::vector<std::unique_ptr<CompletionQueue>> old_cqs_;  // earlier incarnations' (kernel objects outlive the run)
  std::uint32_t incarnation_ = 1;
};

}  // namespace ipcsim::transport

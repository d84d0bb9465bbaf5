// The sender's communication engine (seed 004): sessions with bounded output
// queues, one dispatcher per connection of the pipe, and a receiver for what
// the storage server sends back.
//
// Whole messages are the unit. A dispatcher takes the next piece of work of
// any session (round robin: several sessions share a connection, one session
// uses every free connection), writes it, and holds its connection for the
// write's duration (the completion port's "message has left"). Departure is
// not delivery: a message stays in its session's output queue until the
// server says its storage took it (the ACK's `stored`); the ACK of receipt
// stops the retransmission timer, and its window (in messages of the
// session's largest size) limits how many may be on their way unacknowledged.
// A message not acknowledged within the timeout is sent again (the same
// sequence number: the receiver drops copies), at most max_retries times,
// then reported failed to its session. A message the server holds but has not
// stored is probed for on the same timer, so a lost window update (WndSize=1)
// cannot leave both ends waiting.
//
//   ClientEngine e(w, cpu, pipe, cfg);   e.start();
//   co_await e.create_session(1, params, key, principal, max_message, cq);
//   SubmitResult r = co_await e.submit(1, bytes, /*user=*/0);
#pragma once

#include <cstdint>
#include <deque>
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
#include "sim/semaphore.hpp"
#include "sim/world.hpp"

namespace ipcsim::transport {

enum class SubmitResult : std::uint8_t { Accepted, QueueFull, TooLarge, NotReady, Closed };
const char* to_string(SubmitResult r);

class ClientEngine {
 public:
  ClientEngine(sim::World& w, sim::Cpu& cpu, Pipe& pipe, EngineConfig config);
  ClientEngine(const ClientEngine&) = delete;
  ClientEngine& operator=(const ClientEngine&) = delete;
  ~ClientEngine();

  // Spawns the dispatchers (one per connection) and the receiver, as daemons.
  // Called again after a crash of the sender's CPU, once reset() has dropped
  // the volatile state (sessions, output queues).
  void start();
  void reset();
  // CreateSession: returns at once; SessionReady or SessionRefused arrives on `cq`.
  // `principal` is the server's index of the principal whose `key` signs.
  // `seal_key` encrypts the messages when params.encrypt asks for it.
  sim::Task<> create_session(std::uint32_t session, SessionParams params, Key key, Key seal_key,
                             std::uint16_t principal, std::uint64_t max_message, CompletionQueue& cq);
  // Queues a whole message; QueueFull leaves everything as it was.
  sim::Task<SubmitResult> submit(std::uint32_t session, std::vector<std::byte> body, std::uint64_t user);
  // Closes once every queued message has completed; SessionClosed on the queue.
  sim::Task<> close(std::uint32_t session);
  // Broken variant edge_triggered_space only: waits for the next notice that
  // some session's output queue has space. Edge-triggered, a literal reading
  // of the seed's "confirmation that space in queue has opened": a notice
  // given while nobody waits is lost. (The correct source waits on its
  // completion queue instead, which counts.)
  sim::Task<> space_notice();

  SessionState state(std::uint32_t session) const;
  // The highest sequence number the storage took, as the last SYNC_ACK or ACK
  // said: where a restarted source resumes (message index = seqno - 1).
  std::uint64_t stored(std::uint32_t session) const;
  std::uint64_t queued_bytes(std::uint32_t session) const;
  // Digest of the engine's books (sessions, queues), for distinct final states.
  std::uint64_t digest() const;

 private:
  enum class MsgState : std::uint8_t { Queued, Sending, InFlight, Received };
  struct OutMessage {
    std::uint64_t seq = 0;
    std::uint64_t user = 0;
    std::vector<std::byte> body;
    MsgState st = MsgState::Queued;
    std::uint32_t attempts = 0;
    sim::Instant deadline = sim::kTimeNever;
    // Broken variant retire_during_write: reported failed and its space freed
    // while its write went on; the entry stays only because the write still
    // uses its bytes.
    bool retired = false;
  };
  struct Session {
    std::uint32_t id = 0;
    SessionParams params;
    Key key{};
    Key seal_key{};
    std::uint16_t principal = 0;
    std::uint64_t max_message = 0;
    CompletionQueue* cq = nullptr;
    SessionState state = SessionState::Null;
    std::deque<OutMessage> out;
    std::uint64_t out_bytes = 0;
    std::uint64_t next_seq = 1;
    std::uint32_t window = 0;
    std::uint64_t last_ack_no = 0;
    std::uint64_t stored = 0;
    bool ready_once = false;
    bool closing = false;
    bool probe_owed = false;
    std::uint32_t control_attempts = 0;  // SYNC or FIN sent this many times
    sim::Instant control_deadline = sim::kTimeNever;
  };
  enum class WorkKind : std::uint8_t { Sync, Fin, Probe, Data };
  struct Work {
    WorkKind kind;
    std::uint32_t session;
    std::uint64_t seq = 0;
  };

  sim::Task<> dispatcher(sim::Ctx cx, std::size_t conn);
  sim::Task<> receiver();
  std::optional<Work> pick();
  Frame frame_for(const Session& s, const Work& w, std::size_t conn) const;
  void after_write_started(const Work& w);
  sim::Task<> write_complete(const Work& w);
  sim::Task<> on_frame(Session& s, const Frame& f);
  sim::Task<> handle_timeouts();
  std::optional<sim::Instant> next_deadline() const;
  sim::Task<> retire_stored(Session& s);
  sim::Task<> fail_message(Session& s, std::size_t index, const char* why);
  sim::Task<> fail_session(Session& s);
  sim::Task<> wake_dispatchers();
  sim::Task<> notify_space();
  sim::Task<> retire_while_writing(Session& s, OutMessage& m);
  void maybe_close(Session& s);
  void set_state(Session& s, SessionState to);
  void requeue_unstored(Session& s);
  std::uint32_t in_flight(const Session& s) const;
  Session* find(std::uint32_t id);
  const Session* find(std::uint32_t id) const;
  void touch() { w_->touch(id_, sim::AccessMode::Write); }
  void inventory();

  sim::World* w_;
  sim::Cpu* cpu_;
  Pipe* pipe_;
  EngineConfig cfg_;
  sim::ObjectId id_;
  sim::Semaphore work_;
  std::unique_ptr<sim::Semaphore> space_;  // edge_triggered_space only (no object otherwise: traces unchanged)
  std::deque<Session> sessions_;  // stable references across suspensions
  std::size_t cursor_ = 0;  // round robin over sessions
  std::uint64_t end_hook_ = 0;
  std::uint32_t incarnation_ = 1;
};

// The bytes a source puts in message `index` of `session` (its identity in the
// first 8 bytes, then a pattern), and the digest the applications record.
std::vector<std::byte> make_message(std::uint32_t session, std::uint32_t index, std::size_t bytes, std::uint64_t seed);
std::uint64_t digest_of(const std::vector<std::byte>& body);
// The message index a body carries (make_message's layout); nullopt when too short.
std::optional<std::uint32_t> message_index(const std::vector<std::byte>& body);

}  // namespace ipcsim::transport

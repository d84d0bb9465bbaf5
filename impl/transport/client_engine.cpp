#include "impl/transport/client_engine.hpp"

#include <algorithm>

#include "sim/state_hash.hpp"

namespace ipcsim::transport {
namespace {
// By WorkKind: the frame a piece of work writes.
constexpr const char* kWorkFrame[] = {"SYNC", "FIN", "PROBE", "DATA"};
}  // namespace

const char* to_string(SubmitResult r) {
  switch (r) {
    case SubmitResult::Accepted: return "accepted";
    case SubmitResult::QueueFull: return "queue_full";
    case SubmitResult::TooLarge: return "too_large";
    case SubmitResult::NotReady: return "not_ready";
    case SubmitResult::Closed: return "closed";
  }
  return "?";
}

const char* to_string(CompletionKind k) {
  switch (k) {
    case CompletionKind::SessionReady: return "session_ready";
    case CompletionKind::SessionRefused: return "session_refused";
    case CompletionKind::SessionClosed: return "session_closed";
    case CompletionKind::MessageDone: return "message_done";
    case CompletionKind::SessionRequest: return "session_request";
    case CompletionKind::DataArrived: return "data_arrived";
  }
  return "?";
}

const char* to_string(CompletionStatus s) { return s == CompletionStatus::Ok ? "ok" : "failed"; }

ClientEngine::ClientEngine(sim::World& w, sim::Cpu& cpu, Pipe& pipe, EngineConfig config)
    : w_(&w), cpu_(&cpu), pipe_(&pipe), cfg_(config), id_(w.register_object("transport.engine", "engine")),
      work_(w, "engine.work", 0) {
  end_hook_ = w.add_end_hook([this] { inventory(); });
  if (cfg_.bugs.edge_triggered_space) space_ = std::make_unique<sim::Semaphore>(w, "engine.space", 0);
}

ClientEngine::~ClientEngine() { w_->remove_end_hook(end_hook_); }

void ClientEngine::start() {
  for (std::size_t k = 0; k < pipe_->connections(); ++k) {
    w_->spawn(*cpu_, "dispatcher" + std::to_string(k), [this, k](sim::Ctx cx) { return dispatcher(cx, k); },
              {.daemon = true});
  }
  w_->spawn(*cpu_, "engine.rx", [this](sim::Ctx) { return receiver(); }, {.daemon = true});
}

void ClientEngine::reset() {
  sessions_.clear();
  cursor_ = 0;
  ++incarnation_;
  if (w_->tracing()) w_->emit("transport.engine.reset", id_, {{"incarnation", incarnation_}});
}

std::uint64_t ClientEngine::stored(std::uint32_t session) const {
  const Session* s = find(session);
  return s == nullptr ? 0 : s->stored;
}

ClientEngine::Session* ClientEngine::find(std::uint32_t id) {
  for (auto& s : sessions_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}
const ClientEngine::Session* ClientEngine::find(std::uint32_t id) const {
  for (const auto& s : sessions_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

SessionState ClientEngine::state(std::uint32_t session) const {
  const Session* s = find(session);
  return s == nullptr ? SessionState::Null : s->state;
}

std::uint64_t ClientEngine::queued_bytes(std::uint32_t session) const {
  const Session* s = find(session);
  return s == nullptr ? 0 : s->out_bytes;
}

void ClientEngine::set_state(Session& s, SessionState to) {
  if (s.state == to) return;
  if (w_->tracing()) {
    w_->emit("transport.session.state", id_,
             {{"to", to_string(to)}, {"from", to_string(s.state)}, {"session", s.id}, {"side", "sender"}});
  }
  s.state = to;
}

sim::Task<> ClientEngine::create_session(std::uint32_t session, SessionParams params, Key key, Key seal_key,
                                         std::uint16_t principal, std::uint64_t max_message, CompletionQueue& cq) {
  touch();
  Session& s = sessions_.emplace_back();
  s.id = session;
  s.params = std::move(params);
  s.key = key;
  s.seal_key = seal_key;
  s.principal = principal;
  s.max_message = max_message;
  s.cq = &cq;
  if (w_->tracing()) {
    w_->emit("transport.session.create", id_,
             {{"session", session}, {"address", s.params.address}, {"port", s.params.port},
              {"principal", s.params.principal}, {"output_queue", s.params.output_queue_bytes},
              {"input_queue", s.params.input_queue_bytes}, {"context_bytes", s.params.context.size()},
              {"encrypt", s.params.encrypt}});
  }
  set_state(s, SessionState::SendSync);
  co_await wake_dispatchers();
}

sim::Task<SubmitResult> ClientEngine::submit(std::uint32_t session, std::vector<std::byte> body, std::uint64_t user) {
  touch();
  Session* s = find(session);
  SubmitResult r = SubmitResult::Accepted;
  if (s == nullptr || (!s->ready_once && !cfg_.bugs.data_before_ready)) {
    r = SubmitResult::NotReady;  // early use of a session: refused, never sent
  } else if (s->closing || s->state == SessionState::SessionClosed) {
    r = SubmitResult::Closed;
  } else if (body.size() > s->params.output_queue_bytes || body.size() > s->max_message) {
    r = SubmitResult::TooLarge;  // could never fit: refusing beats a source retrying forever
  } else if (s->out_bytes + body.size() > s->params.output_queue_bytes) {
    r = SubmitResult::QueueFull;
  }
  if (r != SubmitResult::Accepted) {
    if (w_->tracing()) {
      w_->emit("transport.queue.refuse", id_,
               {{"session", session}, {"user", user}, {"bytes", body.size()}, {"result", to_string(r)},
                {"queued", s == nullptr ? 0 : s->out_bytes},
                {"limit", s == nullptr ? 0 : s->params.output_queue_bytes}});
    }
    co_return r;
  }
  OutMessage& m = s->out.emplace_back();
  m.seq = s->next_seq++;
  m.user = user;
  m.body = std::move(body);
  s->out_bytes += m.body.size();
  if (w_->tracing()) {
    w_->emit("transport.queue.accept", id_,
             {{"session", session}, {"seqno", m.seq}, {"user", user}, {"bytes", m.body.size()},
              {"queued", s->out_bytes}, {"limit", s->params.output_queue_bytes}});
  }
  co_await wake_dispatchers();
  co_return SubmitResult::Accepted;
}

sim::Task<> ClientEngine::close(std::uint32_t session) {
  touch();
  Session* s = find(session);
  if (s == nullptr) co_return;
  s->closing = true;
  maybe_close(*s);
  co_await wake_dispatchers();
}

sim::Task<> ClientEngine::space_notice() {
  touch();
  co_await space_->wait();
}

sim::Task<> ClientEngine::notify_space() {
  // Edge-triggered: only those waiting now are told (the broken variant's point).
  if (space_ == nullptr) co_return;
  if (const std::size_t n = space_->waiter_count(); n > 0) co_await space_->signal(n);
}

sim::Task<> ClientEngine::wake_dispatchers() {
  // Only dispatchers blocked for want of work need telling (each looks again
  // before it blocks, in the same step), and one at a time: a dispatcher that
  // finds work passes the word on to the next (a baton), so a pipe of 1000
  // connections does not wake 1000 dispatchers for each message.
  if (work_.waiter_count() > 0) co_await work_.signal(1);
}

void ClientEngine::maybe_close(Session& s) {
  if (s.closing && s.out.empty() && s.state == SessionState::SessionReady) set_state(s, SessionState::AppCloseSession);
}

std::uint32_t ClientEngine::in_flight(const Session& s) const {
  std::uint32_t n = 0;
  for (const auto& m : s.out) n += (m.st == MsgState::Sending || m.st == MsgState::InFlight) ? 1 : 0;
  return n;
}

std::optional<ClientEngine::Work> ClientEngine::pick() {
  const std::size_t n = sessions_.size();
  // Control frames first: a handshake, a close, a probe.
  for (std::size_t i = 0; i < n; ++i) {
    Session& s = sessions_[(cursor_ + i) % n];
    if (s.state == SessionState::SendSync) {
      set_state(s, SessionState::SendingSync);
      return Work{WorkKind::Sync, s.id};
    }
    if (s.state == SessionState::AppCloseSession) {
      set_state(s, SessionState::SendingFin);
      return Work{WorkKind::Fin, s.id};
    }
    if (s.probe_owed && s.state == SessionState::SessionReady) {
      s.probe_owed = false;
      return Work{WorkKind::Probe, s.id};
    }
  }
  // Then data, one message per session in turn.
  for (std::size_t i = 0; i < n; ++i) {
    Session& s = sessions_[(cursor_ + i) % n];
    // Broken data_before_ready: a session whose handshake is under way takes
    // data too, with no window known yet.
    const bool handshaking = s.state == SessionState::SendingSync ||
                             s.state == SessionState::SessionWaitingForSyncComplete ||
                             s.state == SessionState::WaitingAck;
    const bool early = cfg_.bugs.data_before_ready && !s.ready_once && handshaking;
    if (s.state != SessionState::SessionReady && !early) continue;
    if (!early && !cfg_.bugs.ignore_window && in_flight(s) >= s.window) continue;  // window 0 stops the sender
    for (auto& m : s.out) {
      if (m.st != MsgState::Queued) continue;
      m.st = MsgState::Sending;
      if (cfg_.bugs.retire_during_write) m.deadline = w_->now() + cfg_.timeout;  // broken: armed at the write's start
      cursor_ = (cursor_ + i + 1) % n;
      return Work{WorkKind::Data, s.id, m.seq};
    }
  }
  return std::nullopt;
}

Frame ClientEngine::frame_for(const Session& s, const Work& w, std::size_t conn) const {
  Frame f;
  f.conn = static_cast<std::uint16_t>(conn);
  f.principal = s.principal;
  f.session = s.id;
  switch (w.kind) {
    case WorkKind::Sync:
      f.type = FrameType::Sync;
      f.seq = s.params.input_queue_bytes;  // SYNC: seq = input queue length, user = largest message,
      f.user = s.max_message;              // window = 1 when the session's messages are sealed
      f.window = s.params.encrypt ? 1 : 0;
      f.payload = s.params.context;
      break;
    case WorkKind::Fin: f.type = FrameType::Fin; break;
    case WorkKind::Probe: f.type = FrameType::Probe; break;
    case WorkKind::Data: {
      f.type = FrameType::Data;
      f.seq = w.seq;
      for (const auto& m : s.out) {
        if (m.seq == w.seq) {
          f.user = m.user;
          f.payload = s.params.encrypt ? seal(s.seal_key, s.id, m.seq, m.body) : m.body;
        }
      }
      break;
    }
  }
  return f;
}

sim::Task<> ClientEngine::dispatcher(sim::Ctx cx, std::size_t conn) {
  for (;;) {
    touch();
    co_await handle_timeouts();
    touch();
    const std::optional<Work> work = pick();
    if (!work) {
      if (auto d = next_deadline()) {
        co_await work_.wait_for(*d - w_->now());
      } else {
        co_await work_.wait();
      }
      continue;
    }
    Session& s = *find(work->session);
    const Frame f = frame_for(s, *work, conn);
    std::vector<std::byte> bytes = encode(f, s.key);
    const std::size_t size = bytes.size();
    if (w_->tracing()) {
      const OutMessage* m = nullptr;
      for (const auto& x : s.out) m = x.seq == work->seq && work->kind == WorkKind::Data ? &x : m;
      w_->emit("transport.send", id_,
               {{"session", s.id}, {"conn", conn}, {"frame", to_string(f.type)}, {"seqno", f.seq},
                {"user", f.user}, {"bytes", size}, {"attempt", m == nullptr ? 0 : m->attempts}});
    }
    // The baton (the frame is built, the work is ours): there may be more work
    // for another idle connection.
    if (work_.waiter_count() > 0) co_await work_.signal(1);
    co_await pipe_->to_server(conn, std::move(bytes));
    touch();
    after_write_started(*work);
    // Broken retire_during_write armed a timer at the write's start: the idle dispatchers watch it.
    if (cfg_.bugs.retire_during_write && work->kind == WorkKind::Data) co_await wake_dispatchers();
    co_await cx.sleep(pipe_->write_time(conn, size));  // the connection is busy until the write completes
    touch();
    co_await write_complete(*work);
    if (w_->tracing()) w_->emit("transport.conn.free", id_, {{"conn", conn}});
  }
}

void ClientEngine::after_write_started(const Work& w) {
  Session* s = find(w.session);
  if (w.kind == WorkKind::Sync && s->state == SessionState::SendingSync) {
    set_state(*s, SessionState::SessionWaitingForSyncComplete);
  }
}

sim::Task<> ClientEngine::write_complete(const Work& w) {
  Session& s = *find(w.session);
  const sim::Instant deadline = w_->now() + cfg_.timeout;
  if (w_->tracing()) {
    w_->emit("transport.write.complete", id_, {{"session", s.id}, {"seqno", w.seq}, {"frame", kWorkFrame[static_cast<int>(w.kind)]}});
  }
  switch (w.kind) {
    case WorkKind::Sync:
      if (s.state == SessionState::SessionWaitingForSyncComplete) {
        set_state(s, SessionState::WaitingAck);
        s.control_deadline = deadline;
      }
      break;
    case WorkKind::Fin:
      if (s.state == SessionState::SendingFin) s.control_deadline = deadline;
      break;
    case WorkKind::Probe: break;
    case WorkKind::Data:
      for (std::size_t i = 0; i < s.out.size(); ++i) {
        OutMessage& m = s.out[i];
        if (m.seq != w.seq || m.st != MsgState::Sending) continue;
        if (cfg_.bugs.departure_is_delivery) {
          // Broken: the write's completion taken for delivery.
          const std::uint64_t user = m.user;
          s.out_bytes -= m.body.size();
          s.out.erase(s.out.begin() + static_cast<std::ptrdiff_t>(i));
          if (w_->tracing()) {
            w_->emit("transport.complete", id_, {{"session", s.id}, {"seqno", w.seq}, {"user", user}, {"status", "ok"}});
          }
          co_await s.cq->post({CompletionKind::MessageDone, s.id, user, CompletionStatus::Ok});
          touch();
          co_await notify_space();
          maybe_close(s);
          co_await wake_dispatchers();
          co_return;
        }
        m.st = MsgState::InFlight;
        // (Broken retire_during_write: the timer armed at the write's start runs on; a
        // retired message has none left.)
        if (!cfg_.bugs.retire_during_write) m.deadline = deadline;
        if (m.retired) m.deadline = sim::kTimeNever;
        ++m.attempts;
        break;
      }
      break;
  }
  co_await wake_dispatchers();  // a connection is free: another dispatcher may be waiting for work it can take
}

std::optional<sim::Instant> ClientEngine::next_deadline() const {
  std::optional<sim::Instant> d;
  auto consider = [&](sim::Instant t) {
    if (t != sim::kTimeNever && (!d || t < *d)) d = t;
  };
  for (const auto& s : sessions_) {
    if (s.state == SessionState::WaitingAck || s.state == SessionState::SendingFin) consider(s.control_deadline);
    for (const auto& m : s.out) {
      const bool writing = cfg_.bugs.retire_during_write && m.st == MsgState::Sending && !m.retired;
      if (m.st == MsgState::InFlight || m.st == MsgState::Received || writing) consider(m.deadline);
    }
  }
  return d;
}

sim::Task<> ClientEngine::handle_timeouts() {
  const sim::Instant now = w_->now();
  for (auto& s : sessions_) {
    const bool control = s.state == SessionState::WaitingAck || s.state == SessionState::SendingFin;
    if (control && s.control_deadline <= now) {
      s.control_deadline = sim::kTimeNever;
      const bool fin = s.state == SessionState::SendingFin;
      if (w_->tracing()) {
        w_->emit("transport.timeout", id_,
                 {{"session", s.id}, {"frame", fin ? "FIN" : "SYNC"}, {"attempt", s.control_attempts + 1}});
      }
      if (++s.control_attempts > cfg_.max_retries) {
        co_await fail_session(s);
        touch();
      } else {
        set_state(s, fin ? SessionState::AppCloseSession : SessionState::SendSync);
      }
      continue;
    }
    for (std::size_t i = 0; i < s.out.size();) {
      OutMessage& m = s.out[i];
      if (cfg_.bugs.retire_during_write && m.st == MsgState::Sending && !m.retired && m.deadline <= now) {
        co_await retire_while_writing(s, m);  // broken: taken out of the queue mid-write
        touch();
        ++i;
        continue;
      }
      if ((m.st != MsgState::InFlight && m.st != MsgState::Received) || m.deadline > now) {
        ++i;
        continue;
      }
      const bool held = m.st == MsgState::Received;
      if (w_->tracing()) {
        w_->emit("transport.timeout", id_,
                 {{"session", s.id}, {"frame", held ? "PROBE" : "DATA"}, {"seqno", m.seq}, {"user", m.user},
                  {"attempt", m.attempts}});
      }
      if (m.attempts > cfg_.max_retries) {
        co_await fail_message(s, i, held ? "no answer to probes" : "not acknowledged");
        touch();
        continue;  // the message at i is gone
      }
      if (held) {
        ++m.attempts;
        m.deadline = now + cfg_.timeout;
        s.probe_owed = true;
      } else {
        m.st = MsgState::Queued;
        m.deadline = sim::kTimeNever;
        if (cfg_.bugs.retry_new_seq) m.seq = s.next_seq++;  // broken: the retry is a new message
      }
      ++i;
    }
  }
}

sim::Task<> ClientEngine::retire_while_writing(Session& s, OutMessage& m) {
  m.retired = true;
  m.deadline = sim::kTimeNever;
  s.out_bytes -= m.body.size();  // its space is free for the next message, though the write still reads it
  const std::uint64_t seq = m.seq;
  const std::uint64_t user = m.user;
  if (w_->tracing()) {
    w_->emit("transport.timeout", id_,
             {{"session", s.id}, {"frame", "DATA"}, {"seqno", seq}, {"user", user}, {"attempt", m.attempts}});
    w_->emit("transport.complete", id_,
             {{"session", s.id}, {"seqno", seq}, {"user", user}, {"status", "failed"},
              {"why", "timed out during its write"}});
  }
  co_await s.cq->post({CompletionKind::MessageDone, s.id, user, CompletionStatus::Failed});
  touch();
  co_await notify_space();
  co_await wake_dispatchers();
}

sim::Task<> ClientEngine::fail_message(Session& s, std::size_t index, const char* why) {
  const OutMessage m = std::move(s.out[index]);
  s.out.erase(s.out.begin() + static_cast<std::ptrdiff_t>(index));
  if (!m.retired) s.out_bytes -= m.body.size();
  if (cfg_.bugs.timeout_forgets) {
    // Broken: removed, and nobody is told.
    if (w_->tracing()) w_->emit("transport.forget", id_, {{"session", s.id}, {"seqno", m.seq}, {"user", m.user}});
  } else {
    if (w_->tracing()) {
      w_->emit("transport.complete", id_,
               {{"session", s.id}, {"seqno", m.seq}, {"user", m.user}, {"status", "failed"}, {"why", why}});
    }
    co_await s.cq->post({CompletionKind::MessageDone, s.id, m.user, CompletionStatus::Failed});
  }
  touch();
  co_await notify_space();
  maybe_close(s);
  co_await wake_dispatchers();  // space opened
}

sim::Task<> ClientEngine::fail_session(Session& s) {
  const bool was_closing = s.state == SessionState::SendingFin;
  set_state(s, SessionState::SessionClosed);
  while (!s.out.empty()) co_await fail_message(s, 0, "session failed");
  if (was_closing) {
    co_await s.cq->post({CompletionKind::SessionClosed, s.id, 0, CompletionStatus::Failed});
  } else if (!s.ready_once) {
    co_await s.cq->post({CompletionKind::SessionRefused, s.id, 0, CompletionStatus::Failed});
  } else {
    co_await s.cq->post({CompletionKind::SessionClosed, s.id, 0, CompletionStatus::Failed});
  }
}

void ClientEngine::requeue_unstored(Session& s) {
  for (auto& m : s.out) {
    if (m.st == MsgState::Sending) continue;  // its dispatcher finishes the write first
    m.st = MsgState::Queued;
    m.attempts = 0;
    m.deadline = sim::kTimeNever;
  }
}

sim::Task<> ClientEngine::retire_stored(Session& s) {
  for (std::size_t i = 0; i < s.out.size();) {
    OutMessage& m = s.out[i];
    if (m.seq > s.stored || m.st == MsgState::Sending) {
      ++i;
      continue;
    }
    const std::uint64_t user = m.user;
    const std::uint64_t seq = m.seq;
    if (!m.retired) s.out_bytes -= m.body.size();  // (a retired one's space was freed already)
    s.out.erase(s.out.begin() + static_cast<std::ptrdiff_t>(i));
    if (w_->tracing()) w_->emit("transport.complete", id_, {{"session", s.id}, {"seqno", seq}, {"user", user}, {"status", "ok"}});
    co_await s.cq->post({CompletionKind::MessageDone, s.id, user, CompletionStatus::Ok});
    touch();
    co_await notify_space();
  }
  maybe_close(s);
}

sim::Task<> ClientEngine::receiver() {
  for (;;) {
    sim::Message msg = co_await pipe_->client_inbox().recv();
    touch();
    const std::optional<Frame> f = peek(msg.body);
    Session* s = f ? find(f->session) : nullptr;
    if (s == nullptr || !authentic(msg.body, s->key)) {
      if (w_->tracing()) w_->emit("transport.reject", id_, {{"side", "sender"}, {"msg", msg.id}, {"reason", "bad frame or signature"}});
      continue;
    }
    co_await on_frame(*s, *f);
  }
}

sim::Task<> ClientEngine::on_frame(Session& s, const Frame& f) {
  if (w_->tracing()) {
    w_->emit("transport.recv", id_,
             {{"session", s.id}, {"side", "sender"}, {"frame", to_string(f.type)}, {"seqno", f.seq},
              {"window", f.window}, {"stored", f.stored}, {"ack_no", f.ack_no}});
  }
  switch (f.type) {
    case FrameType::SyncAck:
      if (s.state == SessionState::WaitingAck || s.state == SessionState::SessionWaitingForSyncComplete ||
          s.state == SessionState::SendingSync) {
        s.window = f.window;
        s.last_ack_no = f.ack_no;
        s.stored = std::max(s.stored, f.stored);
        // A session opened again after the sender's restart numbers on from
        // what the storage took (the server drops lower numbers as copies).
        if (!s.ready_once && s.out.empty() && s.next_seq <= s.stored) s.next_seq = s.stored + 1;
        s.control_attempts = 0;
        s.control_deadline = sim::kTimeNever;
        requeue_unstored(s);  // a restarted server holds nothing we sent before
        set_state(s, SessionState::SessionReady);
        if (!s.ready_once) {
          s.ready_once = true;
          co_await s.cq->post({CompletionKind::SessionReady, s.id, 0, CompletionStatus::Ok});
          touch();
        }
        co_await retire_stored(s);
      }
      break;
    case FrameType::Ack: {
      if (s.state != SessionState::SessionReady && s.state != SessionState::AppCloseSession) break;
      if (f.ack_no > s.last_ack_no) {  // an older ACK's window is stale
        s.last_ack_no = f.ack_no;
        s.window = f.window;
      }
      const sim::Instant deadline = w_->now() + cfg_.timeout;
      for (auto& m : s.out) {
        // Held by the server: probed for at the deadline (broken no_probe: never).
        const sim::Instant held_until = cfg_.bugs.no_probe ? sim::kTimeNever : deadline;
        if (m.seq == f.seq && f.seq != 0 && (m.st == MsgState::InFlight || m.st == MsgState::Sending)) {
          m.st = MsgState::Received;
          m.attempts = 1;
          m.deadline = held_until;
        } else if (m.st == MsgState::Received) {
          m.attempts = 1;  // the server answers: it is alive, only slow
          m.deadline = held_until;
        }
      }
      s.stored = std::max(s.stored, f.stored);
      co_await retire_stored(s);
      break;
    }
    case FrameType::Reset:
      if (s.state == SessionState::SessionReady || s.state == SessionState::WaitingAck) {
        requeue_unstored(s);
        set_state(s, SessionState::SendSync);  // the server restarted: handshake again
      }
      break;
    case FrameType::FinAck:
      if (s.state == SessionState::SendingFin) {
        set_state(s, SessionState::SessionClosed);
        co_await s.cq->post({CompletionKind::SessionClosed, s.id, 0, CompletionStatus::Ok});
      }
      break;
    default: break;
  }
  touch();
  co_await wake_dispatchers();
}

void ClientEngine::inventory() {
  if (!w_->tracing()) return;
  for (const auto& s : sessions_) {
    for (const auto& m : s.out) {
      w_->emit("transport.pending", id_, {{"session", s.id}, {"seqno", m.seq}, {"user", m.user}, {"bytes", m.body.size()}});
    }
  }
}

std::uint64_t ClientEngine::digest() const {
  sim::StateHash h;
  for (const auto& s : sessions_) {
    h.add(s.id);
    h.add(static_cast<std::uint64_t>(s.state));
    h.add(s.out_bytes);
    h.add(s.stored);
    h.add(s.window);
    for (const auto& m : s.out) {
      h.add(m.seq);
      h.add(static_cast<std::uint64_t>(m.st));
    }
  }
  return h.value();
}

std::vector<std::byte> make_message(std::uint32_t session, std::uint32_t index, std::size_t bytes, std::uint64_t seed) {
  std::vector<std::byte> b(std::max<std::size_t>(bytes, 8));
  for (int i = 0; i < 4; ++i) {
    b[i] = static_cast<std::byte>(session >> (8 * i));
    b[4 + i] = static_cast<std::byte>(index >> (8 * i));
  }
  std::uint64_t x = seed ^ (static_cast<std::uint64_t>(session) << 32) ^ index ^ 0x9E3779B97F4A7C15ULL;
  for (std::size_t i = 8; i < b.size(); ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    b[i] = static_cast<std::byte>(x >> 56);
  }
  return b;
}

std::uint64_t digest_of(const std::vector<std::byte>& body) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (std::byte c : body) h = (h ^ static_cast<std::uint64_t>(c)) * 1099511628211ULL;
  return h;
}

std::optional<std::uint32_t> message_index(const std::vector<std::byte>& body) {
  if (body.size() < 8) return std::nullopt;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(body[4 + i]) << (8 * i);
  return v;
}

}  // namespace ipcsim::transport

#include "impl/transport/server_engine.hpp"

#include "sim/state_hash.hpp"

namespace ipcsim::transport {

ServerEngine::ServerEngine(sim::World& w, sim::Cpu& cpu, Pipe& pipe, const Keyring& keys,
                           std::vector<std::string> principals, DurableStore& disk, Bugs bugs)
    : w_(&w), cpu_(&cpu), pipe_(&pipe), principals_(std::move(principals)), disk_(&disk), bugs_(bugs),
      id_(w.register_object("transport.server", "server")),
      cq_(std::make_unique<CompletionQueue>(w, "server.cq")) {
  for (const auto& p : principals_) {
    keys_.push_back(keys.key_for(p));
    seal_keys_.push_back(keys.seal_key_for(p));
  }
}

void ServerEngine::start() {
  w_->spawn(*cpu_, "server.rx", [this](sim::Ctx) { return receiver(); }, {.daemon = true});
}

void ServerEngine::reset() {
  sessions_.clear();
  old_cqs_.push_back(std::move(cq_));
  ++incarnation_;
  cq_ = std::make_unique<CompletionQueue>(*w_, "server.cq" + std::to_string(incarnation_));
  if (w_->tracing()) w_->emit("transport.server.reset", id_, {{"incarnation", incarnation_}});
}

ServerEngine::Session* ServerEngine::find(std::uint32_t id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

std::uint64_t ServerEngine::stored(std::uint32_t session) const {
  auto it = disk_->stored.find(session);
  return it == disk_->stored.end() ? 0 : it->second;
}

std::uint32_t ServerEngine::window(const Session& s) const {
  if (s.in_bytes >= s.limit) return 0;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>((s.limit - s.in_bytes) / s.max_message, UINT32_MAX));
}

void ServerEngine::set_state(Session& s, SessionState to) {
  if (s.state == to) return;
  if (w_->tracing()) {
    w_->emit("transport.session.state", id_,
             {{"to", to_string(to)}, {"from", to_string(s.state)}, {"session", s.id}, {"side", "receiver"}});
  }
  s.state = to;
}

sim::Task<> ServerEngine::reply(std::size_t conn, std::uint16_t principal, Frame f) {
  f.conn = static_cast<std::uint16_t>(conn);
  f.principal = principal;
  if (w_->tracing()) {
    w_->emit("transport.reply", id_,
             {{"session", f.session}, {"conn", conn}, {"frame", to_string(f.type)}, {"seqno", f.seq},
              {"window", f.window}, {"stored", f.stored}, {"ack_no", f.ack_no}});
  }
  co_await pipe_->to_client(conn, encode(f, keys_[principal]));
}

sim::Task<> ServerEngine::ack(Session& s, std::uint64_t seq) {
  Frame f;
  f.type = FrameType::Ack;
  f.session = s.id;
  f.seq = seq;
  f.window = window(s);
  f.stored = stored(s.id);
  f.ack_no = ++s.ack_no;
  co_await reply(s.conn, s.principal, std::move(f));
}

sim::Task<> ServerEngine::receiver() {
  for (;;) {
    sim::Message msg = co_await pipe_->server_inbox().recv();
    touch();
    const std::optional<Frame> f = peek(msg.body);
    const char* reason = nullptr;
    if (!f) {
      reason = "not a frame";
    } else if (f->principal >= keys_.size()) {
      reason = "unknown principal";  // unauthenticated: never joins the pipe
    } else if (!bugs_.skip_verify && !authentic(msg.body, keys_[f->principal])) {
      reason = "bad signature";
    }
    if (reason != nullptr) {
      if (w_->tracing()) {
        w_->emit("transport.reject", id_,
                 {{"side", "receiver"}, {"msg", msg.id}, {"session", f ? f->session : 0}, {"reason", reason}});
      }
      continue;
    }
    co_await on_frame(*f, msg.tag < pipe_->connections() ? msg.tag : 0);
  }
}

sim::Task<> ServerEngine::on_frame(const Frame& f, std::size_t conn) {
  if (w_->tracing()) {
    w_->emit("transport.recv", id_,
             {{"session", f.session}, {"side", "receiver"}, {"frame", to_string(f.type)}, {"seqno", f.seq},
              {"conn", conn}, {"bytes", f.payload.size()}});
  }
  Session* s = find(f.session);
  if (s != nullptr && s->principal != f.principal) {
    // Someone else's session: a principal may only speak for its own.
    if (w_->tracing()) w_->emit("transport.reject", id_, {{"side", "receiver"}, {"session", f.session}, {"reason", "wrong principal"}});
    co_return;
  }
  switch (f.type) {
    case FrameType::Sync:
      if (s != nullptr && s->state == SessionState::SessionReady) {
        s->conn = conn;
        Frame a{.type = FrameType::SyncAck, .session = s->id, .window = window(*s), .stored = stored(s->id),
                .ack_no = ++s->ack_no};
        co_await reply(conn, s->principal, std::move(a));  // our SYNC_ACK was lost: again
        co_return;
      }
      if (s != nullptr && s->state != SessionState::SessionClosed) co_return;  // the app has it already
      {
        Session fresh;
        fresh.id = f.session;
        fresh.principal = f.principal;
        fresh.sealed = f.window == 1;
        fresh.limit = f.seq;
        fresh.max_message = f.user == 0 ? 1 : f.user;
        fresh.conn = conn;
        sessions_[f.session] = std::move(fresh);
        Session& n = sessions_[f.session];
        if (w_->tracing()) {
          w_->emit("transport.session.request", id_,
                   {{"session", n.id}, {"principal", principals_[n.principal]}, {"input_queue", n.limit},
                    {"max_message", n.max_message}, {"context_bytes", f.payload.size()}, {"sealed", n.sealed}});
        }
        set_state(n, SessionState::WaitingForAcceptAck);
        co_await cq_->post({CompletionKind::SessionRequest, n.id, 0, CompletionStatus::Ok});
      }
      co_return;
    case FrameType::Data: {
      if (s == nullptr || s->state != SessionState::SessionReady) {
        Frame r{.type = FrameType::Reset, .session = f.session};
        co_await reply(conn, f.principal, std::move(r));
        co_return;
      }
      s->conn = conn;
      const std::uint64_t done = stored(s->id);
      if (f.seq <= done || s->in.count(f.seq) != 0) {
        if (w_->tracing()) w_->emit("transport.rx.duplicate", id_, {{"session", s->id}, {"seqno", f.seq}});
        co_await ack(*s, f.seq);
        co_return;
      }
      std::vector<std::byte> body = f.payload;
      if (s->sealed) {
        std::optional<std::vector<std::byte>> plain = open(seal_keys_[s->principal], s->id, f.seq, f.payload);
        if (!plain) {
          if (w_->tracing()) {
            w_->emit("transport.reject", id_, {{"side", "receiver"}, {"session", s->id}, {"reason", "cannot decrypt"}});
          }
          co_return;  // as if lost: the sender's timeout sends it again
        }
        body = std::move(*plain);
      }
      s->in_bytes += body.size();
      const std::size_t size = body.size();
      s->in.emplace(f.seq, std::move(body));
      if (w_->tracing()) {
        w_->emit("transport.rx.enqueue", id_,
                 {{"session", s->id}, {"seqno", f.seq}, {"bytes", size}, {"queued", s->in_bytes},
                  {"limit", s->limit}});
      }
      const bool next_in_order = f.seq == done + 1;
      co_await ack(*s, f.seq);
      touch();
      if (next_in_order) co_await cq_->post({CompletionKind::DataArrived, f.session, 0, CompletionStatus::Ok});
      co_return;
    }
    case FrameType::Probe:
      if (s == nullptr || s->state != SessionState::SessionReady) {
        Frame r{.type = FrameType::Reset, .session = f.session};
        co_await reply(conn, f.principal, std::move(r));
        co_return;
      }
      co_await ack(*s, 0);
      co_return;
    case FrameType::Fin:
      if (s != nullptr) set_state(*s, SessionState::SessionClosed);
      {
        Frame r{.type = FrameType::FinAck, .session = f.session};
        co_await reply(conn, f.principal, std::move(r));
      }
      co_return;
    default: co_return;
  }
}

sim::Task<> ServerEngine::accept(std::uint32_t session) {
  touch();
  Session* s = find(session);
  if (s == nullptr || s->state != SessionState::WaitingForAcceptAck) co_return;
  set_state(*s, SessionState::AppConfirmAcceptAck);
  if (w_->tracing()) {
    w_->emit("transport.session.accept", id_,
             {{"session", s->id}, {"principal", principals_[s->principal]}, {"input_queue", s->limit}});
  }
  set_state(*s, SessionState::SendingAppSessionAck);
  Frame a{.type = FrameType::SyncAck, .session = s->id, .window = window(*s), .stored = stored(s->id),
          .ack_no = ++s->ack_no};
  const std::size_t conn = s->conn;
  const std::uint16_t principal = s->principal;
  co_await reply(conn, principal, std::move(a));
  touch();
  s = find(session);
  if (s != nullptr && s->state == SessionState::SendingAppSessionAck) set_state(*s, SessionState::SessionReady);
}

sim::Task<std::optional<std::vector<std::byte>>> ServerEngine::take(std::uint32_t session) {
  touch();
  Session* s = find(session);
  if (s == nullptr || s->in.empty()) co_return std::nullopt;
  const std::uint64_t next = stored(session) + 1;
  auto it = s->in.begin();
  if (it->first != next) co_return std::nullopt;
  std::vector<std::byte> body = std::move(it->second);
  s->in.erase(it);
  s->in_bytes -= body.size();
  disk_->stored[session] = next;  // durable from here on
  if (w_->tracing()) {
    w_->emit("transport.rx.take", id_, {{"session", session}, {"seqno", next}, {"bytes", body.size()}, {"queued", s->in_bytes}});
  }
  co_return body;
}

sim::Task<> ServerEngine::window_update(std::uint32_t session) {
  touch();
  Session* s = find(session);
  if (s == nullptr || s->state != SessionState::SessionReady) co_return;
  co_await ack(*s, 0);
}

std::uint64_t ServerEngine::digest() const {
  sim::StateHash h;
  for (const auto& [id, s] : sessions_) {
    h.add(id);
    h.add(static_cast<std::uint64_t>(s.state));
    h.add(s.in_bytes);
    for (const auto& [seq, body] : s.in) h.add(seq);
  }
  for (const auto& [id, n] : disk_->stored) {
    h.add(id);
    h.add(n);
  }
  return h.value();
}

}  // namespace ipcsim::transport

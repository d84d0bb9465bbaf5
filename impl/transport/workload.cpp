#include "impl/transport/workload.hpp"

#include <algorithm>

#include "sim/port.hpp"
#include "sim/state_hash.hpp"

namespace ipcsim::transport {
namespace {

std::string source_principal(std::uint32_t index) { return "DLS_SOURCE_" + std::to_string(index + 1); }

}  // namespace

Transfer::Transfer(sim::World& w, sim::Cpu& client, sim::Cpu& server, std::vector<sim::Bus*> connections,
                   TransferParams p)
    : w_(&w), client_(&client), server_(&server), p_(p), keys_(w.seed()) {
  sim::Port& client_inbox = w.add_port(client, "engine.inbox", 4096);
  sim::Port& server_inbox = w.add_port(server, "server.inbox", 4096);
  pipe_ = std::make_unique<Pipe>(w, std::move(connections), client_inbox, server_inbox, p_.tamper_ppm);
  engine_ = std::make_unique<ClientEngine>(w, client, *pipe_, p_.engine);
  std::vector<std::string> known;
  for (std::uint32_t i = 0; i < p_.sources; ++i) known.push_back(source_principal(i));
  server_engine_ = std::make_unique<ServerEngine>(w, server, *pipe_, keys_, known, disk_, p_.engine.bugs);
  for (std::uint32_t i = 0; i < slots(); ++i) {
    cqs_.push_back(std::make_unique<CompletionQueue>(w, slot_name(i) + ".cq"));
  }
}

std::string Transfer::slot_name(std::uint32_t slot) const {
  const std::uint32_t k = p_.sessions_per_source;
  const std::string source = "source" + std::to_string(slot / k + 1);
  return k == 1 ? source : source + "." + std::to_string(slot % k + 1);
}

void Transfer::start_sources() {
  // The sources start once the engine and the server are up (1 us later):
  // set-up races are not what this workload studies, and each would cost a
  // search many runs.
  running_ = slots();
  if (client_incarnation_ > 1) {  // the crashed incarnation's queues hold what nobody will take
    for (auto& q : cqs_) old_cqs_.push_back(std::move(q));
    cqs_.clear();
    for (std::uint32_t i = 0; i < slots(); ++i) {
      const std::string name = slot_name(i) + ".cq#" + std::to_string(client_incarnation_);
      cqs_.push_back(std::make_unique<CompletionQueue>(*w_, name));
    }
  }
  w_->at(w_->now() + std::chrono::microseconds(1), [this] {
    for (std::uint32_t i = 0; i < slots(); ++i) {
      w_->spawn(*client_, slot_name(i), [this, i](sim::Ctx cx) { return source(cx, i); });
    }
  });
}

Transfer::~Transfer() { w_->shutdown(); }  // actors' frames refer to the engines

void Transfer::source_done() {
  if (--running_ == 0) finished_at_ = w_->now();
}

void Transfer::start() {
  engine_->start();
  start_sources();
  start_server();
  server_->on_boot([this](sim::Cpu&) {
    server_engine_->reset();
    start_server();
  });
  // A crash of the sources' machine loses the engine's sessions and queues;
  // on restart the engine and the sources start again, and each source opens
  // its session anew and resumes after what the storage took (SYNC_ACK).
  client_->on_boot([this](sim::Cpu&) {
    ++client_incarnation_;
    engine_->reset();
    engine_->start();
    start_sources();
  });
}

void Transfer::start_server() {
  server_engine_->start();
  w_->spawn(*server_, "storage", [this](sim::Ctx cx) { return storage(cx); }, {.daemon = true});
}

sim::Task<> Transfer::source(sim::Ctx cx, std::uint32_t slot) {
  sim::World& w = cx.world();
  const std::uint32_t session = slot + 1;
  const std::uint32_t index = slot / p_.sessions_per_source;  // the source, whose principal signs
  CompletionQueue& cq = *cqs_[slot];
  SessionParams params;
  params.principal = source_principal(index);
  params.output_queue_bytes = p_.output_queue_bytes;
  params.input_queue_bytes = p_.input_queue_bytes;
  params.encrypt = p_.encrypt;
  const std::string context = "GUID_REPLICA";
  for (char c : context) params.context.push_back(static_cast<std::byte>(c));
  const bool impostor = p_.impostor && index + 1 == p_.sources;
  // An impostor knows the principal's name, not the secret it is derived from.
  const Keyring ring = impostor ? Keyring(w.seed() ^ 0xBADC0FFEEULL) : keys_;
  const Key key = ring.key_for(params.principal);
  const Key seal_key = ring.seal_key_for(params.principal);
  co_await engine_->create_session(session, params, key, seal_key, static_cast<std::uint16_t>(index),
                                   p_.message_bytes, cq);
  const Bugs& bugs = p_.engine.bugs;
  // Broken data_before_ready: CreateSession "returned", so the source submits at
  // once and takes SessionReady later like any completion.
  if (!bugs.data_before_ready) {
    const Completion first = co_await cq.get();
    if (w.tracing()) w.emit("transport.app.session", 0, {{"session", session}, {"result", to_string(first.kind)}});
    if (first.kind != CompletionKind::SessionReady) {
      ++counters_.refused_sessions;
      source_done();
      co_return;
    }
  }
  std::uint32_t outstanding = 0;
  bool closed = false;
  auto handle = [&](const Completion& c) {
    if (c.kind == CompletionKind::MessageDone) {
      if (outstanding > 0) --outstanding;  // (a second completion of one message: broken retire_during_write)
      (c.status == CompletionStatus::Ok ? counters_.completed_ok : counters_.failed) += 1;
      if (w.tracing()) {
        w.emit("transport.app.completion", 0, {{"session", session}, {"msg", c.user}, {"status", to_string(c.status)}});
      }
    } else if (c.kind == CompletionKind::SessionClosed) {
      closed = true;
    }
  };
  bool refused = false;  // the session takes nothing more (it failed, or the message can never fit)
  // Resume after what the storage took: 0 for a new session, more when the
  // session is opened again after a crash of the sources' machine.
  const auto first = static_cast<std::uint32_t>(std::min<std::uint64_t>(engine_->stored(session), p_.messages));
  for (std::uint32_t i = first; i < p_.messages && !closed && !refused; ++i) {
    std::vector<std::byte> body = make_message(session, i, p_.message_bytes, w.seed());
    const std::uint64_t digest = digest_of(body);
    for (;;) {
      const SubmitResult r = co_await engine_->submit(session, body, i);
      if (r == SubmitResult::Accepted) {
        ++outstanding;
        ++counters_.submitted;
        if (w.tracing()) {
          w.emit("transport.app.submit", 0, {{"session", session}, {"msg", i}, {"bytes", body.size()}, {"digest", digest}});
        }
        break;
      }
      if (r != SubmitResult::QueueFull || outstanding == 0) {
        refused = true;  // still take the completions of what was accepted
        break;
      }
      ++counters_.queue_full;
      // The refusal returns to the application, which then calls again to wait:
      // two calls, and the engine may run between them.
      co_await cx.yield();
      if (bugs.edge_triggered_space) {
        co_await engine_->space_notice();  // broken: a notice given before this wait is lost
      } else {
        // Space opens only when one of ours completes, and the completion queue
        // counts: one posted already is still there. Wait for it, submit again.
        handle(co_await cq.get());
      }
    }
    if (!refused && p_.submit_interval > sim::Duration{0} && i + 1 < p_.messages) co_await cx.sleep(p_.submit_interval);
  }
  while (outstanding > 0 && !closed) handle(co_await cq.get());
  if (!closed) {
    co_await engine_->close(session);
    while (!closed) handle(co_await cq.get());
    ++counters_.closed_sessions;
  }
  source_done();
}

sim::Task<> Transfer::storage(sim::Ctx cx) {
  sim::World& w = cx.world();
  ServerEngine& srv = *server_engine_;
  CompletionQueue& cq = srv.completions();
  for (;;) {
    const Completion c = co_await cq.get();
    if (c.kind == CompletionKind::SessionRequest) {
      co_await srv.accept(c.session);
      continue;
    }
    bool took = false;
    for (;;) {
      if (p_.take_delay > sim::Duration{0}) co_await cx.sleep(p_.take_delay);
      std::optional<std::vector<std::byte>> body = co_await srv.take(c.session);
      if (!body) break;
      took = true;
      ++counters_.delivered;
      if (w.tracing()) {
        const std::optional<std::uint32_t> msg = message_index(*body);
        w.emit("transport.app.deliver", 0,
               {{"session", c.session}, {"msg", msg ? static_cast<std::int64_t>(*msg) : -1}, {"bytes", body->size()},
                {"digest", digest_of(*body)}});
      }
    }
    if (took) co_await srv.window_update(c.session);
  }
}

std::uint64_t Transfer::digest() const {
  sim::StateHash h;
  h.add(engine_->digest());
  h.add(server_engine_->digest());
  h.add(counters_.submitted).add(counters_.completed_ok).add(counters_.failed).add(counters_.delivered);
  return h.value();
}

}  // namespace ipcsim::transport

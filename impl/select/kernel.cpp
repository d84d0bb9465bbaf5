#include "impl/select/kernel.hpp"

#include <algorithm>

#include "impl/select/io_process.hpp"

#include "sim/state_hash.hpp"

namespace ipcsim::select {

const char* tag_name(std::uint32_t tag) {
  switch (tag) {
    case kInterest: return "interest";
    case kNotify: return "notify";
    case kRead: return "read";
    case kReadReply: return "read_reply";
    case kWrite: return "write";
    case kWriteAck: return "write_ack";
    case kPing: return "ping";
    case kPong: return "pong";
    case kConnect: return "connect";
    case kConnected: return "connected";
    case kAttach: return "attach";
    case kData: return "data";
    case kRecall: return "recall";
    case kReturn: return "return";
    case kSockRead: return "sock_read";
    case kSockReadReply: return "sock_read_reply";
    case kPacket: return "packet";
    case kQuery: return "query";
    case kQueryReply: return "query_reply";
    case kCancel: return "cancel";
    case kOpen: return "open";
    case kClose: return "close";
    case kCountAck: return "count_ack";
    case kSendFd: return "send_fd";
    case kRecvFd: return "recv_fd";
    case kDetach: return "detach";
    case kForward: return "forward";
    case kSockWrite: return "sock_write";
    case kKick: return "kick";
    default: return "?";
  }
}

Kernel::Kernel(System& sys, sim::Cpu& cpu, sim::Port& port)
    : sys_(&sys), cpu_(&cpu), port_(&port),
      object_(sys.world().register_object("select.kernel", "kernel." + std::string(cpu.name()))) {}

sim::World& Kernel::world() const { return sys_->world(); }
const SelectConfig& Kernel::config() const { return sys_->config(); }

void Kernel::touch() const { world().touch(object_, sim::AccessMode::Write); }

void Kernel::reset() {
  incarnation_ = cpu_->incarnation();
  pipes_.clear();
  procs_.clear();  // their actors died in the crash: no waiter is left in a ProcWait
  outbox_.clear();
  interests.clear();
  socks.clear();
  sock_waiters.clear();
  pending.clear();
  answered.clear();
  counts_unacked.clear();
  peers.clear();
  kicked = false;
  provisional_ = 0;
}

Proc& Kernel::add_proc(sim::Actor& a) {
  Proc& p = procs_[a.id];
  p.pid = a.id;
  p.actor = &a;
  p.wait = std::make_unique<ProcWait>(world(), "proc." + a.name);
  return p;
}

Proc* Kernel::proc(Pid pid) {
  auto it = procs_.find(pid);
  return it == procs_.end() ? nullptr : &it->second;
}

void Kernel::remove_proc(Pid pid) {
  if (Proc* p = proc(pid)) {
    std::vector<int> fds;
    for (const auto& [fd, o] : p->fds) fds.push_back(fd);
    for (int fd : fds) release(*p, fd);  // exit closes every FD
  }
  for (auto& [n, pipe] : pipes_) {
    for (auto& ws : pipe.waiters) std::erase_if(ws, [&](const Pipe::Waiter& w) { return w.pid == pid; });
  }
  for (auto& [key, in] : interests) std::erase_if(in.waiters, [&](const Pipe::Waiter& w) { return w.pid == pid; });
  for (auto& [key, ws] : sock_waiters) std::erase_if(ws, [&](const Pipe::Waiter& w) { return w.pid == pid; });
  procs_.erase(pid);
}

void Kernel::forget_call(Pid pid, std::uint64_t call) {
  if (config().bugs.untagged_ready_list) return;  // the literal reading: waits stay registered
  auto mine = [&](const Pipe::Waiter& w) { return w.pid == pid && w.call == call; };
  for (auto& [n, pipe] : pipes_) {
    for (auto& ws : pipe.waiters) std::erase_if(ws, mine);
  }
  for (auto& [key, ws] : sock_waiters) std::erase_if(ws, mine);
  for (auto it = interests.begin(); it != interests.end();) {
    std::erase_if(it->second.waiters, mine);
    if (!it->second.outstanding && it->second.waiters.empty()) {
      it = interests.erase(it);
    } else {
      ++it;
    }
  }
}

void Kernel::count_open(PipeKey key, Open::Kind end, Holder holder) {
  if (end != Open::Kind::PipeRead && end != Open::Kind::PipeWrite) return;
  if (Pipe* p = pipe(key)) {
    if (holder.first != id()) return held_count(*p, end, holder, +1);
    return end_count(*p, end, +1);
  }
  if (key.home == id()) return;  // a pipe of this CPU's earlier life: gone
  Words b;
  b.word(key.packed()).word(end == Open::Kind::PipeWrite ? 1 : 0).word(holder.first).word(holder.second);
  send_count(key.home, kOpen, std::move(b));
}

void Kernel::count_open(const Open& o, Holder holder) {
  if (o.kind == Open::Kind::Pair) {
    count_open(o.pipe, Open::Kind::PipeRead, holder);
    count_open(o.out, Open::Kind::PipeWrite, holder);
    return;
  }
  count_open(o.pipe, o.kind, holder);
}

void Kernel::count_close(PipeKey key, Open::Kind end, Holder holder) {
  if (end != Open::Kind::PipeRead && end != Open::Kind::PipeWrite) return;
  if (Pipe* p = pipe(key)) {
    if (holder.first != id()) return held_count(*p, end, holder, -1);
    return end_count(*p, end, -1);
  }
  if (key.home == id()) return;
  Words b;
  b.word(key.packed()).word(end == Open::Kind::PipeWrite ? 1 : 0).word(holder.first).word(holder.second);
  send_count(key.home, kClose, std::move(b));
}

void Kernel::pass_in(Pipe& sp, const Passed& r) {
  sp.rights[sp.taken + sp.data.size()] = r;
  sp.data.push_back(std::byte{0});
}

std::vector<Passed> Kernel::take_rights(Pipe& sp, std::size_t n) {
  std::vector<Passed> out;
  for (auto it = sp.rights.begin(); it != sp.rights.end() && it->first < sp.taken + n;) {
    out.push_back(it->second);
    it = sp.rights.erase(it);
  }
  sp.taken += n;
  return out;
}

void Kernel::trace_in_flight(const char* kind, const Passed& r, sim::CpuId holder) const {
  sim::World& w = world();
  if (!w.tracing() || r.kind == Open::Kind::File) return;
  w.emit(kind, object_,
         {{"pipe", r.pipe.packed()}, {"end", r.kind == Open::Kind::PipeWrite ? "write" : "read"}, {"open", 0},
          {"holder", holder}});
}

void Kernel::hand_over(const Passed& r, Holder to) {
  trace_in_flight("select.end.close", r, id());
  if (to.first == id()) return;  // received here: the description held here is the receiver's
  count_open(r.pipe, r.kind, to);  // before the close, in the same order to the pipe's home
  count_close(r.pipe, r.kind, {id(), incarnation_});
}

void Kernel::drop_right(const Passed& r) {
  trace_in_flight("select.end.close", r, id());
  count_close(r.pipe, r.kind, {id(), incarnation_});
}

std::shared_ptr<Open> Kernel::open_received(const Passed& r) {
  auto o = new_open(r.kind, r.pipe);
  o->dead = r.kind != Open::Kind::File && !o->shadow && pipe(r.pipe) == nullptr;
  return o;
}

void Kernel::held_count(Pipe& p, Open::Kind end, Holder holder, int delta) {
  auto& by = p.held[end == Open::Kind::PipeWrite ? 1 : 0];
  const std::int32_t before = by[holder];
  const std::int32_t after = before + delta;
  if (after == 0) {
    by.erase(holder);
  } else {
    by[holder] = after;
  }
  // A holder counts while its count is positive: a close that overtook its
  // open (announced by another CPU, the parent's) changes nothing until the open comes.
  const int change = std::max(after, 0) - std::max(before, 0);
  if (change != 0) end_count(p, end, change);
}

void Kernel::drop_holder(sim::CpuId cpu, std::optional<std::uint32_t> new_incarnation) {
  if (config().bugs.crash_keeps_ends) return;  // the literal reading: a crash is not a close
  for (auto& [n, p] : pipes_) {
    for (int e = 0; e < 2; ++e) {
      for (auto it = p.held[e].begin(); it != p.held[e].end();) {
        const auto [who, k] = *it;
        if (who.first != cpu || (new_incarnation && who.second == *new_incarnation)) {
          ++it;
          continue;
        }
        it = p.held[e].erase(it);
        if (k <= 0) continue;
        sim::World& w = world();
        if (w.tracing()) {
          w.emit("select.pipe.drop", object_,
                 {{"pipe", p.key.packed()}, {"end", e == 1 ? "write" : "read"}, {"peer", cpu}, {"opens", k}});
        }
        end_count(p, e == 1 ? Open::Kind::PipeWrite : Open::Kind::PipeRead, -k);
      }
    }
  }
}

void Kernel::holders_watched(std::set<sim::CpuId>& out) const {
  if (config().bugs.crash_keeps_ends) return;
  for (const auto& [n, p] : pipes_) {
    for (int e = 0; e < 2; ++e) {
      // The loss of the write ends wakes readers (end of file), of the read ends writers (EPIPE).
      bool here = false;
      std::set<sim::CpuId> askers;
      for (Ev ev : e == 1 ? std::vector<Ev>{Ev::Read} : std::vector<Ev>{Ev::Write, Ev::Error}) {
        here = here || !p.waiters[static_cast<int>(ev)].empty();
        askers.insert(p.remote[static_cast<int>(ev)].begin(), p.remote[static_cast<int>(ev)].end());
      }
      // Only when every description of that end is elsewhere can a crash close the last.
      if ((!here && askers.empty()) || p.held_here(e) > 0) continue;
      for (const auto& [who, k] : p.held[e]) {
        // A waiter on the holder's own CPU dies with it: someone elsewhere must wait.
        const bool elsewhere =
            here || std::any_of(askers.begin(), askers.end(), [&](sim::CpuId c) { return c != who.first; });
        if (k > 0 && elsewhere) out.insert(who.first);
      }
    }
  }
}

void Kernel::trace_ends(const char* kind, const Open& o) const {
  sim::World& w = world();
  if (!w.tracing()) return;
  auto one = [&](PipeKey key, bool write) {
    w.emit(kind, object_, {{"pipe", key.packed()}, {"end", write ? "write" : "read"}, {"open", o.id}});
  };
  if (o.kind == Open::Kind::PipeRead || o.kind == Open::Kind::Pair) one(o.pipe, false);
  if (o.kind == Open::Kind::PipeWrite) one(o.pipe, true);
  if (o.kind == Open::Kind::Pair) one(o.out, true);
}

void Kernel::end_count(Pipe& p, Open::Kind end, int delta) {
  std::uint32_t& n = end == Open::Kind::PipeWrite ? p.writers : p.readers;
  if (delta < 0 && n == 0) return;
  n = delta > 0 ? n + static_cast<std::uint32_t>(delta)
                : (n > static_cast<std::uint32_t>(-delta) ? n - static_cast<std::uint32_t>(-delta) : 0);
  if (end == Open::Kind::PipeWrite && delta > 0) p.had_writer = true;
  if (end == Open::Kind::PipeRead && delta > 0) p.had_reader = true;
  if (p.of_pair && end == Open::Kind::PipeRead && p.readers == 0 && !p.data.empty()) {
    if (auto other = pipes_.find(p.other_way); other != pipes_.end()) other->second.reset = true;
  }
  if (end == Open::Kind::PipeWrite && p.eof()) {
    sim::World& w = world();
    if (w.tracing()) w.emit("select.pipe.eof", object_, {{"pipe", p.key.packed()}, {"bytes", p.data.size()}});
    pipe_changed(p);  // readers, here and remote, see end of file
  }
  if (end == Open::Kind::PipeRead && delta < 0 && p.broken() && !p.rights.empty()) {
    // Nobody can receive the FDs in flight any more: they are closed.
    const std::map<std::uint64_t, Passed> lost = std::move(p.rights);
    p.rights.clear();  // the bytes stay (unread), only their FDs go
    for (const auto& [at, r] : lost) drop_right(r);
  }
  if (end == Open::Kind::PipeRead && delta < 0 && p.broken()) {
    sim::World& w = world();
    if (w.tracing()) w.emit("select.pipe.broken", object_, {{"pipe", p.key.packed()}, {"bytes", p.data.size()}});
    pipe_changed(p);  // writers, here and remote, see the error (EPIPE, POLLERR)
  }
}

int Kernel::release(Proc& p, int fd) {
  auto it = p.fds.find(fd);
  if (it == p.fds.end()) return -1;
  std::shared_ptr<Open> o = std::move(it->second);
  p.fds.erase(it);
  if (o->fds > 0) --o->fds;
  if (o->fds > 0 || o->dead) return 0;
  trace_ends("select.end.close", *o);
  auto close_end = [&](PipeKey key, Open::Kind end) {
    if (!o->shadow) {
      if (Pipe* pipe_here = pipe(key)) end_count(*pipe_here, end, -1);
      return;
    }
    Words b;
    b.word(key.packed()).word(end == Open::Kind::PipeWrite ? 1 : 0).word(id()).word(incarnation_);
    send_count(key.home, kClose, std::move(b));
  };
  if (o->kind == Open::Kind::PipeRead || o->kind == Open::Kind::PipeWrite) close_end(o->pipe, o->kind);
  if (o->kind == Open::Kind::Pair) {
    close_end(o->pipe, Open::Kind::PipeRead);
    close_end(o->out, Open::Kind::PipeWrite);
  }
  if (o->kind == Open::Kind::Socket) close_socket(o->pipe);
  return 0;
}

void Kernel::close_socket(PipeKey key) {
  auto it = socks.find(key.packed());
  if (it == socks.end()) return;
  ShadowSock& s = it->second;
  if (s.opens > 0) --s.opens;
  if (s.opens > 0 || s.dead || key.incarnation == 0) return;  // still open here, gone, or never bound
  Words b;
  b.word(key.packed());
  send(key.home, kDetach, std::move(b), true);
  sim::World& w = world();
  if (w.tracing()) w.emit("select.shadow.detach", object_, {{"sock", key.packed()}, {"packets", s.held.size()}});
}

int Kernel::install(Proc& p, std::shared_ptr<Open> open) {
  for (int fd = 0; fd < kMaxFds; ++fd) {
    if (p.fds.count(fd) == 0) {
      ++open->fds;
      p.fds[fd] = std::move(open);
      return fd;
    }
  }
  return -1;
}

std::shared_ptr<Open> Kernel::new_open(Open::Kind kind, PipeKey pipe) {
  auto o = std::make_shared<Open>();
  o->id = ++next_open_;
  o->kind = kind;
  o->pipe = pipe;
  // A socket is always a shadow (its real socket is the I/O process's), even
  // on the I/O process's own CPU, as the seed allows for consistency.
  o->shadow = kind == Open::Kind::Socket || (kind != Open::Kind::File && pipe.home != id());
  if (kind == Open::Kind::Socket) ++socks[pipe.packed()].opens;
  return o;
}

Pipe& Kernel::new_pipe() {
  const std::uint32_t n = ++next_pipe_;
  IPCSIM_ASSERT_MSG(n <= PipeKey::kMaxNumber && incarnation_ <= PipeKey::kMaxIncarnation, "too many pipes or restarts");
  Pipe& p = pipes_[n];
  p.key = PipeKey{id(), incarnation_, n};
  p.capacity = config().pipe_capacity;
  p.pipe_buf = std::max<std::uint32_t>(1, std::min(config().pipe_buf, p.capacity));
  return p;
}

Pipe* Kernel::pipe(PipeKey key) {
  if (key.home != id() || key.incarnation != incarnation_) return nullptr;
  auto it = pipes_.find(key.number);
  return it == pipes_.end() ? nullptr : &it->second;
}

std::optional<bool> Kernel::local_ready(const Open& o, Ev ev) const {
  if (o.kind == Open::Kind::File) return ev != Ev::Except;  // always ready, never exceptional
  if (o.dead) return true;                                   // error readiness, for every event
  ev = o.effective(ev);
  if (o.kind == Open::Kind::Socket) {
    auto it = socks.find(o.pipe.packed());
    if (it == socks.end() || it->second.dead) return true;
    if (ev == Ev::Write) return std::nullopt;  // room in the send buffer: the real socket knows
    if (ev == Ev::Except) return std::nullopt;  // out-of-band data waits at the real socket, in either mode
    if (!it->second.contention) return !it->second.held.empty();  // the packets are here
    return std::nullopt;                                          // they are at the real socket
  }
  if ((ev == Ev::Read && !o.reads_pipe()) || (ev == Ev::Write && !o.writes_pipe())) return false;  // the wrong end
  if (ev == Ev::Error && !o.writes_pipe()) return false;
  if (ev == Ev::Except) return false;  // exceptions exist only for sockets (and dead peers)
  if (o.shadow) return std::nullopt;
  const PipeKey key = o.key_for(ev);
  auto it = pipes_.find(key.number);
  if (key.incarnation != incarnation_ || it == pipes_.end()) return true;
  return it->second.ready(ev);
}

void Kernel::pipe_changed(Pipe& p) {
  for (Ev ev : {Ev::Read, Ev::Write, Ev::Error}) {
    const int e = static_cast<int>(ev);
    if (!p.ready(ev)) continue;
    std::vector<Pipe::Waiter> ws = std::move(p.waiters[e]);
    p.waiters[e].clear();
    for (const auto& wt : ws) post(wt, ev);
    for (sim::CpuId cpu : p.remote[e]) {
      Words b;
      b.word(p.key.packed()).word(static_cast<std::uint64_t>(ev)).word(0);
      send(cpu, kNotify, std::move(b));
    }
    p.remote[e].clear();
  }
}

void Kernel::post(const Pipe::Waiter& wt, Ev ev) {
  if (ev == Ev::Error) ev = Ev::Read;  // what the caller asked of its write end
  Proc* p = proc(wt.pid);
  const bool untagged = config().bugs.untagged_ready_list;
  if (p == nullptr || (p->call != wt.call && !untagged)) return;  // that select is over: nothing stale is posted
  p->ready.push_back({untagged ? 0 : wt.call, wt.fd, ev});
  sim::World& w = world();
  if (w.tracing()) {
    w.emit("select.post", object_, {{"pid", wt.pid}, {"call", wt.call}, {"fd", wt.fd}, {"event", to_string(ev)}});
  }
  if (p->call != 0) wake_if_waiting(*p);  // only a select is woken by a post
}

void Kernel::wake_if_waiting(Proc& p) {
  sim::Actor& a = *p.actor;
  if (a.state == sim::ActorState::Blocked && a.blocked_on == p.wait.get()) world().wake(a, sim::WaitStatus::Ok);
}

void Kernel::send(sim::CpuId to, std::uint32_t tag, Words body, bool io) {
  if (tag != kKick) outbox_.push_back({to, tag, std::move(body.bytes), io});
  if (kicked) return;
  kicked = true;
  sim::World& w = world();
  w.touch(port_->id(), sim::AccessMode::Write);
  sim::Message m;
  m.id = w.new_message_id();
  if (w.tracing()) w.emit("select.kick", object_, {{"flow_out", m.id}});
  m.from = id();
  m.to = port_->id();
  m.tag = kKick;
  m.sent_at = w.now();
  port_->deliver(std::move(m));
}

void Kernel::send_request(std::uint64_t req, sim::CpuId to, std::uint32_t tag, Words body, bool io) {
  auto it = pending.find(req);
  if (it != pending.end() && config().resend_period > sim::Duration{0}) {
    it->second.request = {to, tag, body.bytes, io};
    it->second.sent_at = world().now();
  }
  send(to, tag, std::move(body), io);
}

void Kernel::send_count(sim::CpuId home, std::uint32_t tag, Words body) {
  std::uint64_t req = 0;
  if (config().resend_period > sim::Duration{0}) {
    req = next_req();
    body.word(req);
    counts_unacked[req] = {{home, tag, body.bytes, false}, world().now()};
  } else {
    body.word(0);
  }
  send(home, tag, std::move(body));
}

void Kernel::sock_data(std::uint64_t sock, std::uint64_t packet) {
  ShadowSock& s = socks[sock];
  s.held.push_back(packet);
  auto it = sock_waiters.find(sock);
  if (it == sock_waiters.end()) return;
  std::vector<Pipe::Waiter> ws = std::move(it->second);
  sock_waiters.erase(it);
  for (const auto& wt : ws) post(wt, Ev::Read);
}

std::set<sim::CpuId> Kernel::dependencies() const {
  // Only live waits count: an outstanding request whose selects all ended
  // waits for nobody (a later select on it makes it count again).
  std::set<sim::CpuId> out;
  for (const auto& [key, in] : interests) {
    if (!in.waiters.empty()) out.insert(PipeKey::unpack(key.first).home);
  }
  for (const auto& [req, pd] : pending) out.insert(pd.peer);
  for (const auto& [req, c] : counts_unacked) out.insert(c.msg.to);  // a lossy bus: re-sent until counted
  for (const auto& [key, ws] : sock_waiters) {
    if (!ws.empty()) out.insert(PipeKey::unpack(key).home);
  }
  holders_watched(out);
  // The I/O process's CPU watches the spaces of its sockets in contention
  // mode: one that dies (or restarts) detaches, and forwarding can come back.
  if (const IoProcess* io = sys_->io(); io != nullptr && &io->cpu() == cpu_) {
    for (sim::CpuId cpu : io->contention_spaces()) {
      if (cpu != id()) out.insert(cpu);
    }
  }
  return out;
}

void Kernel::declare_dead(sim::CpuId peer, std::optional<std::uint32_t> new_incarnation) {
  sim::World& w = world();
  auto gone = [&](PipeKey k) {
    return k.home == peer && (!new_incarnation || k.incarnation != *new_incarnation);
  };
  if (w.tracing()) {
    w.emit("select.agent.peer_dead", object_,
           {{"peer", peer}, {"restarted", new_incarnation.has_value()}});
  }
  drop_holder(peer, new_incarnation);
  std::erase_if(counts_unacked, [&](const auto& kv) { return gone(PipeKey::unpack(word_at(kv.second.msg.body, 0))); });
  for (auto& [pid, p] : procs_) {
    for (auto& [fd, o] : p.fds) {
      if (o->shadow && gone(o->pipe)) o->dead = true;
    }
  }
  for (auto& [key, s] : socks) {
    if (gone(PipeKey::unpack(key))) s.dead = true;
  }
  for (auto it = sock_waiters.begin(); it != sock_waiters.end();) {
    if (!gone(PipeKey::unpack(it->first))) {
      ++it;
      continue;
    }
    std::vector<Pipe::Waiter> ws = std::move(it->second);
    it = sock_waiters.erase(it);
    for (const auto& wt : ws) post(wt, Ev::Read);
  }
  for (auto it = interests.begin(); it != interests.end();) {
    if (!gone(PipeKey::unpack(it->first.first))) {
      ++it;
      continue;
    }
    const Ev ev = it->first.second;
    std::vector<Pipe::Waiter> ws = std::move(it->second.waiters);
    it = interests.erase(it);
    for (const auto& wt : ws) post(wt, ev);
  }
  for (auto it = pending.begin(); it != pending.end();) {
    if (it->second.peer != peer) {
      ++it;
      continue;
    }
    if (Proc* p = proc(it->second.pid)) {
      if (it->second.query) {
        if (--p->queries == 0) wake_if_waiting(*p);  // the shadow is dead now: error readiness
      } else {
        p->replied = true;
        p->status = -1;
        wake_if_waiting(*p);
      }
    }
    it = pending.erase(it);
  }
  if (IoProcess* io = sys_->io(); io != nullptr && &io->cpu() == cpu_) io->space_dead(peer);
}

void Kernel::pipe_dead(PipeKey key) {
  for (auto& [pid, p] : procs_) {
    for (auto& [fd, o] : p.fds) {
      if (o->shadow && (o->pipe == key || (o->kind == Open::Kind::Pair && o->out == key))) o->dead = true;
    }
  }
  if (auto s = socks.find(key.packed()); s != socks.end()) s->second.dead = true;
  if (auto it = sock_waiters.find(key.packed()); it != sock_waiters.end()) {
    std::vector<Pipe::Waiter> ws = std::move(it->second);
    sock_waiters.erase(it);
    for (const auto& wt : ws) post(wt, Ev::Read);
  }
  for (Ev ev : {Ev::Read, Ev::Write, Ev::Except, Ev::Error}) {
    auto it = interests.find({key.packed(), ev});
    if (it == interests.end()) continue;
    std::vector<Pipe::Waiter> ws = std::move(it->second.waiters);
    interests.erase(it);
    for (const auto& wt : ws) post(wt, ev);
  }
}

void Kernel::bind_shadow(std::uint64_t provisional, std::uint64_t sock, bool contention) {
  ShadowSock s = std::move(socks[provisional]);
  socks.erase(provisional);
  s.contention = contention;
  socks[sock] = std::move(s);
  if (auto it = sock_waiters.find(provisional); it != sock_waiters.end()) {
    auto& ws = sock_waiters[sock];
    ws.insert(ws.end(), it->second.begin(), it->second.end());
    sock_waiters.erase(provisional);
  }
  for (auto& [pid, p] : procs_) {
    for (auto& [fd, o] : p.fds) {
      if (o->kind == Open::Kind::Socket && o->pipe.packed() == provisional) o->pipe = PipeKey::unpack(sock);
    }
  }
  sim::World& w = world();
  if (w.tracing()) w.emit("select.shadow.bind", object_, {{"provisional", provisional}, {"sock", sock}});
}

void Kernel::digest(sim::StateHash& h) const {
  h.add(incarnation_).add(pipes_.size());
  for (const auto& [n, p] : pipes_) {
    h.add(p.rights.size()).add(p.taken);
    h.add(n).add(p.data.size()).add(p.readers).add(p.writers).add(p.had_writer ? 1 : 0).add(p.reset ? 1 : 0);
    for (std::byte b : p.data) h.add(static_cast<std::uint64_t>(b));
    for (const auto& by : p.held) {
      h.add(by.size());
      for (const auto& [who, k] : by) h.add(who.first).add(who.second).add(static_cast<std::uint64_t>(k));
    }
    for (const auto& r : p.remote) {
      h.add(r.size());
      for (auto c : r) h.add(c);
    }
  }
  h.add(procs_.size());
  for (const auto& [pid, p] : procs_) {
    h.add(pid).add(p.fds.size());
    for (const auto& [fd, o] : p.fds) h.add(static_cast<std::uint64_t>(fd)).add(o->id).add(o->dead ? 1 : 0).add(o->fds);
  }
  h.add(socks.size());
  for (const auto& [key, s] : socks) {
    h.add(key).add(s.held.size()).add(s.contention ? 1 : 0).add(s.dead ? 1 : 0);
    for (auto p : s.held) h.add(p);
  }
  h.add(counts_unacked.size());
  for (const auto& [req, c] : counts_unacked) h.add(req);
  h.add(interests.size());
  for (const auto& [key, in] : interests) h.add(key.first).add(static_cast<std::uint64_t>(key.second)).add(in.outstanding ? 1 : 0).add(in.waiters.size());
}

}  // namespace ipcsim::select

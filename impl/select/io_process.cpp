#include "impl/select/io_process.hpp"

#include "sim/state_hash.hpp"

namespace ipcsim::select {

IoProcess::IoProcess(System& sys, sim::Cpu& cpu)
    : sys_(&sys), cpu_(&cpu), port_(&sys.world().add_port(cpu, "io." + std::string(cpu.name()))),
      object_(sys.world().register_object("select.io", "io." + std::string(cpu.name()))) {}

void IoProcess::reset() {
  incarnation_ = cpu_->incarnation();
  socks_.clear();
  by_port_.clear();
  outbox_.clear();
  answered_.clear();
  tx_sock_ = 0;
}

void IoProcess::touch() const { sys_->world().touch(object_, sim::AccessMode::Write); }

RealSock* IoProcess::lookup(PipeKey key) {
  if (key.home != cpu_->id() || key.incarnation != incarnation_) return nullptr;
  auto it = socks_.find(key.number);
  return it == socks_.end() ? nullptr : &it->second;
}

void IoProcess::send(sim::CpuId to, std::uint32_t tag, Words body) {
  outbox_.push_back({to, tag, std::move(body.bytes), false});
}

void IoProcess::attach(RealSock& s, sim::CpuId cpu, bool told) {
  if (!s.attached.insert(cpu).second) return;
  sim::World& w = sys_->world();
  if (s.attached.size() == 1) {
    s.contention = false;
    s.forward_to = cpu;
    if (!told) start_forwarding(s, cpu);
    return;
  }
  if (s.contention) return;
  s.contention = true;
  if (w.tracing()) w.emit("select.sock.mode", object_, {{"sock", s.key.packed()}, {"mode", "contention"}});
  // This CPU's agent watches the spaces of a socket in contention mode: it
  // looks at its dependencies again.
  if (Kernel* k = sys_->kernel_if(cpu_->id())) {
    k->touch();
    k->send(cpu_->id(), kKick, {});
  }
  if (sys_->config().bugs.no_drain_at_switch) return;
  // The shadow that forwarding filled gives its packets back before any
  // contention read is served: they are older than anything here.
  ++s.recalling;
  s.recalled.insert(s.forward_to);
  Words b;
  b.word(s.key.packed()).word(s.forwarded);  // give them back once all of these are in
  send(s.forward_to, kRecall, std::move(b));
}

std::set<sim::CpuId> IoProcess::contention_spaces() const {
  std::set<sim::CpuId> out;
  for (const auto& [n, s] : socks_) {
    if (s.contention) out.insert(s.attached.begin(), s.attached.end());
  }
  return out;
}

void IoProcess::space_dead(sim::CpuId cpu) {
  touch();
  sim::World& w = sys_->world();
  for (auto& [n, s] : socks_) {
    if (s.attached.erase(cpu) == 0) continue;
    if (w.tracing()) {
      w.emit("select.sock.detach", object_,
             {{"sock", s.key.packed()}, {"peer", cpu}, {"remaining", s.attached.size()}, {"dead", true}});
    }
    s.read_interest.erase(cpu);
    s.except_interest.erase(cpu);
    s.write_interest.erase(cpu);
    std::erase_if(s.pending_reads, [&](const auto& r) { return r.first == cpu; });
    if (s.forward_to == cpu) s.forward_to = sim::kNoCpu;
    // A recall it will never answer: its packets died with its memory.
    while (s.recalled.count(cpu) != 0) {
      s.recalled.erase(s.recalled.find(cpu));
      --s.recalling;
    }
    leave_contention_if_alone(s);
    pump(s);
  }
  kick();
}

void IoProcess::kick() {
  if (outbox_.empty()) return;
  sim::World& w = sys_->world();
  w.touch(port_->id(), sim::AccessMode::Write);
  sim::Message m;
  m.id = w.new_message_id();
  m.from = cpu_->id();
  m.to = port_->id();
  m.tag = kKick;
  m.sent_at = w.now();
  port_->deliver(std::move(m));
}

void IoProcess::start_forwarding(RealSock& s, sim::CpuId cpu) {
  sim::World& w = sys_->world();
  if (w.tracing()) {
    w.emit("select.sock.mode", object_,
           {{"sock", s.key.packed()}, {"mode", "forwarding"}, {"to_cpu", cpu}, {"base", s.forwarded}});
  }
  if (sys_->config().bugs.silent_switch_back) return;  // the first forwarded packet will tell it
  // Sent before any packet forwarded to it: the shadow reads locally from now
  // on, and its selects that asked here for read readiness wait there.
  Words b;
  b.word(s.key.packed()).word(s.forwarded);
  send(cpu, kForward, std::move(b));
}

void IoProcess::leave_contention_if_alone(RealSock& s) {
  if (!s.contention || s.recalling || s.attached.size() > 1) return;
  s.contention = false;
  s.read_interest.clear();  // the one space left is told by kForward; nobody else reads
  if (s.attached.empty()) {
    s.forward_to = sim::kNoCpu;  // nobody to forward to: packets wait here
    sim::World& w = sys_->world();
    if (w.tracing()) {
      w.emit("select.sock.mode", object_,
             {{"sock", s.key.packed()}, {"mode", "forwarding"}, {"to_cpu", sim::kNoCpu}, {"base", s.forwarded}});
    }
    return;
  }
  s.forward_to = *s.attached.begin();
  start_forwarding(s, s.forward_to);
}

void IoProcess::detach(RealSock& s, sim::CpuId cpu) {
  if (s.attached.erase(cpu) == 0) return;
  sim::World& w = sys_->world();
  if (w.tracing()) {
    w.emit("select.sock.detach", object_, {{"sock", s.key.packed()}, {"peer", cpu}, {"remaining", s.attached.size()}});
  }
  s.read_interest.erase(cpu);
  s.except_interest.erase(cpu);
  s.write_interest.erase(cpu);
  if (!s.contention && s.forward_to == cpu) {
    // The forwarding space left: what it holds, and what is on its way to it,
    // comes back to the front of the real socket before anything is
    // forwarded or read again (the same drain as at the switch).
    s.forward_to = sim::kNoCpu;
    if (!sys_->config().bugs.no_drain_at_switch) {
      ++s.recalling;
      s.recalled.insert(cpu);
      Words b;
      b.word(s.key.packed()).word(s.forwarded);
      send(cpu, kRecall, std::move(b));
    }
  }
  leave_contention_if_alone(s);
}

void IoProcess::answer_moved(RealSock& s, sim::CpuId cpu, std::uint64_t req) {
  // Status 2: "forwarding again: your shadow has every packet from here, read
  // there once the `forwarded` first ones are in".
  Words b;
  b.word(req).word(2).word(s.forwarded).word(s.key.packed());
  send(cpu, kSockReadReply, std::move(b));
}

void IoProcess::serve(RealSock& s, sim::CpuId cpu, std::uint64_t req) {
  sim::World& w = sys_->world();
  Words b;
  if (s.queue.empty()) {
    b.word(req).word(0).word(0);
  } else {
    const std::uint64_t p = s.queue.front();
    s.queue.pop_front();
    if (w.tracing()) w.emit("select.sock.deliver", object_, {{"sock", s.key.packed()}, {"packet", p}, {"to_cpu", cpu}});
    b.word(req).word(1).word(p);
  }
  send(cpu, kSockReadReply, std::move(b));
}

void IoProcess::serve_oob(RealSock& s, sim::CpuId cpu, std::uint64_t req) {
  sim::World& w = sys_->world();
  Words b;
  if (s.oob.empty()) {
    b.word(req).word(0).word(0);
  } else {
    const std::uint64_t p = s.oob.front();
    s.oob.pop_front();
    if (w.tracing()) w.emit("select.sock.oob_deliver", object_, {{"sock", s.key.packed()}, {"packet", p}, {"to_cpu", cpu}});
    b.word(req).word(1).word(p);
  }
  send(cpu, kSockReadReply, std::move(b));
}

void IoProcess::accept_write(RealSock& s, sim::CpuId cpu, std::uint64_t req, std::uint32_t n) {
  sim::World& w = sys_->world();
  const std::uint32_t capacity = sys_->config().sock_send_buffer;
  const std::uint32_t room = capacity > s.out_bytes ? capacity - s.out_bytes : 0;
  const std::uint32_t accepted = std::min(n, room);
  if (accepted > 0) {
    s.out.push_back({cpu, req, accepted});
    s.out_bytes += accepted;
    if (w.tracing()) {
      w.emit("select.sock.send", object_, {{"sock", s.key.packed()}, {"from_cpu", cpu}, {"req", req}, {"bytes", accepted}});
    }
  }
  // The broken variant tells the writer everything went, whatever fitted.
  const std::uint32_t told = sys_->config().bugs.drop_when_full ? n : accepted;
  Words b;
  b.word(req).word(told);
  send(cpu, kWriteAck, std::move(b));
  if (tx_sock_ == 0) start_transmit();
}

void IoProcess::start_transmit() {
  for (;;) {
    RealSock* s = nullptr;
    for (auto& [n, sock] : socks_) {
      if (!sock.out.empty()) {
        s = &sock;
        break;
      }
    }
    if (s == nullptr) return;
    tx_sock_ = s->key.number;
    const sim::Duration per_byte = sys_->config().net_byte_time;
    if (per_byte > sim::Duration{0}) {
      tx_until_ = sys_->world().now() + per_byte * s->out.front().bytes;
      return;
    }
    end_transmit();  // an infinitely fast network: out at once
  }
}

void IoProcess::end_transmit() {
  sim::World& w = sys_->world();
  auto it = socks_.find(tx_sock_);
  tx_sock_ = 0;
  if (it == socks_.end() || it->second.out.empty()) return;
  RealSock& s = it->second;
  const RealSock::Segment seg = s.out.front();
  s.out.pop_front();
  s.out_bytes -= seg.bytes;
  if (w.tracing()) {
    w.emit("select.sock.transmit", object_,
           {{"sock", s.key.packed()}, {"from_cpu", seg.cpu}, {"req", seg.req}, {"bytes", seg.bytes}});
  }
  if (!s.writable(sys_->config().sock_send_buffer)) return;
  for (sim::CpuId cpu : s.write_interest) {
    Words n;
    n.word(s.key.packed()).word(static_cast<std::uint64_t>(Ev::Write)).word(0);
    send(cpu, kNotify, std::move(n));
  }
  s.write_interest.clear();
}

void IoProcess::pump(RealSock& s) {
  sim::World& w = sys_->world();
  if (s.recalling) return;
  if (!s.contention) {
    if (s.forward_to == sim::kNoCpu) return;  // nobody attached (yet, or any more): hold them
    while (!s.queue.empty()) {
      const std::uint64_t p = s.queue.front();
      s.queue.pop_front();
      if (w.tracing()) {
        w.emit("select.sock.forward", object_, {{"sock", s.key.packed()}, {"packet", p}, {"to_cpu", s.forward_to}});
      }
      Words b;
      b.word(s.key.packed()).word(p).word(++s.forwarded);
      send(s.forward_to, kData, std::move(b));
    }
    // Reads parked while a recall was out, from the space forwarding serves now.
    while (!s.pending_reads.empty()) {
      auto [cpu, req] = s.pending_reads.front();
      s.pending_reads.pop_front();
      if (cpu == s.forward_to && !sys_->config().bugs.silent_switch_back) {
        answer_moved(s, cpu, req);
      } else {
        serve(s, cpu, req);
      }
    }
    return;
  }
  while (!s.pending_reads.empty()) {
    auto [cpu, req] = s.pending_reads.front();
    s.pending_reads.pop_front();
    serve(s, cpu, req);
  }
  if (s.queue.empty()) return;
  for (sim::CpuId cpu : s.read_interest) {
    Words b;
    b.word(s.key.packed()).word(static_cast<std::uint64_t>(Ev::Read)).word(0);
    send(cpu, kNotify, std::move(b));
  }
  s.read_interest.clear();
}

namespace {
// The request number of a request the I/O process answers (0: not one).
std::uint64_t request_of(const sim::Message& m) {
  switch (m.tag) {
    case kConnect: case kSockRead: case kSockWrite: return word_at(m.body, 1);
    case kQuery: return word_at(m.body, 2);
    default: return 0;
  }
}
}  // namespace

bool IoProcess::answer_again(const sim::Message& m) {
  const std::uint64_t req = request_of(m);
  if (req == 0 || sys_->config().resend_period <= sim::Duration{0}) return false;
  auto it = answered_.find({m.from, req});
  if (it == answered_.end()) return false;
  outbox_.push_back(it->second);
  return true;
}

void IoProcess::keep_answer(const sim::Message& m, std::size_t outbox_before) {
  const std::uint64_t req = request_of(m);
  if (req == 0 || sys_->config().resend_period <= sim::Duration{0}) return;
  for (std::size_t i = outbox_before; i < outbox_.size(); ++i) {
    const Outgoing& out = outbox_[i];
    if (out.to == m.from && word_at(out.body, 0) == req) answered_[{m.from, req}] = out;
  }
}

void IoProcess::handle(const sim::Message& m) {
  sim::World& w = sys_->world();
  const auto& b = m.body;
  const PipeKey key = PipeKey::unpack(word_at(b, 0));
  switch (m.tag) {
    case kPacket: {
      const auto port = static_cast<std::uint32_t>(word_at(b, 0));
      const std::uint64_t packet = word_at(b, 1);
      auto it = by_port_.find(port);
      if (it == by_port_.end()) {
        if (w.tracing()) w.emit("select.sock.drop", object_, {{"port", port}, {"packet", packet}});
        break;
      }
      RealSock& s = socks_.at(it->second);
      if (word_at(b, 2) != 0) {  // urgent: out of band, held here whatever the mode
        if (w.tracing()) w.emit("select.sock.urgent", object_, {{"sock", s.key.packed()}, {"packet", packet}});
        s.oob.push_back(packet);
        for (sim::CpuId cpu : s.except_interest) {
          Words n;
          n.word(s.key.packed()).word(static_cast<std::uint64_t>(Ev::Except)).word(0);
          send(cpu, kNotify, std::move(n));
        }
        s.except_interest.clear();
        break;
      }
      if (w.tracing()) w.emit("select.sock.arrive", object_, {{"sock", s.key.packed()}, {"packet", packet}});
      s.queue.push_back(packet);
      pump(s);
      break;
    }
    case kConnect: {
      const auto port = static_cast<std::uint32_t>(word_at(b, 0));
      const std::uint64_t req = word_at(b, 1);
      auto it = by_port_.find(port);
      if (closed_.count(port) != 0) {  // connection refused: the create failed (S12)
        if (w.tracing()) w.emit("select.sock.refuse", object_, {{"port", port}, {"peer", m.from}, {"req", req}});
        Words reply;
        reply.word(req).word(0).word(0);
        send(m.from, kConnected, std::move(reply));
        break;
      }
      if (it == by_port_.end()) {
        const std::uint32_t n = ++next_;
        IPCSIM_ASSERT_MSG(n <= PipeKey::kMaxNumber, "too many sockets");
        RealSock& s = socks_[n];
        s.key = PipeKey{cpu_->id(), incarnation_, n};
        s.port = port;
        by_port_[port] = n;
        if (w.tracing()) {
          w.emit("select.sock.create", object_,
                 {{"sock", s.key.packed()}, {"port", port}, {"send_buffer", sys_->config().sock_send_buffer}});
        }
        it = by_port_.find(port);
      }
      RealSock& s = socks_.at(it->second);
      attach(s, m.from, true);
      Words reply;
      reply.word(req).word(s.key.packed()).word(s.contention ? 1 : 0).word(s.forwarded);
      send(m.from, kConnected, std::move(reply));
      pump(s);
      break;
    }
    case kAttach: {
      if (RealSock* s = lookup(key)) {
        attach(*s, m.from, false);
        pump(*s);
      } else {
        Words reply;
        reply.word(key.packed()).word(static_cast<std::uint64_t>(Ev::Read)).word(1);
        send(m.from, kNotify, std::move(reply));
      }
      break;
    }
    case kInterest: {
      const Ev ev = static_cast<Ev>(word_at(b, 1));
      RealSock* s = lookup(key);
      Words reply;
      const bool forwarding_here = s != nullptr && !s->contention && m.from == s->forward_to &&
                                   !sys_->config().bugs.silent_switch_back;
      if (s == nullptr) {
        reply.word(key.packed()).word(static_cast<std::uint64_t>(ev)).word(1);
        send(m.from, kNotify, std::move(reply));
      } else if (ev == Ev::Read && forwarding_here) {
        // Asked before the kForward reached it: its waiters wait at the shadow now.
      } else if (ev == Ev::Write) {
        if (s->writable(sys_->config().sock_send_buffer)) {
          reply.word(key.packed()).word(static_cast<std::uint64_t>(ev)).word(0);
          send(m.from, kNotify, std::move(reply));
        } else {
          s->write_interest.insert(m.from);
          if (w.tracing()) {
            w.emit("select.agent.record", object_, {{"pipe", key.packed()}, {"event", to_string(ev)}, {"peer", m.from}});
          }
        }
      } else if (ev == Ev::Except) {
        if (!s->oob.empty()) {  // urgent data is pending: exceptional now
          reply.word(key.packed()).word(static_cast<std::uint64_t>(ev)).word(0);
          send(m.from, kNotify, std::move(reply));
        } else if (!sys_->config().bugs.except_not_recorded) {
          s->except_interest.insert(m.from);
          if (w.tracing()) {
            w.emit("select.agent.record", object_, {{"pipe", key.packed()}, {"event", to_string(ev)}, {"peer", m.from}});
          }
        }
      } else if (ev == Ev::Read && (s->queue.empty() || s->recalling)) {
        s->read_interest.insert(m.from);
        if (w.tracing()) {
          w.emit("select.agent.record", object_, {{"pipe", key.packed()}, {"event", to_string(ev)}, {"peer", m.from}});
        }
      } else {
        reply.word(key.packed()).word(static_cast<std::uint64_t>(ev)).word(0);
        send(m.from, kNotify, std::move(reply));
      }
      break;
    }
    case kQuery: {
      const Ev ev = static_cast<Ev>(word_at(b, 1));
      const std::uint64_t req = word_at(b, 2);
      RealSock* s = lookup(key);
      Words reply;
      const bool ready = s != nullptr && ((ev == Ev::Write && s->writable(sys_->config().sock_send_buffer)) ||
                                          (ev == Ev::Read && !s->queue.empty() && !s->recalling) ||
                                          (ev == Ev::Except && !s->oob.empty()));
      reply.word(req).word(s == nullptr ? 2 : ready ? 1 : 0);
      send(m.from, kQueryReply, std::move(reply));
      break;
    }
    case kCancel: {
      if (RealSock* s = lookup(key)) s->read_interest.erase(m.from);
      break;
    }
    case kSockRead: {
      const std::uint64_t req = word_at(b, 1);
      RealSock* s = lookup(key);
      if (s == nullptr) {
        Words reply;
        reply.word(req).word(static_cast<std::uint64_t>(-1)).word(0);
        send(m.from, kSockReadReply, std::move(reply));
      } else if (word_at(b, 2) != 0) {
        serve_oob(*s, m.from, req);  // out-of-band data is here in either mode, outside the stream's order
      } else if (s->recalling) {
        s->pending_reads.emplace_back(m.from, req);
      } else if (!s->contention && m.from == s->forward_to && !sys_->config().bugs.silent_switch_back) {
        answer_moved(*s, m.from, req);  // sent in contention mode, arrived after the switch back
      } else {
        serve(*s, m.from, req);
      }
      break;
    }
    case kReturn: {
      RealSock* s = lookup(key);
      if (s == nullptr) break;
      const std::uint64_t n = word_at(b, 1);
      for (std::uint64_t i = n; i > 0; --i) s->queue.push_front(word_at(b, 1 + i));
      if (w.tracing()) w.emit("select.sock.returned", object_, {{"sock", key.packed()}, {"packets", n}});
      if (s->recalling > 0) --s->recalling;
      if (auto r = s->recalled.find(m.from); r != s->recalled.end()) s->recalled.erase(r);
      leave_contention_if_alone(*s);
      pump(*s);
      break;
    }
    case kSockWrite: {
      const std::uint64_t req = word_at(b, 1);
      if (RealSock* s = lookup(key)) {
        accept_write(*s, m.from, req, static_cast<std::uint32_t>(word_at(b, 2)));
      } else {
        Words reply;
        reply.word(req).word(static_cast<std::uint64_t>(-1));
        send(m.from, kWriteAck, std::move(reply));
      }
      break;
    }
    case kDetach: {
      if (RealSock* s = lookup(key)) {
        detach(*s, m.from);
        pump(*s);
      }
      break;
    }
    default:
      break;
  }
}

sim::Task<> IoProcess::run(sim::Ctx cx) {
  sim::World& w = cx.world();
  for (;;) {
    std::optional<sim::Message> got;
    if (tx_sock_ != 0) {
      got = co_await port_->recv_for(std::max(tx_until_ - w.now(), sim::Duration{0}));
    } else {
      got = co_await port_->recv();
    }
    touch();
    if (tx_sock_ != 0 && w.now() >= tx_until_) {  // the segment on the wire is out
      end_transmit();
      start_transmit();
    }
    // A copy the bus made is dropped: each message is handled once.
    if (got && got->copy == 0 && !answer_again(*got)) {
      const std::size_t before = outbox_.size();
      handle(*got);
      keep_answer(*got, before);
    }
    while (!outbox_.empty()) {
      Outgoing out = std::move(outbox_.front());
      outbox_.pop_front();
      Kernel* to = sys_->kernel_if(out.to);
      if (to == nullptr) continue;
      const std::uint32_t tag = out.tag;
      const std::uint64_t id = co_await sys_->bus().send(to->port(), out.tag, std::move(out.body));
      touch();
      if (w.tracing()) w.emit("select.io.send", object_, {{"msg_kind", tag_name(tag)}, {"peer", out.to}, {"msg", id}});
    }
  }
}

void IoProcess::digest(sim::StateHash& h) const {
  h.add(incarnation_).add(socks_.size()).add(tx_sock_);
  for (const auto& [n, s] : socks_) {
    h.add(n).add(s.queue.size()).add(s.attached.size()).add(s.contention ? 1 : 0).add(s.recalling ? 1 : 0);
    for (auto p : s.queue) h.add(p);
    h.add(s.oob.size()).add(s.out_bytes).add(s.out.size());
    for (auto p : s.oob) h.add(p);
  }
}

}  // namespace ipcsim::select

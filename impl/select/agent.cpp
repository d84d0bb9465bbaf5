// The agent of one CPU (the seed's Fig. 3), and the System that starts one per
// CPU. The agent is always running: it takes every message for its CPU (bus
// messages from other agents, and kicks from its own kernel when the kernel
// has queued messages to send), and
//  - as the remote interface: sends the kernel's queued messages, answers
//    reads and writes of the pipes homed here, and records remote interest
//    (pipe, event, CPU) or notifies at once when the pipe is ready (T10, T12);
//  - as the distributor: on a notification, clears the outstanding request and
//    posts the readiness to every local waiter of that (pipe, event) in the
//    same step (T8), waking each;
//  - as the liveness checker: while it depends on a remote CPU (outstanding
//    interest, waiters on its shadows, forwarded reads or writes), it pings
//    that CPU every check period; a CPU that did not answer the previous ping
//    is declared dead and everyone waiting on it is woken with error readiness.
#include <algorithm>

#include "impl/select/io_process.hpp"
#include "impl/select/kernel.hpp"
#include "sim/state_hash.hpp"

namespace ipcsim::select {
namespace {

class Agent {
 public:
  Agent(System& sys, Kernel& k, sim::Ctx cx) : sys_(sys), k_(k), cx_(cx), w_(cx.world()) {}

  sim::Task<> run() {
    const SelectConfig& cfg = k_.config();
    std::optional<sim::Instant> next_check;
    for (;;) {
      k_.touch();
      const bool watch = !cfg.bugs.no_liveness && !k_.dependencies().empty();
      std::optional<sim::Message> m;
      if (watch) {
        if (!next_check) next_check = w_.now() + cfg.check_period;
        m = co_await k_.port().recv_for(std::max(*next_check - w_.now(), sim::Duration{0}));
      } else {
        next_check.reset();
        for (auto& [cpu, peer] : k_.peers) {
          peer.awaiting = false;
          peer.missed = 0;
        }
        m = co_await k_.port().recv();
      }
      k_.touch();
      k_.kicked = true;  // the outbox is drained below: no kick needed until then
      // The messaging system delivers each message once: a copy the bus made
      // (same id, copy > 0) is dropped, or a forwarded write would land twice.
      if (m && m->copy != 0) {
        if (w_.tracing()) w_.emit("select.agent.duplicate", k_.object(), {{"msg", m->id}, {"copy", m->copy}});
        m.reset();
      }
      if (m) co_await handle(*m);
      if (next_check && w_.now() >= *next_check) {
        check_peers();
        resend_interests();
        next_check = w_.now() + cfg.check_period;
      }
      co_await drain();
      k_.kicked = false;
    }
  }

 private:
  sim::Task<> handle(const sim::Message& m) {
    const auto& b = m.body;
    if (m.tag == kKick) co_return;
    const PipeKey pipe = PipeKey::unpack(word_at(b, 0));
    const Ev ev = static_cast<Ev>(word_at(b, 1));
    trace_recv(m);
    switch (m.tag) {
      case kInterest: {
        Pipe* p = k_.pipe(pipe);
        if (p == nullptr) {
          notify(m.from, pipe, ev, true);
        } else if (p->ready(ev)) {
          notify(m.from, pipe, ev, false);
        } else {
          if (k_.config().bugs.record_after_check) {
            // "If the FD is not ready, ... stores information": in a later step.
            co_await cx_.yield();
            k_.touch();
            p = k_.pipe(pipe);
            if (p == nullptr) co_return;
          }
          p->remote[static_cast<int>(ev)].insert(m.from);
          if (w_.tracing()) {
            w_.emit("select.agent.record", k_.object(),
                    {{"pipe", pipe.packed()}, {"event", to_string(ev)}, {"peer", m.from}});
          }
        }
        break;
      }
      case kNotify: {
        if (word_at(b, 2) != 0) {
          k_.pipe_dead(pipe);
          break;
        }
        auto it = k_.interests.find({pipe.packed(), ev});
        if (it == k_.interests.end()) break;  // nobody here asked (any more): nothing to post
        std::vector<Pipe::Waiter> waiters = std::move(it->second.waiters);
        it->second.waiters.clear();
        const bool late_clear = k_.config().bugs.rearm_after_fanout;
        if (k_.config().bugs.outstanding_never_cleared) {
          // The request stays outstanding, with nobody left waiting on it.
          for (const auto& wt : waiters) k_.post(wt, ev);
          break;
        }
        // The outstanding request ends with the fan-out, in this same step: a
        // select arriving after it sends a request of its own.
        if (!late_clear) k_.interests.erase(it);
        if (k_.config().bugs.notify_first_only && waiters.size() > 1) waiters.resize(1);
        if (w_.tracing()) {
          w_.emit("select.agent.distribute", k_.object(),
                  {{"pipe", pipe.packed()}, {"event", to_string(ev)}, {"waiters", waiters.size()}});
        }
        for (const auto& wt : waiters) k_.post(wt, ev);
        if (late_clear) {
          co_await cx_.yield();
          k_.touch();
          k_.interests.erase({pipe.packed(), ev});  // with whoever registered meanwhile
        }
        break;
      }
      case kOpen:
      case kClose: {  // an open description of one end, in the sender's space, opened or closed
        // Held in the memory space of (CPU, incarnation): the sender's for a
        // close, the forked child's for an open announced at a fork.
        const Kernel::Holder holder{static_cast<sim::CpuId>(word_at(b, 2)), static_cast<std::uint32_t>(word_at(b, 3))};
        const Open::Kind end = word_at(b, 1) != 0 ? Open::Kind::PipeWrite : Open::Kind::PipeRead;
        // On a lossy bus it carries a request number: counted once, however often it comes.
        const std::uint64_t req = word_at(b, 4);
        if (req != 0 && answer_again(m.from, req)) break;
        if (req != 0) {
          Words ack;
          ack.word(req);
          answer(m.from, req, kCountAck, std::move(ack));
        }
        if (Pipe* p = k_.pipe(pipe)) {
          if (holder.first == k_.id()) {
            k_.end_count(*p, end, m.tag == kOpen ? 1 : -1);
          } else {
            k_.held_count(*p, end, holder, m.tag == kOpen ? 1 : -1);
          }
        }
        break;
      }
      case kCountAck: {
        k_.counts_unacked.erase(word_at(b, 0));
        break;
      }
      case kCancel: {  // broken variant cancel_on_timeout: the asking CPU withdraws its interest
        if (Pipe* p = k_.pipe(pipe)) p->remote[static_cast<int>(ev)].erase(m.from);
        break;
      }
      case kRead: {
        const std::uint64_t req = word_at(b, 1);
        if (answer_again(m.from, req)) break;
        const std::size_t max = word_at(b, 2);
        Words reply;
        Pipe* p = k_.pipe(pipe);
        if (p == nullptr || (p->data.empty() && p->reset)) {  // gone, or a reset socketpair's one failed read
          if (p != nullptr) p->reset = false;
          reply.word(req).word(static_cast<std::uint64_t>(-1));
        } else {
          const std::size_t n = std::min(max, p->data.size());
          std::vector<std::byte> bytes(p->data.begin(), p->data.begin() + static_cast<std::ptrdiff_t>(n));
          for (const Passed& r : k_.take_rights(*p, n)) k_.drop_right(r);  // read(), not recvmsg(): the FDs are closed
          p->data.erase(p->data.begin(), p->data.begin() + static_cast<std::ptrdiff_t>(n));
          reply.word(req).word(n).raw(bytes);
          if (n > 0) {
            if (w_.tracing()) {
              w_.emit("select.pipe.take", k_.object(), {{"pipe", pipe.packed()}, {"bytes", n}, {"to_cpu", m.from}});
            }
            k_.pipe_changed(*p);
          }
        }
        answer(m.from, req, kReadReply, std::move(reply));
        break;
      }
      case kWrite: {
        const std::uint64_t req = word_at(b, 1);
        if (answer_again(m.from, req)) break;
        Words reply;
        Pipe* p = k_.pipe(pipe);
        if (p == nullptr || p->broken()) {  // gone, or EPIPE: no read end is open
          reply.word(req).word(static_cast<std::uint64_t>(-1));
        } else {
          const std::size_t len = b.size() - 16;
          const std::size_t accepted = p->accepts(len);
          p->data.insert(p->data.end(), b.begin() + 16, b.begin() + 16 + static_cast<std::ptrdiff_t>(accepted));
          reply.word(req).word(accepted);
          if (accepted > 0) {
            if (w_.tracing()) {
              w_.emit("select.pipe.write", k_.object(),
                      {{"pipe", pipe.packed()}, {"bytes", accepted}, {"from_cpu", m.from}});
            }
            k_.pipe_changed(*p);
          }
        }
        answer(m.from, req, kWriteAck, std::move(reply));
        break;
      }
      case kSendFd: {  // a byte carrying an FD, into a socketpair way homed here
        const std::uint64_t req = word_at(b, 1);
        if (answer_again(m.from, req)) break;
        Words reply;
        Pipe* p = k_.pipe(pipe);
        if (p == nullptr || p->broken()) {
          reply.word(req).word(static_cast<std::uint64_t>(-1));
        } else if (p->accepts(1) == 0) {
          reply.word(req).word(0);
        } else {
          k_.pass_in(*p, {static_cast<Open::Kind>(word_at(b, 2)), PipeKey::unpack(word_at(b, 3))});
          if (w_.tracing()) {
            w_.emit("select.pipe.write", k_.object(), {{"pipe", pipe.packed()}, {"bytes", 1}, {"from_cpu", m.from}});
          }
          reply.word(req).word(1);
          k_.pipe_changed(*p);
        }
        answer(m.from, req, kWriteAck, std::move(reply));
        break;
      }
      case kRecvFd: {  // take one byte of a socketpair way homed here, and the FD it carries
        const std::uint64_t req = word_at(b, 1);
        if (answer_again(m.from, req)) break;
        Words reply;
        Pipe* p = k_.pipe(pipe);
        if (p == nullptr || (p->data.empty() && p->reset)) {
          if (p != nullptr) p->reset = false;
          reply.word(req).word(static_cast<std::uint64_t>(-1));
        } else if (p->data.empty()) {
          reply.word(req).word(0);
        } else {
          const std::vector<Passed> rights = k_.take_rights(*p, 1);
          p->data.pop_front();
          if (w_.tracing()) {
            w_.emit("select.pipe.take", k_.object(), {{"pipe", pipe.packed()}, {"bytes", 1}, {"to_cpu", m.from}});
          }
          if (rights.empty()) {
            reply.word(req).word(2);  // a byte without an FD
          } else {
            k_.hand_over(rights.front(), {m.from, static_cast<std::uint32_t>(word_at(b, 2))});
            const Passed& r = rights.front();
            reply.word(req).word(1).word(static_cast<std::uint64_t>(r.kind)).word(r.pipe.packed());
          }
          k_.pipe_changed(*p);
        }
        answer(m.from, req, kReadReply, std::move(reply));
        break;
      }
      case kReadReply:
      case kWriteAck: {
        const std::uint64_t req = word_at(b, 0);
        auto it = k_.pending.find(req);
        if (it == k_.pending.end()) break;
        if (Proc* p = k_.proc(it->second.pid)) {
          p->replied = true;
          p->status = static_cast<std::int64_t>(word_at(b, 1));
          p->reply.assign(b.begin() + std::min<std::size_t>(16, b.size()), b.end());
          k_.wake_if_waiting(*p);
        }
        k_.pending.erase(it);
        break;
      }
      case kConnected: {
        const std::uint64_t req = word_at(b, 0);
        auto it = k_.pending.find(req);
        if (it == k_.pending.end()) break;
        const std::uint64_t sock = word_at(b, 1);
        if (it->second.provisional != 0) {
          // Broken variant shadow_before_real: the user holds the shadow
          // already and waits for nothing. S20-S22: bind the shadow to the
          // real socket; a refusal has no shadow to store into and nobody
          // waiting to wake: it goes no further.
          if (sock != 0) k_.bind_shadow(it->second.provisional, sock, word_at(b, 2) != 0);
          k_.pending.erase(it);
          break;
        }
        if (sock != 0) {
          // The shadow socket (S8), in the mode the real socket is in. A
          // shadow whose space detached (a tombstone) is made again.
          auto old = k_.socks.find(sock);
          const bool made = old == k_.socks.end() || old->second.opens == 0;
          ShadowSock& s = k_.socks[sock];
          s.contention = word_at(b, 2) != 0;
          if (made && !s.contention) s.received = word_at(b, 3);  // forwarding numbers go on from here
          if (made && w_.tracing()) {
            w_.emit("select.shadow.create", k_.object(),
                    {{"pipe", sock}, {"end", "socket"}, {"open", 0}, {"contention", s.contention}});
          }
        }
        if (Proc* p = k_.proc(it->second.pid)) {
          p->replied = true;
          p->status = sock == 0 ? -1 : static_cast<std::int64_t>(sock);
          k_.wake_if_waiting(*p);
        }
        k_.pending.erase(it);
        break;
      }
      case kData: {  // forwarding mode: store at the shadow, wake its readers (S18-S22)
        const std::uint64_t sock = word_at(b, 0);
        ShadowSock& s = k_.socks[sock];
        s.early[word_at(b, 2)] = word_at(b, 1);
        if (s.contention && k_.config().bugs.silent_switch_back) {
          // The literal reading: the first forwarded packet says "forwarding again".
          s.contention = false;
          s.received = word_at(b, 2) - 1;
          if (w_.tracing()) {
            w_.emit("select.shadow.mode", k_.object(), {{"sock", sock}, {"mode", "forwarding"}, {"base", s.received}});
          }
        }
        // A packet that overtook the kForward waits for it.
        if (!s.contention) take_in_order(sock);
        break;
      }
      case kForward: {  // one space left: this one; its readers read here again
        const std::uint64_t sock = word_at(b, 0);
        ShadowSock& s = k_.socks[sock];
        s.contention = false;
        s.received = word_at(b, 1);
        if (w_.tracing()) {
          w_.emit("select.shadow.mode", k_.object(), {{"sock", sock}, {"mode", "forwarding"}, {"base", s.received}});
        }
        // Selects here that asked the real socket for read readiness wait for
        // the forwarded packets now: the real socket will not notify them.
        if (auto it = k_.interests.find({sock, Ev::Read}); it != k_.interests.end()) {
          auto& ws = k_.sock_waiters[sock];
          ws.insert(ws.end(), it->second.waiters.begin(), it->second.waiters.end());
          k_.interests.erase(it);
        }
        take_in_order(sock);
        break;
      }
      case kRecall: {  // contention starts: give back what this shadow holds, once all forwarded are in
        const std::uint64_t sock = word_at(b, 0);
        ShadowSock& s = k_.socks[sock];
        s.recall_after = std::max<std::uint64_t>(word_at(b, 1), 1);
        s.recall_from = m.from;
        if (s.received >= word_at(b, 1)) give_back(sock, m.from);
        break;
      }
      case kSockReadReply: {
        const std::uint64_t req = word_at(b, 0);
        auto it = k_.pending.find(req);
        if (it == k_.pending.end()) break;
        if (word_at(b, 1) == 2) {  // sent in contention mode, answered after the switch back: read here
          const std::uint64_t sock = word_at(b, 3);
          ShadowSock& s = k_.socks[sock];
          s.moved_reads.push_back({req, word_at(b, 2)});
          serve_moved_reads(sock);
          break;
        }
        if (Proc* p = k_.proc(it->second.pid)) {
          p->replied = true;
          p->status = static_cast<std::int64_t>(word_at(b, 1));
          p->reply.clear();
          Words id;
          id.word(word_at(b, 2));
          p->reply = std::move(id.bytes);
          k_.wake_if_waiting(*p);
        }
        k_.pending.erase(it);
        break;
      }
      case kQuery: {  // a poll: answer now, record nothing
        const std::uint64_t req = word_at(b, 2);
        Pipe* p = k_.pipe(pipe);
        Words reply;
        reply.word(req).word(p == nullptr ? 2 : p->ready(ev) ? 1 : 0);
        k_.send(m.from, kQueryReply, std::move(reply));
        break;
      }
      case kQueryReply: {
        const std::uint64_t req = word_at(b, 0);
        auto it = k_.pending.find(req);
        if (it == k_.pending.end()) break;
        const Kernel::Pending q = it->second;
        k_.pending.erase(it);
        Proc* p = k_.proc(q.pid);
        if (p == nullptr) break;
        const std::uint64_t answer = word_at(b, 1);
        if (answer == 2) k_.pipe_dead(pipe_of(*p, q.fd));
        if (answer == 1 && p->call != 0) p->ready.push_back({p->call, q.fd, q.ev});
        if (p->queries > 0 && --p->queries == 0) k_.wake_if_waiting(*p);
        break;
      }
      case kPing: {
        Words reply;
        reply.word(k_.incarnation());
        k_.send(m.from, kPong, std::move(reply));
        break;
      }
      case kPong: {
        const auto incarnation = static_cast<std::uint32_t>(word_at(b, 0));
        Kernel::Peer& peer = k_.peers[m.from];
        peer.awaiting = false;
        peer.missed = 0;
        peer.incarnation = incarnation;
        if (knows_older(m.from, incarnation)) k_.declare_dead(m.from, incarnation);
        break;
      }
      default:
        break;
    }
  }

  // Forwarded packets are taken in forwarding order, whatever order the bus
  // delivered them in; then a recall or moved reads waiting for them go on.
  void take_in_order(std::uint64_t sock) {
    ShadowSock& s = k_.socks[sock];
    if (!s.contention) {
      auto it = k_.sock_waiters.find(sock);  // waiters moved here by a kForward, with packets already held
      if (!s.held.empty() && it != k_.sock_waiters.end()) {
        std::vector<Pipe::Waiter> ws = std::move(it->second);
        k_.sock_waiters.erase(it);
        for (const auto& wt : ws) k_.post(wt, Ev::Read);
      }
    }
    for (auto next = s.early.find(s.received + 1); next != s.early.end(); next = s.early.find(s.received + 1)) {
      const std::uint64_t packet = next->second;
      s.early.erase(next);
      ++s.received;
      if (w_.tracing()) w_.emit("select.shadow.store", k_.object(), {{"sock", sock}, {"packet", packet}});
      k_.sock_data(sock, packet);
    }
    serve_moved_reads(sock);
    if (s.recall_after != 0 && s.received >= s.recall_after) give_back(sock, s.recall_from);
  }

  // Reads answered "read at your shadow" take the shadow's next packet once
  // every packet forwarded before the answer is in (in the order they were asked).
  void serve_moved_reads(std::uint64_t sock) {
    ShadowSock& s = k_.socks[sock];
    while (!s.moved_reads.empty() && s.received >= s.moved_reads.front().after && !s.contention) {
      const std::uint64_t req = s.moved_reads.front().req;
      s.moved_reads.pop_front();
      auto it = k_.pending.find(req);
      if (it == k_.pending.end()) continue;
      std::uint64_t packet = 0;
      if (!s.held.empty()) {
        packet = s.held.front();
        s.held.pop_front();
      }
      if (w_.tracing()) {
        w_.emit("select.shadow.moved_read", k_.object(), {{"sock", sock}, {"req", req}, {"packet", packet}});
      }
      if (Proc* p = k_.proc(it->second.pid)) {
        p->replied = true;
        p->status = packet != 0 ? 1 : 0;
        Words id;
        id.word(packet).word(1);  // taken at the shadow: a local read after all
        p->reply = std::move(id.bytes);
        k_.wake_if_waiting(*p);
      }
      k_.pending.erase(it);
    }
  }

  // The drain at the switch to contention mode: every packet this shadow
  // holds goes back to the real socket, and the shadow's readers read there
  // from now on (both in this one step).
  void give_back(std::uint64_t sock, sim::CpuId io) {
    ShadowSock& s = k_.socks[sock];
    s.recall_after = 0;
    std::vector<std::uint64_t> packets(s.held.begin(), s.held.end());
    const bool copies = k_.config().bugs.recall_keeps_copies;
    if (!copies) {
      s.held.clear();
      s.contention = true;
    }
    Words back;
    back.word(sock).word(packets.size());
    for (auto p : packets) back.word(p);
    k_.send(io, kReturn, std::move(back), true);
    if (w_.tracing()) w_.emit("select.shadow.recall", k_.object(), {{"sock", sock}, {"packets", packets.size()}});
    // Local readers waiting on the shadow now wait on the real socket.
    auto it = copies ? k_.sock_waiters.end() : k_.sock_waiters.find(sock);
    if (it == k_.sock_waiters.end()) return;
    std::vector<Pipe::Waiter> ws = std::move(it->second);
    k_.sock_waiters.erase(it);
    Interest& in = k_.interests[{sock, Ev::Read}];
    for (const auto& wt : ws) in.waiters.push_back(wt);
    if (!ws.empty() && !in.outstanding) {
      in.outstanding = true;
      in.sent_at = w_.now();
      Words ask;
      ask.word(sock).word(static_cast<std::uint64_t>(Ev::Read));
      k_.send(io, kInterest, std::move(ask), true);
    }
  }

  static PipeKey pipe_of(const Proc& p, int fd) {
    auto it = p.fds.find(fd);
    return it == p.fds.end() ? PipeKey{} : it->second->pipe;
  }

  // Whether anything here refers to a pipe of an earlier incarnation of `peer`.
  bool knows_older(sim::CpuId peer, std::uint32_t incarnation) const {
    for (const auto& [key, in] : k_.interests) {
      const PipeKey p = PipeKey::unpack(key.first);
      if (p.home == peer && p.incarnation != incarnation) return true;
    }
    for (const auto& [key, s] : k_.socks) {
      const PipeKey p = PipeKey::unpack(key);
      if (p.home == peer && p.incarnation != incarnation && !s.dead) return true;
    }
    for (const auto& [n, p] : k_.pipes()) {  // ends of pipes here that its earlier life held
      for (const auto& by : p.held) {
        for (const auto& [who, k] : by) {
          if (who.first == peer && who.second != incarnation && k > 0) return true;
        }
      }
    }
    return false;
  }

  void notify(sim::CpuId to, PipeKey pipe, Ev ev, bool dead) {
    Words b;
    b.word(pipe.packed()).word(static_cast<std::uint64_t>(ev)).word(dead ? 1 : 0);
    k_.send(to, kNotify, std::move(b));
  }

  // A read or write asked again (its answer, or the request, was lost): the
  // same answer goes again; the pipe is not read or written twice.
  bool answer_again(sim::CpuId from, std::uint64_t req) {
    auto it = k_.answered.find({from, req});
    if (it == k_.answered.end()) return false;
    Words b;
    b.bytes = it->second.body;
    k_.send(from, it->second.tag, std::move(b));
    return true;
  }

  void answer(sim::CpuId to, std::uint64_t req, std::uint32_t tag, Words body) {
    if (k_.config().resend_period > sim::Duration{0}) k_.answered[{to, req}] = {to, tag, body.bytes, false};
    k_.send(to, tag, std::move(body));
  }

  // A lossy bus: requests outstanding for a resend period with waiters are
  // asked again. The home records a CPU once however often it asks, and
  // answers at once if the pipe is ready (the lost notification's case).
  void resend_interests() {
    const sim::Duration period = k_.config().resend_period;
    if (period <= sim::Duration{0}) return;
    for (auto& [key, in] : k_.interests) {
      if (!in.outstanding || in.waiters.empty() || w_.now() - in.sent_at < period) continue;
      const PipeKey pipe = PipeKey::unpack(key.first);
      in.sent_at = w_.now();
      if (w_.tracing()) {
        w_.emit("select.agent.resend", k_.object(),
                {{"msg_kind", "interest"}, {"pipe", key.first}, {"event", to_string(key.second)}, {"req", 0}});
      }
      Words b;
      b.word(key.first).word(static_cast<std::uint64_t>(key.second));
      k_.send(pipe.home, kInterest, std::move(b), k_.socks.count(key.first) != 0);  // a socket's: the I/O process
    }
    for (auto& [req, c] : k_.counts_unacked) {
      if (w_.now() - c.sent_at < period) continue;
      c.sent_at = w_.now();
      if (w_.tracing()) {
        w_.emit("select.agent.resend", k_.object(),
                {{"msg_kind", tag_name(c.msg.tag)}, {"pipe", word_at(c.msg.body, 0)}, {"event", ""}, {"req", req}});
      }
      Words b;
      b.bytes = c.msg.body;
      k_.send(c.msg.to, c.msg.tag, std::move(b));
    }
    for (auto& [req, pd] : k_.pending) {
      // The I/O process, like a pipe's home, keeps its answers by (CPU, request):
      // a socket read asked twice takes one packet, a write is applied once.
      if (pd.request.body.empty() || w_.now() - pd.sent_at < period) continue;
      pd.sent_at = w_.now();
      if (w_.tracing()) {
        w_.emit("select.agent.resend", k_.object(),
                {{"msg_kind", tag_name(pd.request.tag)}, {"pipe", word_at(pd.request.body, 0)}, {"event", ""},
                 {"req", req}});
      }
      Words b;
      b.bytes = pd.request.body;
      k_.send(pd.request.to, pd.request.tag, std::move(b), pd.request.io);
    }
  }

  void check_peers() {
    for (sim::CpuId peer : k_.dependencies()) {
      Kernel::Peer& p = k_.peers[peer];
      if (p.awaiting) {
        const std::uint32_t limit = k_.config().bugs.suspect_on_first_miss ? 1 : k_.config().suspect_after;
        if (++p.missed >= limit) {
          p.awaiting = false;
          p.missed = 0;
          k_.declare_dead(peer, std::nullopt);
          continue;
        }
        if (w_.tracing()) w_.emit("select.agent.suspect", k_.object(), {{"peer", peer}, {"missed", p.missed}});
      }
      p.awaiting = true;
      k_.send(peer, kPing, {});
    }
  }

  sim::Task<> drain() {
    while (!k_.outbox().empty()) {
      Outgoing out = std::move(k_.outbox().front());
      k_.outbox().pop_front();
      Kernel* to = sys_.kernel_if(out.to);
      if (to == nullptr) continue;
      sim::Port* port = &to->port();
      if (out.io) {
        if (sys_.io() == nullptr || sys_.io()->cpu().id() != out.to) continue;
        port = &sys_.io()->port();
      }
      const std::vector<std::byte> body = out.body;
      const std::uint64_t id = co_await sys_.bus().send(*port, out.tag, std::move(out.body));
      k_.touch();
      if (out.tag == kInterest) ++sys_.interests_sent;
      if (w_.tracing()) {
        const PipeKey pipe = PipeKey::unpack(word_at(body, 0));
        const bool has_pipe = out.tag == kInterest || out.tag == kNotify || out.tag == kRead || out.tag == kWrite;
        w_.emit("select.agent.send", k_.object(),
                {{"msg_kind", tag_name(out.tag)}, {"peer", out.to},
                 {"pipe", has_pipe ? pipe.packed() : std::uint64_t{0}},
                 {"event", out.tag == kInterest || out.tag == kNotify ? to_string(static_cast<Ev>(word_at(body, 1))) : ""},
                 {"dead", out.tag == kNotify && word_at(body, 2) != 0}, {"msg", id}});
      }
    }
  }

  void trace_recv(const sim::Message& m) {
    if (!w_.tracing()) return;
    const bool has_pipe = m.tag == kInterest || m.tag == kNotify || m.tag == kRead || m.tag == kWrite;
    w_.emit("select.agent.recv", k_.object(),
            {{"msg_kind", tag_name(m.tag)}, {"peer", m.from},
             {"pipe", has_pipe ? word_at(m.body, 0) : std::uint64_t{0}},
             {"event", m.tag == kInterest || m.tag == kNotify ? to_string(static_cast<Ev>(word_at(m.body, 1))) : ""},
             {"dead", m.tag == kNotify && word_at(m.body, 2) != 0}, {"msg", m.id}});
  }

  System& sys_;
  Kernel& k_;
  sim::Ctx cx_;
  sim::World& w_;
};

}  // namespace

sim::Task<> run_agent(System& sys, Kernel& k, sim::Ctx cx) {
  Agent agent(sys, k, cx);
  co_await agent.run();
}

}  // namespace ipcsim::select

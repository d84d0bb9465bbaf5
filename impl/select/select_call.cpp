// select() in the kernel: validation, the immediate answer from what this
// memory space knows, registration of the waits (local pipes' waiter lists,
// the select database for shadows, with duplicate suppression), polls that
// ask other CPUs, and the scan of the ready-FD list on every wake-up. Each
// kernel entry is one op: the scan and the sleep are atomic.
#include <algorithm>
#include <bit>

#include "impl/select/process.hpp"

namespace ipcsim::select {
namespace {

sim::Duration remaining(sim::World& w, sim::Instant deadline) { return deadline - w.now(); }

// Kernel-side state of one select() call, shared by its ops.
struct SelectCall {
  Kernel* k = nullptr;
  Pid pid = 0;
  Masks in;
  Masks* out = nullptr;
  sim::Instant deadline = sim::kTimeNever;
  std::uint64_t call = 0;
  int count = -1;
  bool done = false;
  // Broken variant check_then_sleep: the scan found nothing; the caller is
  // suspended by a later op, not by the one that scanned.
  bool sleep_next = false;

  // Whether a ready-list entry answers this call (an untagged one, of the
  // broken variant, answers any).
  bool answers(const ReadyEntry& e) const { return e.call == call || e.call == 0; }

  template <class F>
  void each(F&& f) const {
    for (Ev ev : {Ev::Read, Ev::Write, Ev::Except}) {
      for (std::uint64_t bits = in.of(ev); bits != 0; bits &= bits - 1) f(std::countr_zero(bits), ev);
    }
  }

  void finish(Proc& p, const char* why) {
    sim::World& w = k->world();
    Masks res;
    each([&](int fd, Ev ev) {
      const Open& o = *p.fds.at(fd);
      bool ready = k->local_ready(o, ev).value_or(false);
      for (const ReadyEntry& e : p.ready) ready = ready || (answers(e) && e.fd == fd && e.ev == ev);
      if (ready) res.of(ev) |= 1ULL << fd;
    });
    count = std::popcount(res.r) + std::popcount(res.w) + std::popcount(res.e);
    *out = res;
    // The caller's waits end with the call; remote interest stays recorded
    // (outstanding) until its notification comes: it is per CPU, not per call.
    if (k->config().bugs.cancel_on_timeout && std::string_view(why) == "timeout") cancel_remote(p);
    k->forget_call(pid, call);
    std::erase_if(p.ready, [&](const ReadyEntry& e) { return answers(e); });
    p.call = 0;
    done = true;
    if (w.tracing()) {
      w.emit("select.return", k->object(),
             {{"call", call}, {"count", count}, {"r", res.r}, {"w", res.w}, {"e", res.e}, {"why", why}});
    }
  }

  // A signal: -1 (EINTR), the caller's masks untouched; its waits and any
  // poll questions still out end with the call.
  void interrupted(Proc& p) {
    p.interrupted = false;
    k->forget_call(pid, call);
    std::erase_if(p.ready, [&](const ReadyEntry& e) { return answers(e); });
    std::erase_if(k->pending, [&](const auto& kv) { return kv.second.pid == pid && kv.second.query; });
    p.queries = 0;
    p.call = 0;
    count = -1;
    done = true;
    if (k->world().tracing()) {
      k->world().emit("select.return", k->object(),
                      {{"call", call}, {"count", -1}, {"r", 0}, {"w", 0}, {"e", 0}, {"why", "eintr"}});
    }
  }

  // Broken variant cancel_on_timeout: withdraw this call's remote interest,
  // whoever else on this CPU still waits on it.
  void cancel_remote(Proc& p) {
    each([&](int fd, Ev ev) {
      const Open& o = *p.fds.at(fd);
      if (!o.shadow || o.dead || ev == Ev::Except) return;
      ev = o.effective(ev);
      auto it = k->interests.find({o.key_for(ev).packed(), ev});
      if (it == k->interests.end() || !it->second.outstanding) return;
      it->second.outstanding = false;
      Words b;
      b.word(o.key_for(ev).packed()).word(static_cast<std::uint64_t>(ev));
      k->send(o.pipe.home, kCancel, std::move(b), o.kind == Open::Kind::Socket);
    });
  }

  void block(sim::Actor& self, Call& op, Proc& p) {
    std::optional<sim::Duration> timeout;
    if (deadline != sim::kTimeNever) timeout = std::max(remaining(k->world(), deadline), sim::Duration{0});
    k->world().block(self, op, p.wait.get(), p.wait->queue(), timeout);
  }

  // The end of a kernel entry that found nothing: suspend the caller in this
  // op (correct), or leave it to the next op (broken variant check_then_sleep).
  void sleep(sim::Actor& self, Call& op, Proc& p) {
    if (k->config().bugs.check_then_sleep) {
      sleep_next = true;
      return;
    }
    block(self, op, p);
  }

  void begin(sim::Actor& self, Call& op, int nfds) {
    sim::World& w = k->world();
    Proc& p = *k->proc(pid);
    const std::uint64_t keep = nfds >= kMaxFds ? ~0ULL : (1ULL << std::max(nfds, 0)) - 1;
    in.r &= keep;
    in.w &= keep;
    in.e &= keep;
    call = k->next_call();
    ++k->system().selects;
    if (w.tracing()) {
      w.emit("select.call", k->object(),
             {{"call", call}, {"nfds", nfds}, {"r", in.r}, {"w", in.w}, {"e", in.e},
              {"timeout_ns", deadline == sim::kTimeNever ? std::int64_t{-1} : sim::to_ns(deadline - w.now())}});
    }
    bool bad = false;
    each([&](int fd, Ev) { bad = bad || p.fds.count(fd) == 0; });
    if (bad) {
      count = -1;
      done = true;
      *out = Masks{};
      if (w.tracing()) {
        w.emit("select.return", k->object(),
               {{"call", call}, {"count", -1}, {"r", 0}, {"w", 0}, {"e", 0}, {"why", "bad_fd"}});
      }
      return;
    }
    bool any = false;
    each([&](int fd, Ev ev) {
      const Open& o = *p.fds.at(fd);
      if (w.tracing()) {
        w.emit("select.want", k->object(),
               {{"call", call}, {"fd", fd}, {"event", to_string(o.effective(ev))},
                {"pipe", o.kind == Open::Kind::File ? std::uint64_t{0} : o.key_for(ev).packed()},
                {"what", o.kind == Open::Kind::File     ? "file"
                         : o.kind == Open::Kind::Socket ? "socket"
                         : o.shadow                     ? "shadow"
                                                        : "pipe"}});
      }
      any = any || k->local_ready(o, ev).value_or(false);
      for (const ReadyEntry& e : p.ready) any = any || (e.call == 0 && e.fd == fd && e.ev == ev);
    });
    p.call = call;
    if (any) return finish(p, "ready");
    if (w.now() >= deadline) {
      // A poll: what only other CPUs know is asked for, and answered at once
      // (nothing is recorded there); the caller waits for the answers only.
      each([&](int fd, Ev ev) {
        const Open& o = *p.fds.at(fd);
        if (k->local_ready(o, ev).has_value()) return;
        const std::uint64_t req = k->next_req();
        k->pending[req] = {pid, o.pipe.home, true, fd, ev};
        ++p.queries;
        const Ev want = o.effective(ev);
        Words b;
        b.word(o.key_for(want).packed()).word(static_cast<std::uint64_t>(want)).word(req);
        k->send_request(req, o.pipe.home, kQuery, std::move(b), o.kind == Open::Kind::Socket);
      });
      if (p.queries == 0) return finish(p, "timeout");
      if (w.tracing()) w.emit("select.poll", k->object(), {{"call", call}, {"questions", p.queries}});
      k->world().block(self, op, p.wait.get(), p.wait->queue(), std::nullopt);
      return;
    }
    // Register: local pipes keep their waiters; remote (pipe, event) pairs go
    // to the select database, and to the pipe's home unless already asked.
    each([&](int fd, Ev asked) {
      const Open& o = *p.fds.at(fd);
      const Ev ev = o.effective(asked);
      if (o.kind == Open::Kind::File) return;
      const bool pipe_end = o.kind != Open::Kind::Socket;
      if (pipe_end && ((ev == Ev::Read && !o.reads_pipe()) || (ev == Ev::Write && !o.writes_pipe()))) return;  // never
      if (o.kind == Open::Kind::Socket && ev == Ev::Read && !k->socks[o.pipe.packed()].contention) {
        k->sock_waiters[o.pipe.packed()].push_back({pid, call, fd});  // forwarding: the packets come here
        return;
      }
      if (!o.shadow) {
        if (ev == Ev::Except) return;  // a pipe has no exceptional condition
        if (Pipe* pipe = k->pipe(o.key_for(ev))) pipe->waiters[static_cast<int>(ev)].push_back({pid, call, fd});
        return;
      }
      Interest& interest = k->interests[{o.key_for(ev).packed(), ev}];
      interest.waiters.push_back({pid, call, fd});
      ++k->system().remote_registrations;
      if (ev == Ev::Except && o.kind != Open::Kind::Socket) return;  // known locally: only a dead peer raises it
      const bool suppress = interest.outstanding && !k->config().bugs.no_dedupe;
      if (w.tracing()) {
        w.emit("select.register", k->object(),
               {{"call", call}, {"fd", fd}, {"event", to_string(ev)}, {"pipe", o.key_for(ev).packed()},
                {"suppressed", suppress}});
      }
      if (suppress) return;
      interest.outstanding = true;
      interest.sent_at = w.now();
      Words b;
      b.word(o.key_for(ev).packed()).word(static_cast<std::uint64_t>(ev));
      k->send(o.pipe.home, kInterest, std::move(b), o.kind == Open::Kind::Socket);
    });
    sleep(self, op, p);
  }

  // Woken (by the agent, a local writer, or the timeout): scan the ready list
  // for this call; sleep again if nothing of interest is there. One op: no
  // posting can fall between the scan and the sleep.
  void again(sim::Actor& self, Call& op) {
    Proc& p = *k->proc(pid);
    if (p.interrupted) return interrupted(p);
    if (p.queries > 0) {  // a poll still waiting for answers
      k->world().block(self, op, p.wait.get(), p.wait->queue(), std::nullopt);
      return;
    }
    bool any = false;
    for (const ReadyEntry& e : p.ready) any = any || answers(e);
    if (any) return finish(p, "ready");
    if (k->world().now() >= deadline) return finish(p, "timeout");
    if (k->world().tracing()) k->world().emit("select.sleep_again", k->object(), {{"call", call}});
    sleep(self, op, p);
  }
};

}  // namespace

sim::Task<int> Process::select(int nfds, Masks& masks, std::optional<sim::Duration> timeout) {
  SelectCall s;
  s.k = &kernel();
  s.pid = pid();
  s.in = masks;
  s.out = &masks;
  if (timeout) s.deadline = cx_.now() + std::max(*timeout, sim::Duration{0});
  co_await Call(cx_.world(), "select", [&](sim::Actor& self, Call& op) {
    s.k->touch();
    s.begin(self, op, nfds);
  });
  while (!s.done) {
    if (s.sleep_next) {
      // Broken variant check_then_sleep: another actor of this CPU (the agent
      // with a notification) may run between the scan and the suspend.
      s.sleep_next = false;
      co_await cx_.yield();
      co_await Call(cx_.world(), "select (suspend)", [&](sim::Actor& self, Call& op) {
        s.k->touch();
        s.block(self, op, *s.k->proc(s.pid));
      });
    }
    co_await Call(cx_.world(), "select (scan the ready list)", [&](sim::Actor& self, Call& op) {
      s.k->touch();
      s.again(self, op);
    });
  }
  co_return s.count;
}

}  // namespace ipcsim::select

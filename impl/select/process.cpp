#include "impl/select/process.hpp"

#include <algorithm>
#include <bit>

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
      for (const ReadyEntry& e : p.ready) ready = ready || (e.call == call && e.fd == fd && e.ev == ev);
      if (ready) res.of(ev) |= 1ULL << fd;
    });
    count = std::popcount(res.r) + std::popcount(res.w) + std::popcount(res.e);
    *out = res;
    // The caller's waits end with the call; remote interest stays recorded
    // (outstanding) until its notification comes: it is per CPU, not per call.
    k->forget_call(pid, call);
    std::erase_if(p.ready, [&](const ReadyEntry& e) { return e.call == call; });
    p.call = 0;
    done = true;
    if (w.tracing()) {
      w.emit("select.return", k->object(),
             {{"call", call}, {"count", count}, {"r", res.r}, {"w", res.w}, {"e", res.e}, {"why", why}});
    }
  }

  void block(sim::Actor& self, Call& op, Proc& p) {
    std::optional<sim::Duration> timeout;
    if (deadline != sim::kTimeNever) timeout = remaining(k->world(), deadline);
    k->world().block(self, op, p.wait.get(), p.wait->queue(), timeout);
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
               {{"call", call}, {"fd", fd}, {"event", to_string(ev)},
                {"pipe", o.kind == Open::Kind::File ? std::uint64_t{0} : o.pipe.packed()},
                {"what", o.kind == Open::Kind::File     ? "file"
                         : o.kind == Open::Kind::Socket ? "socket"
                         : o.shadow                     ? "shadow"
                                                        : "pipe"}});
      }
      any = any || k->local_ready(o, ev).value_or(false);
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
        Words b;
        b.word(o.pipe.packed()).word(static_cast<std::uint64_t>(ev)).word(req);
        k->send(o.pipe.home, kQuery, std::move(b), o.kind == Open::Kind::Socket);
      });
      if (p.queries == 0) return finish(p, "timeout");
      if (w.tracing()) w.emit("select.poll", k->object(), {{"call", call}, {"questions", p.queries}});
      k->world().block(self, op, p.wait.get(), p.wait->queue(), std::nullopt);
      return;
    }
    // Register: local pipes keep their waiters; remote (pipe, event) pairs go
    // to the select database, and to the pipe's home unless already asked.
    each([&](int fd, Ev ev) {
      const Open& o = *p.fds.at(fd);
      if (o.kind == Open::Kind::File) return;
      if (o.kind == Open::Kind::Socket && ev == Ev::Read && !k->socks[o.pipe.packed()].contention) {
        k->sock_waiters[o.pipe.packed()].push_back({pid, call, fd});  // forwarding: the packets come here
        return;
      }
      if (o.kind == Open::Kind::Socket && ev != Ev::Read) return;  // writable at once, never exceptional
      if (!o.shadow) {
        if (ev == Ev::Except) return;  // a pipe has no exceptional condition
        if (Pipe* pipe = k->pipe(o.pipe)) pipe->waiters[static_cast<int>(ev)].push_back({pid, call, fd});
        return;
      }
      Interest& interest = k->interests[{o.pipe.packed(), ev}];
      interest.waiters.push_back({pid, call, fd});
      ++k->system().remote_registrations;
      if (ev == Ev::Except) return;  // known locally: only a dead peer raises it
      const bool suppress = interest.outstanding && !k->config().bugs.no_dedupe;
      if (w.tracing()) {
        w.emit("select.register", k->object(),
               {{"call", call}, {"fd", fd}, {"event", to_string(ev)}, {"pipe", o.pipe.packed()},
                {"suppressed", suppress}});
      }
      if (suppress) return;
      interest.outstanding = true;
      Words b;
      b.word(o.pipe.packed()).word(static_cast<std::uint64_t>(ev));
      k->send(o.pipe.home, kInterest, std::move(b), o.kind == Open::Kind::Socket);
    });
    block(self, op, p);
  }

  // Woken (by the agent, a local writer, or the timeout): scan the ready list
  // for this call; sleep again if nothing of interest is there. One op: no
  // posting can fall between the scan and the sleep.
  void again(sim::Actor& self, Call& op) {
    Proc& p = *k->proc(pid);
    if (p.queries > 0) {  // a poll still waiting for answers
      k->world().block(self, op, p.wait.get(), p.wait->queue(), std::nullopt);
      return;
    }
    bool any = false;
    for (const ReadyEntry& e : p.ready) any = any || e.call == call;
    if (any) return finish(p, "ready");
    if (k->world().now() >= deadline) return finish(p, "timeout");
    if (k->world().tracing()) k->world().emit("select.sleep_again", k->object(), {{"call", call}});
    block(self, op, p);
  }
};

}  // namespace

Kernel& Process::kernel() const { return sys_->kernel(cx_.cpu().id()); }

sim::Task<int> Process::pipe(int fds[2]) {
  int result = -1;
  co_await Call(cx_.world(), "pipe", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    Proc& p = *k.proc(pid());
    Pipe& pipe = k.new_pipe();
    fds[0] = k.install(p, k.new_open(Open::Kind::PipeRead, pipe.key));
    fds[1] = k.install(p, k.new_open(Open::Kind::PipeWrite, pipe.key));
    result = fds[0] >= 0 && fds[1] >= 0 ? 0 : -1;
    sim::World& w = k.world();
    if (w.tracing()) {
      w.emit("select.pipe.create", k.object(),
             {{"pipe", pipe.key.packed()}, {"capacity", pipe.capacity}, {"rfd", fds[0]}, {"wfd", fds[1]}});
    }
  });
  co_return result;
}

sim::Task<int> Process::socket(sim::CpuId io_cpu, std::uint32_t port) {
  co_await Call(cx_.world(), "socket", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    k.touch();
    Proc& p = *k.proc(pid());
    const std::uint64_t req = k.next_req();
    k.pending[req] = {pid(), io_cpu};
    p.replied = false;
    p.status = -1;
    Words b;
    b.word(port).word(req);
    k.send(io_cpu, kConnect, std::move(b), true);  // S4-S10: through the agent to the I/O process
    k.world().block(self, op, p.wait.get(), p.wait->queue(), std::nullopt);
  });
  Kernel& k = kernel();
  k.touch();
  Proc& p = *k.proc(pid());
  int fd = -1;
  if (p.status > 0) fd = k.install(p, k.new_open(Open::Kind::Socket, PipeKey::unpack(static_cast<std::uint64_t>(p.status))));
  if (k.world().tracing()) {
    k.world().emit("select.socket", k.object(),
                   {{"fd", fd}, {"sock", p.status > 0 ? static_cast<std::uint64_t>(p.status) : std::uint64_t{0}},
                    {"port", port}});
  }
  co_return fd;
}

sim::Task<std::int64_t> Process::read_packet(int fd) {
  std::int64_t result = -1;
  bool remote = false;
  std::uint64_t sock = 0;
  co_await Call(cx_.world(), "read (socket)", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    k.touch();
    Proc& p = *k.proc(pid());
    auto it = p.fds.find(fd);
    if (it == p.fds.end() || it->second->kind != Open::Kind::Socket || it->second->dead) return;
    sock = it->second->pipe.packed();
    ShadowSock& s = k.socks[sock];
    if (s.dead) return;
    if (!s.contention) {  // forwarding mode: the next packet is here (claim 13)
      result = 0;
      if (!s.held.empty()) {
        result = static_cast<std::int64_t>(s.held.front());
        s.held.pop_front();
      }
      return;
    }
    remote = true;  // contention mode: ask the real socket for one packet
    const std::uint64_t req = k.next_req();
    k.pending[req] = {pid(), it->second->pipe.home};
    p.replied = false;
    Words b;
    b.word(sock).word(req);
    k.send(it->second->pipe.home, kSockRead, std::move(b), true);
    k.world().block(self, op, p.wait.get(), p.wait->queue(), std::nullopt);
  });
  Kernel& k = kernel();
  if (remote) {
    k.touch();
    Proc& p = *k.proc(pid());
    result = p.status == 1 ? static_cast<std::int64_t>(word_at(p.reply, 0)) : p.status;
  }
  if (k.world().tracing()) {
    k.world().emit("select.sock.read", k.object(),
                   {{"fd", fd}, {"sock", sock}, {"packet", result}, {"remote", remote}});
  }
  co_return result;
}

sim::Task<int> Process::open_file() {
  int fd = -1;
  co_await Call(cx_.world(), "open", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    fd = k.install(*k.proc(pid()), k.new_open(Open::Kind::File, PipeKey{}));
    if (k.world().tracing()) k.world().emit("select.fd.open", k.object(), {{"fd", fd}, {"what", "file"}});
  });
  co_return fd;
}

sim::Task<int> Process::mkfifo(std::string name) {
  int result = -1;
  co_await Call(cx_.world(), "mkfifo", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    sim::World& w = k.world();
    w.touch(sys_->fifo_dir_object(), sim::AccessMode::Write);
    if (sys_->fifo_dir().count(name) != 0) return;
    Pipe& pipe = k.new_pipe();
    sys_->fifo_dir()[name] = pipe.key;
    result = 0;
    if (w.tracing()) {
      w.emit("select.pipe.create", k.object(),
             {{"pipe", pipe.key.packed()}, {"capacity", pipe.capacity}, {"rfd", -1}, {"wfd", -1}});
      w.emit("select.fifo.create", k.object(), {{"name", name}, {"pipe", pipe.key.packed()}});
    }
  });
  co_return result;
}

sim::Task<int> Process::open_fifo(std::string name, bool write) {
  int fd = -1;
  co_await Call(cx_.world(), "open (fifo)", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    sim::World& w = k.world();
    w.touch(sys_->fifo_dir_object(), sim::AccessMode::Read);
    auto it = sys_->fifo_dir().find(name);
    if (it == sys_->fifo_dir().end()) return;
    auto open = k.new_open(write ? Open::Kind::PipeWrite : Open::Kind::PipeRead, it->second);
    // A FIFO whose CPU restarted since it was made is gone: its shadow is dead at once.
    open->dead = !open->shadow && k.pipe(it->second) == nullptr;
    fd = k.install(*k.proc(pid()), open);
    if (w.tracing()) {
      w.emit("select.fifo.open", k.object(),
             {{"name", name}, {"pipe", it->second.packed()}, {"fd", fd}, {"end", write ? "write" : "read"},
              {"shadow", open->shadow}});
    }
  });
  co_return fd;
}

sim::Task<int> Process::dup(int fd) {
  int result = -1;
  co_await Call(cx_.world(), "dup", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    Proc& p = *k.proc(pid());
    auto it = p.fds.find(fd);
    if (it != p.fds.end()) result = k.install(p, it->second);
    if (k.world().tracing()) k.world().emit("select.fd.dup", k.object(), {{"fd", fd}, {"new_fd", result}});
  });
  co_return result;
}

sim::Task<int> Process::close(int fd) {
  int result = -1;
  co_await Call(cx_.world(), "close", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    result = k.proc(pid())->fds.erase(fd) == 1 ? 0 : -1;
    if (k.world().tracing()) k.world().emit("select.fd.close", k.object(), {{"fd", fd}, {"result", result}});
  });
  co_return result;
}

sim::Task<std::int64_t> Process::read(int fd, std::size_t max) {
  std::int64_t result = -1;
  bool remote = false;
  std::uint64_t pipe_key = 0;
  co_await Call(cx_.world(), "read", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    k.touch();
    Proc& p = *k.proc(pid());
    auto it = p.fds.find(fd);
    if (it == p.fds.end()) return;
    const Open& o = *it->second;
    if (o.kind == Open::Kind::File) {
      result = static_cast<std::int64_t>(max);
      return;
    }
    if (o.kind != Open::Kind::PipeRead || o.dead) return;
    pipe_key = o.pipe.packed();
    if (o.shadow) {
      remote = true;
      const std::uint64_t req = k.next_req();
      k.pending[req] = {pid(), o.pipe.home};
      p.replied = false;
      Words b;
      b.word(o.pipe.packed()).word(req).word(max);
      k.send(o.pipe.home, kRead, std::move(b));
      k.world().block(self, op, p.wait.get(), p.wait->queue(), std::nullopt);
      return;
    }
    Pipe* pipe = k.pipe(o.pipe);
    if (pipe == nullptr) return;
    const std::size_t n = std::min(max, pipe->data.size());
    pipe->data.erase(pipe->data.begin(), pipe->data.begin() + static_cast<std::ptrdiff_t>(n));
    result = static_cast<std::int64_t>(n);
    sim::World& w = k.world();
    if (w.tracing() && n > 0) {
      w.emit("select.pipe.take", k.object(), {{"pipe", pipe_key}, {"bytes", n}, {"to_cpu", k.id()}});
    }
    if (n > 0) k.pipe_changed(*pipe);
  });
  Kernel& k = kernel();
  if (remote) {  // woken by the agent with the reply (or by a dead peer)
    k.touch();
    Proc& p = *k.proc(pid());
    result = p.status;
  }
  if (k.world().tracing()) {
    k.world().emit("select.read", k.object(), {{"fd", fd}, {"pipe", pipe_key}, {"bytes", result}, {"remote", remote}});
  }
  co_return result;
}

sim::Task<std::int64_t> Process::write(int fd, std::size_t n) {
  std::int64_t result = -1;
  bool remote = false;
  std::uint64_t pipe_key = 0;
  co_await Call(cx_.world(), "write", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    k.touch();
    Proc& p = *k.proc(pid());
    auto it = p.fds.find(fd);
    if (it == p.fds.end()) return;
    const Open& o = *it->second;
    if (o.kind == Open::Kind::File) {
      result = static_cast<std::int64_t>(n);
      return;
    }
    if (o.kind != Open::Kind::PipeWrite || o.dead) return;
    pipe_key = o.pipe.packed();
    std::vector<std::byte> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::byte>((pid() + i) & 0xff);
    if (o.shadow) {
      remote = true;
      const std::uint64_t req = k.next_req();
      k.pending[req] = {pid(), o.pipe.home};
      p.replied = false;
      Words b;
      b.word(o.pipe.packed()).word(req).raw(bytes);
      k.send(o.pipe.home, kWrite, std::move(b));
      k.world().block(self, op, p.wait.get(), p.wait->queue(), std::nullopt);
      return;
    }
    Pipe* pipe = k.pipe(o.pipe);
    if (pipe == nullptr) return;
    const std::size_t accepted = std::min<std::size_t>(n, pipe->capacity - pipe->data.size());
    pipe->data.insert(pipe->data.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(accepted));
    result = static_cast<std::int64_t>(accepted);
    sim::World& w = k.world();
    if (w.tracing() && accepted > 0) {
      w.emit("select.pipe.write", k.object(), {{"pipe", pipe_key}, {"bytes", accepted}, {"from_cpu", k.id()}});
    }
    if (accepted > 0) k.pipe_changed(*pipe);
  });
  Kernel& k = kernel();
  if (remote) {
    k.touch();
    result = k.proc(pid())->status;
  }
  if (k.world().tracing()) {
    k.world().emit("select.write", k.object(),
                   {{"fd", fd}, {"pipe", pipe_key}, {"bytes", n}, {"accepted", result}, {"remote", remote}});
  }
  co_return result;
}

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
    co_await Call(cx_.world(), "select (scan the ready list)", [&](sim::Actor& self, Call& op) {
      s.k->touch();
      s.again(self, op);
    });
  }
  co_return s.count;
}

sim::Task<> Process::fork(sim::Cpu& cpu, std::string name, Body body) {
  co_await Call(cx_.world(), "fork", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    std::vector<Inherited> inherited;
    for (const auto& [fd, open] : k.proc(pid())->fds) inherited.push_back({fd, open});
    const sim::ActorRef child = spawn_process(*sys_, cpu, name, std::move(body), std::move(inherited), pid());
    if (k.world().tracing()) {
      k.world().emit("select.fork", k.object(), {{"child", child.id}, {"to_cpu", cpu.id()}});
    }
  });
}

sim::ActorRef spawn_process(System& sys, sim::Cpu& cpu, std::string name, Body body, std::vector<Inherited> inherited,
                            Pid parent) {
  sim::CpuId parent_cpu = sim::kNoCpu;
  if (!inherited.empty()) parent_cpu = sys.world().current_actor() ? sys.world().current_actor()->cpu->id() : cpu.id();
  return sys.world().spawn(
      cpu, std::move(name),
      [&sys, body = std::move(body), inherited = std::move(inherited), parent, parent_cpu](sim::Ctx cx) -> sim::Task<> {
        Process p(sys, cx);
        co_await Call(cx.world(), "start", [&](sim::Actor& self, Call&) {
          Kernel& k = sys.kernel(self.cpu->id());
          k.touch();
          Proc& proc = k.add_proc(self);
          std::map<std::uint32_t, std::shared_ptr<Open>> made;  // the parent's open id -> ours
          for (const Inherited& inh : inherited) {
            if (parent_cpu == k.id()) {
              proc.fds[inh.fd] = inh.open;  // same memory space: the same open description
              continue;
            }
            auto& mine = made[inh.open->id];
            if (!mine && inh.open->kind == Open::Kind::Socket) {
              // A shadow socket here, one per CPU, in contention mode: this
              // CPU joins the socket's readers (the I/O process switches).
              mine = k.new_open(Open::Kind::Socket, inh.open->pipe);
              mine->dead = inh.open->dead;
              if (k.socks.count(inh.open->pipe.packed()) == 0) {
                k.socks[inh.open->pipe.packed()].contention = true;
                Words b;
                b.word(inh.open->pipe.packed());
                k.send(inh.open->pipe.home, kAttach, std::move(b), true);
                if (k.world().tracing()) {
                  k.world().emit("select.shadow.create", k.object(),
                                 {{"pipe", inh.open->pipe.packed()}, {"end", "socket"}, {"open", mine->id}});
                }
              }
            }
            if (!mine) {
              mine = k.new_open(inh.open->kind, inh.open->pipe);
              mine->dead = inh.open->dead || (!mine->shadow && inh.open->kind != Open::Kind::File &&
                                              k.pipe(inh.open->pipe) == nullptr);
              if (mine->shadow && k.world().tracing()) {
                k.world().emit("select.shadow.create", k.object(),
                               {{"pipe", mine->pipe.packed()},
                                {"end", mine->kind == Open::Kind::PipeRead ? "read" : "write"},
                                {"open", mine->id}});
              }
            }
            proc.fds[inh.fd] = mine;
          }
          if (k.world().tracing()) {
            k.world().emit("select.proc.start", k.object(), {{"parent", parent}, {"fds", proc.fds.size()}});
          }
        });
        co_await body(p);
        co_await Call(cx.world(), "exit", [&](sim::Actor& self, Call&) {
          Kernel& k = sys.kernel(self.cpu->id());
          k.touch();
          k.remove_proc(self.id);
          if (k.world().tracing()) k.world().emit("select.proc.exit", k.object(), {});
        });
      });
}

}  // namespace ipcsim::select

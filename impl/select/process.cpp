#include "impl/select/process.hpp"

#include <algorithm>
#include <bit>
#include <set>

namespace ipcsim::select {
namespace {

// A system call another memory space must answer: the request goes to
// `home`'s agent (`fill` writes its words, with the request number that lets
// the reply find this process), and the caller sleeps until its agent posts
// the reply or declares `home` dead.
template <class Fill>
void ask_home(Kernel& k, Proc& p, Pid pid, sim::Actor& self, Call& op, sim::CpuId home, std::uint32_t tag,
              bool io, Fill fill) {
  const std::uint64_t req = k.next_req();
  k.pending[req] = {pid, home};
  p.replied = false;
  Words b;
  fill(b, req);
  k.send_request(req, home, tag, std::move(b), io);
  k.world().block(self, op, p.wait.get(), p.wait->queue(), std::nullopt);
}

}  // namespace

Kernel& Process::kernel() const { return sys_->kernel(cx_.cpu().id()); }

Proc& Process::enter(Kernel& k) const {
  k.touch();
  return *k.proc(pid());
}

sim::Task<int> Process::pipe(int fds[2]) {
  int result = -1;
  co_await Call(cx_.world(), "pipe", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    Proc& p = enter(k);
    Pipe& pipe = k.new_pipe();
    fds[0] = k.install(p, k.new_open(Open::Kind::PipeRead, pipe.key));
    fds[1] = k.install(p, k.new_open(Open::Kind::PipeWrite, pipe.key));
    pipe.readers = 1;
    pipe.writers = 1;
    pipe.had_writer = true;
    pipe.had_reader = true;
    result = fds[0] >= 0 && fds[1] >= 0 ? 0 : -1;
    sim::World& w = k.world();
    if (w.tracing()) {
      w.emit("select.pipe.create", k.object(),
             {{"pipe", pipe.key.packed()}, {"capacity", pipe.capacity}, {"rfd", fds[0]}, {"wfd", fds[1]}});
      for (int fd : {fds[0], fds[1]}) {
        if (fd >= 0) k.trace_ends("select.end.open", *p.fds.at(fd));
      }
    }
  });
  co_return result;
}

sim::Task<int> Process::socketpair(int fds[2]) {
  int result = -1;
  co_await Call(cx_.world(), "socketpair", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    Proc& p = enter(k);
    Pipe& ab = k.new_pipe();  // end 0 writes, end 1 reads
    Pipe& ba = k.new_pipe();  // end 1 writes, end 0 reads
    for (Pipe* one_way : {&ab, &ba}) {
      one_way->of_pair = true;
      one_way->readers = 1;
      one_way->writers = 1;
      one_way->had_writer = true;
      one_way->had_reader = true;
    }
    ab.other_way = ba.key.number;
    ba.other_way = ab.key.number;
    auto end0 = k.new_open(Open::Kind::Pair, ba.key);
    end0->out = ab.key;
    auto end1 = k.new_open(Open::Kind::Pair, ab.key);
    end1->out = ba.key;
    fds[0] = k.install(p, end0);
    fds[1] = k.install(p, end1);
    result = fds[0] >= 0 && fds[1] >= 0 ? 0 : -1;
    sim::World& w = k.world();
    if (w.tracing()) {
      for (Pipe* one_way : {&ab, &ba}) {
        w.emit("select.pipe.create", k.object(),
               {{"pipe", one_way->key.packed()}, {"capacity", one_way->capacity},
                {"rfd", one_way == &ab ? fds[1] : fds[0]}, {"wfd", one_way == &ab ? fds[0] : fds[1]}});
      }
      k.trace_ends("select.end.open", *end0);
      k.trace_ends("select.end.open", *end1);
    }
  });
  co_return result;
}

sim::Task<int> Process::socket(sim::CpuId io_cpu, std::uint32_t port) {
  int early_fd = -1;
  PipeKey early{};
  std::uint64_t req = 0;
  co_await Call(cx_.world(), "socket", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    Proc& p = enter(k);
    p.status = -1;
    if (k.config().bugs.shadow_before_real) {
      // S8 before S12, literally: the shadow and its FD now, the connect on its way.
      early = k.next_provisional(io_cpu);
      k.socks[early.packed()];
      early_fd = k.install(p, k.new_open(Open::Kind::Socket, early));
      req = k.next_req();
      k.pending[req] = {pid(), io_cpu, false, 0, Ev::Read, early.packed()};
      Words b;
      b.word(port).word(req);
      k.send(io_cpu, kConnect, std::move(b), true);
      if (k.world().tracing()) {
        k.world().emit("select.shadow.create", k.object(),
                       {{"pipe", early.packed()}, {"end", "socket"}, {"open", 0}, {"contention", false}});
      }
      return;
    }
    // S4-S10: through the agent to the I/O process.
    ask_home(k, p, pid(), self, op, io_cpu, kConnect, true, [&](Words& b, std::uint64_t r) {
      req = r;
      b.word(port).word(r);
    });
  });
  Kernel& k = kernel();
  Proc& p = enter(k);
  int fd = early_fd;
  std::uint64_t sock = early.packed();
  if (early_fd < 0 && p.status > 0) {
    sock = static_cast<std::uint64_t>(p.status);
    fd = k.install(p, k.new_open(Open::Kind::Socket, PipeKey::unpack(sock)));
  }
  if (fd < 0) sock = 0;
  if (k.world().tracing()) {
    k.world().emit("select.socket", k.object(), {{"fd", fd}, {"sock", sock}, {"port", port}, {"req", req}});
  }
  co_return fd;
}

sim::Task<int> Process::open_tty(sim::CpuId telnet_cpu, std::uint32_t line) {
  const int fd = co_await socket(telnet_cpu, kTtyBase + line);
  Kernel& k = kernel();
  if (k.world().tracing()) k.world().emit("select.tty.open", k.object(), {{"fd", fd}, {"line", line}});
  co_return fd;
}

sim::Task<std::int64_t> Process::read_packet(int fd) {
  std::int64_t result = -1;
  bool remote = false;
  std::uint64_t sock = 0;
  co_await Call(cx_.world(), "read (socket)", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    Proc& p = enter(k);
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
    ask_home(k, p, pid(), self, op, it->second->pipe.home, kSockRead, true,
             [&](Words& b, std::uint64_t req) { b.word(sock).word(req); });
  });
  Kernel& k = kernel();
  if (remote) {
    const Proc& p = enter(k);
    result = p.status == 1 ? static_cast<std::int64_t>(word_at(p.reply, 0)) : p.status;
    // Asked in contention mode, taken at the shadow after the switch back.
    if (p.reply.size() >= 16 && word_at(p.reply, 1) == 1) remote = false;
  }
  if (k.world().tracing()) {
    k.world().emit("select.sock.read", k.object(),
                   {{"fd", fd}, {"sock", sock}, {"packet", result}, {"remote", remote}});
  }
  co_return result;
}

sim::Task<std::int64_t> Process::read_oob(int fd) {
  std::int64_t result = -1;
  bool asked = false;
  std::uint64_t sock = 0;
  co_await Call(cx_.world(), "read (socket, MSG_OOB)", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    Proc& p = enter(k);
    auto it = p.fds.find(fd);
    if (it == p.fds.end() || it->second->kind != Open::Kind::Socket || it->second->dead) return;
    sock = it->second->pipe.packed();
    if (k.socks[sock].dead) return;
    asked = true;
    ask_home(k, p, pid(), self, op, it->second->pipe.home, kSockRead, true,
             [&](Words& b, std::uint64_t req) { b.word(sock).word(req).word(1); });
  });
  Kernel& k = kernel();
  if (asked) {
    const Proc& p = enter(k);
    result = p.status == 1 ? static_cast<std::int64_t>(word_at(p.reply, 0)) : p.status;
  }
  if (k.world().tracing()) k.world().emit("select.sock.read_oob", k.object(), {{"fd", fd}, {"sock", sock}, {"packet", result}});
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
    // A name whose FIFO lived in an earlier life of this CPU names nothing
    // any more (the FIFO was memory): it is made again. Any other is taken.
    if (auto old = sys_->fifo_dir().find(name);
        old != sys_->fifo_dir().end() && !(old->second.home == k.id() && old->second.incarnation != k.incarnation())) {
      return;
    }
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
    if (fd >= 0 && !open->dead) {
      k.count_open(it->second, open->kind, {k.id(), k.incarnation()});
      k.trace_ends("select.end.open", *open);
    }
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
    Proc& p = enter(k);
    auto it = p.fds.find(fd);
    if (it != p.fds.end()) result = k.install(p, it->second);
    if (k.world().tracing()) k.world().emit("select.fd.dup", k.object(), {{"fd", fd}, {"new_fd", result}});
  });
  co_return result;
}

sim::Task<std::int64_t> Process::send_fd(int sock, int fd) {
  std::int64_t result = -1;
  bool remote = false, counted = false;
  Passed passed;
  Kernel::Holder holder{};
  PipeKey way;
  co_await Call(cx_.world(), "sendmsg (SCM_RIGHTS)", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    Proc& p = enter(k);
    auto s = p.fds.find(sock);
    auto f = p.fds.find(fd);
    if (s == p.fds.end() || f == p.fds.end() || s->second->kind != Open::Kind::Pair || s->second->dead) return;
    const Open& o = *f->second;
    if (o.dead || (o.kind != Open::Kind::PipeRead && o.kind != Open::Kind::PipeWrite && o.kind != Open::Kind::File)) {
      return;
    }
    way = s->second->out;
    passed = {o.kind, o.kind == Open::Kind::File ? PipeKey{} : o.pipe};
    // In flight it is a description held by the socketpair's home (its CPU's
    // incarnation read from the machine, as a fork reads its child's), and
    // counted now, before the sender's own close can overtake it.
    holder = {way.home, way.home == k.id() ? k.incarnation() : sys_->kernel(way.home).cpu().incarnation()};
    k.count_open(passed.pipe, passed.kind, holder);
    k.trace_in_flight("select.end.open", passed, holder.first);
    counted = true;
    if (s->second->shadow) {
      remote = true;
      ask_home(k, p, pid(), self, op, way.home, kSendFd, false, [&](Words& b, std::uint64_t req) {
        b.word(way.packed()).word(req).word(static_cast<std::uint64_t>(passed.kind)).word(passed.pipe.packed());
      });
      return;
    }
    Pipe* sp = k.pipe(way);
    if (sp == nullptr || sp->broken()) return;
    if (sp->accepts(1) == 0) {
      result = 0;
      return;
    }
    k.pass_in(*sp, passed);
    result = 1;
    if (k.world().tracing()) {
      k.world().emit("select.pipe.write", k.object(), {{"pipe", way.packed()}, {"bytes", 1}, {"from_cpu", k.id()}});
    }
    k.pipe_changed(*sp);
  });
  Kernel& k = kernel();
  if (remote) result = enter(k).status;
  if (counted && result <= 0) {  // it never left: not in flight after all
    k.count_close(passed.pipe, passed.kind, holder);
    k.trace_in_flight("select.end.close", passed, holder.first);
  }
  if (k.world().tracing()) {
    k.world().emit("select.fd.send", k.object(),
                   {{"sock", sock}, {"fd", fd}, {"way", way.packed()}, {"pipe", passed.pipe.packed()},
                    {"result", result}, {"remote", remote}});
  }
  co_return result;
}

sim::Task<int> Process::recv_fd(int sock) {
  int fd = -1;
  bool remote = false, have = false;
  std::int64_t took = 0;
  Passed got;
  PipeKey way;
  co_await Call(cx_.world(), "recvmsg (SCM_RIGHTS)", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    Proc& p = enter(k);
    auto s = p.fds.find(sock);
    if (s == p.fds.end() || s->second->kind != Open::Kind::Pair || s->second->dead) {
      took = -1;
      return;
    }
    way = s->second->pipe;
    if (s->second->shadow) {
      remote = true;
      ask_home(k, p, pid(), self, op, way.home, kRecvFd, false,
               [&](Words& b, std::uint64_t req) { b.word(way.packed()).word(req).word(k.incarnation()); });
      return;
    }
    Pipe* sp = k.pipe(way);
    if (sp == nullptr || sp->data.empty()) {
      if (sp == nullptr || sp->reset) took = -1;
      if (sp != nullptr) sp->reset = false;
      return;
    }
    const std::vector<Passed> rights = k.take_rights(*sp, 1);
    sp->data.pop_front();
    took = 1;
    if (k.world().tracing()) {
      k.world().emit("select.pipe.take", k.object(), {{"pipe", way.packed()}, {"bytes", 1}, {"to_cpu", k.id()}});
    }
    if (!rights.empty()) {
      k.hand_over(rights.front(), {k.id(), k.incarnation()});
      got = rights.front();
      have = true;
    }
    k.pipe_changed(*sp);
  });
  Kernel& k = kernel();
  Proc& p = enter(k);
  if (remote) {
    took = p.status < 0 ? -1 : p.status == 0 ? 0 : 1;
    if (p.status == 1) {
      got = {static_cast<Open::Kind>(word_at(p.reply, 0)), PipeKey::unpack(word_at(p.reply, 1))};
      have = true;
    }
  }
  if (have) {
    auto o = k.open_received(got);
    fd = k.install(p, o);
    if (fd >= 0 && !o->dead) k.trace_ends("select.end.open", *o);
    if (fd < 0 && !o->dead) k.count_close(got.pipe, got.kind, {k.id(), k.incarnation()});  // no FD free: closed
  }
  if (k.world().tracing()) {
    k.world().emit("select.read", k.object(),
                   {{"fd", sock}, {"pipe", way.packed()}, {"bytes", took}, {"remote", remote}});
    const char* end = !have                               ? ""
                      : got.kind == Open::Kind::PipeWrite ? "write"
                      : got.kind == Open::Kind::PipeRead  ? "read"
                                                          : "file";
    k.world().emit("select.fd.receive", k.object(),
                   {{"sock", sock}, {"fd", fd}, {"pipe", got.pipe.packed()}, {"end", end}});
  }
  co_return fd;
}

sim::Task<int> Process::kill(Pid target) {
  int result = -1;
  co_await Call(cx_.world(), "kill", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    Proc* t = k.proc(target);
    if (t != nullptr) {
      result = 0;
      if (t->call != 0) {
        t->interrupted = true;
        k.wake_if_waiting(*t);
      }
    }
    if (k.world().tracing()) {
      k.world().emit("select.signal", k.object(), {{"target", target}, {"result", result}, {"call", t ? t->call : 0}});
    }
  });
  co_return result;
}

sim::Task<int> Process::close(int fd) {
  int result = -1;
  co_await Call(cx_.world(), "close", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    result = k.release(*k.proc(pid()), fd);
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
    Proc& p = enter(k);
    auto it = p.fds.find(fd);
    if (it == p.fds.end()) return;
    const Open& o = *it->second;
    if (o.kind == Open::Kind::File) {
      result = static_cast<std::int64_t>(max);
      return;
    }
    if (!o.reads_pipe() || o.dead) return;
    pipe_key = o.pipe.packed();
    if (o.shadow) {
      remote = true;
      ask_home(k, p, pid(), self, op, o.pipe.home, kRead, false,
               [&](Words& b, std::uint64_t req) { b.word(o.pipe.packed()).word(req).word(max); });
      return;
    }
    Pipe* pipe = k.pipe(o.pipe);
    if (pipe == nullptr) return;
    if (pipe->data.empty() && pipe->reset) {  // the connection was reset: one read fails
      pipe->reset = false;
      return;
    }
    const std::size_t n = std::min(max, pipe->data.size());
    for (const Passed& r : k.take_rights(*pipe, n)) k.drop_right(r);  // read(), not recvmsg(): the FDs are closed
    pipe->data.erase(pipe->data.begin(), pipe->data.begin() + static_cast<std::ptrdiff_t>(n));
    result = static_cast<std::int64_t>(n);
    sim::World& w = k.world();
    if (w.tracing() && n > 0) {
      w.emit("select.pipe.take", k.object(), {{"pipe", pipe_key}, {"bytes", n}, {"to_cpu", k.id()}});
    }
    if (n > 0) k.pipe_changed(*pipe);
  });
  Kernel& k = kernel();
  if (remote) result = enter(k).status;  // woken by the agent with the reply (or by a dead peer)
  if (k.world().tracing()) {
    k.world().emit("select.read", k.object(), {{"fd", fd}, {"pipe", pipe_key}, {"bytes", result}, {"remote", remote}});
  }
  co_return result;
}

sim::Task<std::int64_t> Process::write(int fd, std::size_t n) {
  std::int64_t result = -1;
  bool remote = false;
  std::uint64_t pipe_key = 0;
  std::uint64_t sock = 0;
  std::uint64_t req = 0;
  co_await Call(cx_.world(), "write", [&](sim::Actor& self, Call& op) {
    Kernel& k = kernel();
    Proc& p = enter(k);
    auto it = p.fds.find(fd);
    if (it == p.fds.end()) return;
    const Open& o = *it->second;
    if (o.kind == Open::Kind::File) {
      result = static_cast<std::int64_t>(n);
      return;
    }
    if (o.kind == Open::Kind::Socket && !o.dead && !k.socks[o.pipe.packed()].dead) {
      // Into the real socket's send buffer, and out of the network port from there.
      sock = o.pipe.packed();
      remote = true;
      ask_home(k, p, pid(), self, op, o.pipe.home, kSockWrite, true, [&](Words& b, std::uint64_t r) {
        req = r;
        b.word(sock).word(r).word(n);
      });
      return;
    }
    if (!o.writes_pipe() || o.dead) return;
    const PipeKey target = o.key_for(Ev::Write);
    pipe_key = target.packed();
    std::vector<std::byte> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::byte>((pid() + i) & 0xff);
    if (o.shadow) {
      remote = true;
      ask_home(k, p, pid(), self, op, target.home, kWrite, false,
               [&](Words& b, std::uint64_t req) { b.word(target.packed()).word(req).raw(bytes); });
      return;
    }
    Pipe* pipe = k.pipe(target);
    if (pipe == nullptr || pipe->broken()) return;  // EPIPE: every read end (a socketpair's other end) is closed
    const std::size_t accepted = pipe->accepts(n);
    pipe->data.insert(pipe->data.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(accepted));
    result = static_cast<std::int64_t>(accepted);
    sim::World& w = k.world();
    if (w.tracing() && accepted > 0) {
      w.emit("select.pipe.write", k.object(), {{"pipe", pipe_key}, {"bytes", accepted}, {"from_cpu", k.id()}});
    }
    if (accepted > 0) k.pipe_changed(*pipe);
  });
  Kernel& k = kernel();
  if (remote) result = enter(k).status;
  if (sock != 0) {
    if (k.world().tracing()) {
      k.world().emit("select.sock.write", k.object(),
                     {{"fd", fd}, {"sock", sock}, {"req", req}, {"bytes", n}, {"accepted", result}});
    }
    co_return result;
  }
  if (k.world().tracing()) {
    k.world().emit("select.write", k.object(),
                   {{"fd", fd}, {"pipe", pipe_key}, {"bytes", n}, {"accepted", result}, {"remote", remote}});
  }
  co_return result;
}

sim::Task<> Process::fork(sim::Cpu& cpu, std::string name, Body body) {
  co_await Call(cx_.world(), "fork", [&](sim::Actor&, Call&) {
    Kernel& k = kernel();
    k.touch();
    std::vector<Inherited> inherited;
    std::set<std::uint32_t> counted;
    for (const auto& [fd, open] : k.proc(pid())->fds) {
      inherited.push_back({fd, open, *open});
      // The child's FDs are reserved now, in the parent's step: the parent
      // may exit (and close its own) before the child's first step.
      if (&cpu == &k.cpu()) {
        ++open->fds;
      } else if (!open->dead && counted.insert(open->id).second) {
        k.count_open(*open, {cpu.id(), cpu.incarnation()});  // one open description there per one here
      }
    }
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
              proc.fds[inh.fd] = inh.open;  // same memory space: the same open description (counted at fork)
              continue;
            }
            auto& mine = made[inh.desc.id];
            if (!mine && inh.desc.kind == Open::Kind::Socket) {
              // A shadow socket here, one per CPU, in contention mode: this
              // CPU joins the socket's readers (the I/O process switches).
              // A shadow left as a tombstone by an earlier detach attaches again.
              auto old = k.socks.find(inh.desc.pipe.packed());
              const bool attach = old == k.socks.end() || (old->second.opens == 0 && !old->second.dead);
              mine = k.new_open(Open::Kind::Socket, inh.desc.pipe);
              mine->dead = inh.desc.dead;
              if (attach) {
                k.socks[inh.desc.pipe.packed()].contention = true;
                Words b;
                b.word(inh.desc.pipe.packed());
                k.send(inh.desc.pipe.home, kAttach, std::move(b), true);
                if (k.world().tracing()) {
                  k.world().emit("select.shadow.create", k.object(),
                                 {{"pipe", inh.desc.pipe.packed()}, {"end", "socket"}, {"open", mine->id}});
                }
              }
            }
            if (!mine) {
              mine = k.new_open(inh.desc.kind, inh.desc.pipe);
              mine->out = inh.desc.out;
              mine->dead = inh.desc.dead || (!mine->shadow && inh.desc.kind != Open::Kind::File &&
                                              k.pipe(inh.desc.pipe) == nullptr);
              if (mine->shadow && k.world().tracing()) {
                k.world().emit("select.shadow.create", k.object(),
                               {{"pipe", mine->pipe.packed()},
                                {"end", mine->kind == Open::Kind::PipeRead    ? "read"
                                        : mine->kind == Open::Kind::PipeWrite ? "write"
                                                                              : "pair"},
                                {"open", mine->id}});
              }
            }
            if (mine->fds == 0 && !mine->dead) k.trace_ends("select.end.open", *mine);  // a new description here
            ++mine->fds;
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

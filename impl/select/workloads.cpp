#include "impl/select/workloads.hpp"

#include "impl/select/io_process.hpp"

namespace ipcsim::select::workloads {
namespace {

class Storm final : public Workload {
 public:
  Storm(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus, const StormParams& p) : p_(p) {
    system_ = std::make_unique<System>(w, cpus, bus, p.select);
    cpus_ = cpus;
    spawn_process(*system_, *cpus[0], "root", [this](Process& root) { return run_root(root, true); });
    if (p.rejoin && p.fifos) {
      // The software of the first CPU comes back with it: a new root, after
      // the kernel was formatted again (System's hook runs first).
      cpus[0]->on_boot([this](sim::Cpu& c) {
        ++restarts_;
        written_ = 0;
        spawn_process(*system_, c, "root" + std::to_string(restarts_ + 1),
                      [this](Process& root) { return run_root(root, false); });
      });
    }
  }
  std::string check() const override {
    if (p_.rejoin && restarts_ > 0 && read_after_restart_ == 0) {
      return "no child read anything the root wrote after the restart";
    }
    if (written_ != std::uint64_t{p_.messages} * p_.bytes) {
      return "the root wrote " + std::to_string(written_) + " of " + std::to_string(p_.messages * p_.bytes) + " bytes";
    }
    if (finished_ != p_.children) {
      return std::to_string(finished_) + " of " + std::to_string(p_.children) + " children finished";
    }
    return "";
  }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    auto out = Workload::summary();
    out.emplace_back("bytes written", std::to_string(written_));
    out.emplace_back("bytes read", std::to_string(read_));
    out.emplace_back("children finished", std::to_string(finished_));
    out.emplace_back("selects that timed out", std::to_string(timeouts_));
    if (p_.rejoin) {
      out.emplace_back("restarts of the first CPU", std::to_string(restarts_));
      out.emplace_back("bytes read after a reopen", std::to_string(read_after_restart_));
    }
    return out;
  }

 private:
  // `first`: the root of the first life, which forks the children.
  sim::Task<> run_root(Process& root, bool first) {
    std::vector<int> rd, wr;
    for (std::uint32_t i = 0; i < p_.pipes; ++i) {
      if (p_.fifos) {
        std::string name = "fifo" + std::to_string(i);
        co_await root.mkfifo(name);
        wr.push_back(co_await root.open_fifo(name, true));
        // The root holds a read end too, never read (a server's O_RDWR
        // idiom): its writes after every child stopped reading are buffered,
        // not refused with EPIPE.
        co_await root.open_fifo(name, false);
        rd.push_back(-1);  // the children open the read ends themselves
        continue;
      }
      int fds[2];
      co_await root.pipe(fds);
      rd.push_back(fds[0]);
      wr.push_back(fds[1]);
    }
    for (std::uint32_t c = 0; c < p_.children && first; ++c) {
      sim::Cpu& cpu = *cpus_[cpus_.size() == 1 ? 0 : 1 + c % (cpus_.size() - 1)];
      // Named first: g++ 12 may destroy a temporary in a co_await expression twice.
      const sim::Duration delay = c * p_.stagger;
      Body body = [this, rd, delay](Process& child) { return run_child(child, rd, delay); };
      std::string name = "child" + std::to_string(c);
      co_await root.fork(cpu, std::move(name), std::move(body));
    }
    for (std::uint32_t m = 0; m < p_.messages; ++m) {
      co_await root.ctx().sleep(p_.gap);
      const std::int64_t n = co_await root.write(wr[m % wr.size()], p_.bytes);
      if (n > 0) written_ += static_cast<std::uint64_t>(n);
      if (p_.drain_own_writes && rd[m % rd.size()] >= 0) co_await root.read(rd[m % rd.size()], p_.bytes);
    }
  }

  // rejoin: a FIFO that died with its CPU (error readiness, a read of -1) is
  // closed and opened again by name every `gap`, until the restarted root
  // made it again; only rounds that read count.
  sim::Task<> run_rejoining_child(Process& child) {
    std::vector<int> fds(p_.pipes, -1);
    std::optional<sim::Duration> timeout;
    if (!p_.wait_forever) timeout = p_.timeout;
    bool reopened = false;
    std::uint32_t r = 0;
    for (std::uint32_t attempts = 0; r < p_.rounds && attempts < 1000;) {
      Masks want;
      int nfds = 0;
      bool missing = false;
      for (std::size_t i = 0; i < fds.size(); ++i) {
        std::string name = "fifo" + std::to_string(i);
        if (fds[i] < 0) fds[i] = co_await child.open_fifo(name, false);
        missing = missing || fds[i] < 0;
        if (fds[i] >= 0) want.r |= 1ULL << fds[i];
        nfds = std::max(nfds, fds[i] + 1);
      }
      bool dead = missing;
      if (!missing) {
        Masks m = want;
        const int n = co_await child.select(nfds, m, timeout);
        if (n == 0) ++timeouts_;
        for (std::size_t i = 0; i < fds.size() && n > 0; ++i) {
          if ((m.r & (1ULL << fds[i])) == 0) continue;
          const std::int64_t got = co_await child.read(fds[i], p_.read_bytes);
          if (got > 0) read_ += static_cast<std::uint64_t>(got);
          if (got > 0 && reopened) read_after_restart_ += static_cast<std::uint64_t>(got);
          if (got >= 0) continue;
          dead = true;  // its CPU crashed: open it again by name
          co_await child.close(fds[i]);
          fds[i] = -1;
        }
      }
      if (!dead) {
        ++r;
        continue;
      }
      reopened = true;
      ++attempts;
      co_await child.ctx().sleep(p_.gap);
    }
    ++finished_;
  }

  sim::Task<> run_child(Process& child, std::vector<int> rd, sim::Duration delay) {
    if (delay > sim::Duration{0}) co_await child.ctx().sleep(delay);
    if (p_.rejoin && p_.fifos) {
      co_await run_rejoining_child(child);
      co_return;
    }
    for (std::size_t i = 0; i < rd.size(); ++i) {
      if (rd[i] >= 0) continue;
      std::string name = "fifo" + std::to_string(i);
      rd[i] = co_await child.open_fifo(name, false);
    }
    std::vector<int> fds = rd;
    for (int fd : rd) {
      for (std::uint32_t d = 0; d < p_.dups; ++d) fds.push_back(co_await child.dup(fd));
    }
    int nfds = 0;
    Masks want;
    for (int fd : fds) {
      want.r |= 1ULL << fd;
      nfds = std::max(nfds, fd + 1);
    }
    std::optional<sim::Duration> timeout;
    if (!p_.wait_forever) timeout = p_.timeout;
    bool broken = false;
    for (std::uint32_t r = 0; r < p_.rounds && !broken; ++r) {
      Masks m = want;
      const int n = co_await child.select(nfds, m, timeout);
      if (n == 0) ++timeouts_;
      for (int fd = 0; fd < nfds && n > 0 && !broken; ++fd) {
        if ((m.r & (1ULL << fd)) == 0) continue;
        const std::int64_t got = co_await child.read(fd, p_.read_bytes);
        if (got < 0) broken = true;  // the pipe's CPU is gone
        if (got > 0) read_ += static_cast<std::uint64_t>(got);
      }
      if (p_.pause > sim::Duration{0}) co_await child.ctx().sleep(p_.pause);
    }
    ++finished_;
  }

  StormParams p_;
  std::vector<sim::Cpu*> cpus_;
  std::uint64_t written_ = 0;
  std::uint64_t read_ = 0;
  std::uint32_t finished_ = 0;
  std::uint32_t timeouts_ = 0;
  std::uint32_t restarts_ = 0;
  std::uint64_t read_after_restart_ = 0;
};

class Fanin final : public Workload {
 public:
  Fanin(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus, const FaninParams& p) : p_(p) {
    system_ = std::make_unique<System>(w, cpus, bus, p.select);
    cpus_ = cpus;
    spawn_process(*system_, *cpus[0], "reader", [this](Process& reader) { return run_reader(reader); });
  }
  std::string check() const override {
    const std::uint64_t total = std::uint64_t{p_.writers} * p_.messages * p_.bytes;
    if (read_ != total) return "the reader got " + std::to_string(read_) + " of " + std::to_string(total) + " bytes";
    if (written_ != total) return "the writers wrote " + std::to_string(written_) + " of " + std::to_string(total) + " bytes";
    return "";
  }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    auto out = Workload::summary();
    out.emplace_back("bytes written", std::to_string(written_));
    out.emplace_back("bytes read", std::to_string(read_));
    out.emplace_back("writes that found the pipe full", std::to_string(full_));
    return out;
  }

 private:
  sim::Task<> run_reader(Process& reader) {
    std::vector<int> rd;
    for (std::uint32_t i = 0; i < p_.writers; ++i) {
      int fds[2];
      co_await reader.pipe(fds);
      rd.push_back(fds[0]);
      const int wfd = fds[1];
      sim::Cpu& cpu = *cpus_[cpus_.size() == 1 ? 0 : 1 + i % (cpus_.size() - 1)];
      Body body = [this, wfd](Process& w) { return run_writer(w, wfd); };
      std::string name = "writer" + std::to_string(i);
      co_await reader.fork(cpu, std::move(name), std::move(body));
    }
    const std::uint64_t total = std::uint64_t{p_.writers} * p_.messages * p_.bytes;
    int idle = 0;
    while (read_ < total && idle < 8) {
      Masks m;
      int nfds = 0;
      for (int fd : rd) {
        m.r |= 1ULL << fd;
        nfds = std::max(nfds, fd + 1);
      }
      const int n = co_await reader.select(nfds, m, p_.timeout);
      idle = n == 0 ? idle + 1 : 0;
      for (int fd : rd) {
        if ((m.r & (1ULL << fd)) == 0) continue;
        const std::int64_t got = co_await reader.read(fd, p_.bytes);  // a message at a time: writers may find it full
        if (got > 0) read_ += static_cast<std::uint64_t>(got);
      }
    }
  }

  sim::Task<> run_writer(Process& w, int fd) {
    for (std::uint32_t m = 0; m < p_.messages; ++m) {
      std::uint64_t left = p_.bytes;
      int idle = 0;
      while (left > 0 && idle < 8) {
        const std::int64_t n = co_await w.write(fd, left);
        if (n < 0) co_return;
        left -= static_cast<std::uint64_t>(n);
        written_ += static_cast<std::uint64_t>(n);
        if (left == 0) break;
        ++full_;
        Masks want{.w = 1ULL << fd};
        idle = co_await w.select(fd + 1, want, p_.timeout) == 0 ? idle + 1 : 0;
      }
    }
  }

  FaninParams p_;
  std::vector<sim::Cpu*> cpus_;
  std::uint64_t written_ = 0;
  std::uint64_t read_ = 0;
  std::uint32_t full_ = 0;
};

class Sockets final : public Workload {
 public:
  Sockets(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus, const SocketsParams& p) : p_(p) {
    SelectConfig cfg = p.select;
    cfg.sock_send_buffer = p.send_buffer;
    cfg.net_byte_time = p.net_byte_time;
    system_ = std::make_unique<System>(w, cpus, bus, cfg);
    cpus_ = cpus;
    IoProcess& io = system_->add_io_process(*cpus[0]);
    if (p.refuse) io.close_port(p.tty ? kTtyBase + p.port : p.port);
    for (std::uint32_t k = 0; k < p.packets; ++k) {
      const sim::Instant at = sim::kTimeZero + p.first_packet + k * p.gap;
      if (p.tty) {
        system_->inject_tty_input(p.port, at);
      } else {
        system_->inject_packet(p.port, at, p.urgent_every != 0 && (k + 1) % p.urgent_every == 0);
      }
    }
    spawn_process(*system_, *cpus[1], "root", [this](Process& root) { return run_root(root); });
  }
  std::string check() const override {
    if (p_.refuse) return refused_ ? "" : "nobody was told that the connect was refused";
    if (read_ != p_.packets) return "the readers got " + std::to_string(read_) + " of " + std::to_string(p_.packets) + " packets";
    // Every packet of the stream is answered (urgent ones are not).
    if (written_ != std::uint64_t{p_.reply_bytes} * stream_read_) {
      return "the readers wrote " + std::to_string(written_) + " of " +
             std::to_string(std::uint64_t{p_.reply_bytes} * stream_read_) + " reply bytes";
    }
    return "";
  }
  std::vector<std::pair<std::string, std::string>> summary() const override {
    auto out = Workload::summary();
    out.emplace_back("packets read", std::to_string(read_));
    if (p_.reply_bytes > 0) out.emplace_back("reply bytes written", std::to_string(written_));
    if (p_.refuse) out.emplace_back("refusal learned", refused_ ? "yes" : "no");
    return out;
  }

 private:
  sim::Task<> run_root(Process& root) {
    int fd = -1;
    if (p_.tty) {
      fd = co_await root.open_tty(cpus_[0]->id(), p_.port);
    } else {
      fd = co_await root.socket(cpus_[0]->id(), p_.port);
    }
    if (fd < 0) {
      refused_ = true;
      co_return;
    }
    co_await root.ctx().sleep(p_.fork_after);
    for (std::uint32_t r = 0; r < p_.readers; ++r) {
      sim::Cpu& cpu = *cpus_[1 + r % p_.reader_cpus];
      const bool leaves = p_.leave_after > sim::Duration{0} && r % p_.reader_cpus != 0;
      const sim::Instant leave_at = root.ctx().now() + p_.leave_after;
      Body body = [this, fd, leaves, leave_at](Process& reader) { return run_reader(reader, fd, leaves, leave_at); };
      std::string name = "reader" + std::to_string(r);
      co_await root.fork(cpu, std::move(name), std::move(body));
    }
  }

  sim::Task<> run_reader(Process& reader, int fd, bool leaves, sim::Instant leave_at) {
    std::uint32_t idle = 0;
    while (idle < p_.idle_rounds) {
      if (leaves && reader.ctx().now() >= leave_at) {
        co_await reader.close(fd);  // its space detaches when its last holder closes
        co_return;
      }
      const bool oob = p_.urgent_every != 0;
      Masks m{.r = 1ULL << fd, .e = oob ? 1ULL << fd : 0};
      const int n = co_await reader.select(fd + 1, m, p_.timeout);
      if (n <= 0) {
        ++idle;
        continue;
      }
      idle = 0;
      if ((m.e & (1ULL << fd)) != 0) {  // urgent data first, as a reader of exceptfds would
        const std::int64_t urgent = co_await reader.read_oob(fd);
        if (urgent < 0) co_return;
        if (urgent > 0) ++read_;
        if ((m.r & (1ULL << fd)) == 0) continue;
      }
      const std::int64_t packet = co_await reader.read_packet(fd);
      if (packet < 0) {
        refused_ = refused_ || p_.refuse;
        co_return;
      }
      if (packet > 0) ++read_;
      if (packet > 0) ++stream_read_;
      if (packet > 0) co_await reader.ctx().sleep(p_.read_work);
      if (packet > 0 && !co_await reply(reader, fd)) co_return;
    }
  }

  // Writes the reply to one packet; what the send buffer does not take now
  // is written after a select for write readiness. False: the socket failed.
  sim::Task<bool> reply(Process& reader, int fd) {
    std::uint32_t left = p_.reply_bytes;
    while (left > 0) {
      const std::int64_t n = co_await reader.write(fd, left);
      if (n < 0) co_return false;
      written_ += static_cast<std::uint64_t>(n);
      left -= static_cast<std::uint32_t>(n);
      if (left == 0) break;
      Masks m{.w = 1ULL << fd};
      if (co_await reader.select(fd + 1, m, p_.timeout) < 0) co_return false;
    }
    co_return true;
  }

  SocketsParams p_;
  std::vector<sim::Cpu*> cpus_;
  std::uint64_t written_ = 0;
  std::uint32_t stream_read_ = 0;  // packets read from the stream (not out of band)
  std::uint32_t read_ = 0;
  bool refused_ = false;
};

}  // namespace

std::vector<std::pair<std::string, std::string>> Workload::summary() const {
  return {{"selects", std::to_string(system_->selects)},
          {"remote registrations", std::to_string(system_->remote_registrations)},
          {"interest messages on the bus", std::to_string(system_->interests_sent)}};
}

std::unique_ptr<Workload> build_storm(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus,
                                      const StormParams& p) {
  return std::make_unique<Storm>(w, cpus, bus, p);
}

std::unique_ptr<Workload> build_sockets(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus,
                                        const SocketsParams& p) {
  return std::make_unique<Sockets>(w, cpus, bus, p);
}

std::unique_ptr<Workload> build_fanin(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus,
                                      const FaninParams& p) {
  return std::make_unique<Fanin>(w, cpus, bus, p);
}

}  // namespace ipcsim::select::workloads

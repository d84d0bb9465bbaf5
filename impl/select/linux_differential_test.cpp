// The outside oracle: the Linux kernel. A random sequence of writes, reads and
// zero-timeout select() calls on real, non-blocking pipes of this machine is
// replayed on ipcsim, once with the pipes in the caller's own memory space
// and once with the caller on another CPU than the pipes (every FD a
// shadow): the byte counts and the rewritten bitmasks must be identical
// (the seed's claims 4 and 20: the caller cannot tell it runs distributed).
//
// Two families of programs. Small writes (1..64 bytes) keep every pipe far
// from full: Linux counts a pipe's room in pages, ipcsim in bytes, and a
// pipe far from full is writable in both. Page writes (4,096 bytes, PIPE_BUF)
// fill the pipes: with every write a whole page, Linux's page buffers hold
// ceil(bytes / 4096) pages, so "a free page" is "4,096 bytes of room", which
// is what ipcsim's pipe_buf = 4096 makes writability and all-or-nothing
// writes (a write that would block returns 0 here, EAGAIN on Linux). Both
// families close write ends now and then: a pipe whose every write end is
// closed is readable (end of file, POLLHUP), in its own memory space and,
// through the close message to the pipe's home, from another.
//
// A read returns 0 both at end of file and on an empty pipe with writers
// (ipcsim's non-blocking read, EAGAIN on Linux): select's read bit tells them
// apart, and is compared.
#include <fcntl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "impl/select/kernel.hpp"
#include "impl/select/process.hpp"
#include "impl/select/test_support.hpp"

namespace ipcsim::select {
namespace {

using testing::Machine;

constexpr int kPipes = 3;

struct Step {
  enum Kind { Write, Read, Select, Close, CloseRead } kind;  // Close: the pipe's write end; CloseRead: its read end
  int pipe = 0;
  std::uint32_t bytes = 0;
  // Select: for each of the 2 * kPipes FDs (read end, write end of each
  // pipe), which of read/write/except is asked, as bits 0/1/2.
  std::vector<int> ask;
};

// SplitMix64: a small, specified generator (no std distributions).
struct Gen {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
};

constexpr std::uint32_t kPage = 4096;

// `pages`: writes of one page each and reads of up to two pages, fewer
// reads than writes (the pipes fill up); else writes of 1..64 bytes. A closed write end is neither
// written nor selected on again (both would be EBADF).
std::vector<Step> program(std::uint64_t seed, int length, bool pages) {
  Gen g{seed};
  std::vector<Step> out;
  bool closed[kPipes] = {};
  for (int i = 0; i < length; ++i) {
    Step s;
    const std::uint32_t k = g.below(100);
    const std::uint32_t writes = pages ? 45 : 30;  // page programs write more than they read: the pipes fill
    s.kind = k < writes ? Step::Write : k < 58 ? Step::Read : k < 98 ? Step::Select : Step::Close;
    s.pipe = static_cast<int>(g.below(kPipes));
    s.bytes = pages ? (s.kind == Step::Write ? kPage : 1 + g.below(2 * kPage)) : 1 + g.below(64);
    if ((s.kind == Step::Write || s.kind == Step::Close) && closed[s.pipe]) s.kind = Step::Read;
    if (s.kind == Step::Close) closed[s.pipe] = true;
    if (s.kind == Step::Select) {
      for (int f = 0; f < 2 * kPipes; ++f) {
        s.ask.push_back(f % 2 == 1 && closed[f / 2] ? 0 : static_cast<int>(g.below(8)));
      }
    }
    out.push_back(s);
  }
  return out;
}

// What each step returned: bytes moved, or a select's count and three masks
// over FD indices (0..2*kPipes-1: read end, write end, pipe after pipe).
using Results = std::vector<std::vector<std::int64_t>>;

Results on_linux(const std::vector<Step>& steps) {
  int fds[kPipes][2];
  for (auto& p : fds) {
    EXPECT_EQ(pipe2(p, O_NONBLOCK), 0);
    EXPECT_EQ(fcntl(p[1], F_SETPIPE_SZ, 16 * kPage), static_cast<int>(16 * kPage));  // the default, made sure
  }
  auto fd_of = [&](int index) { return fds[index / 2][index % 2]; };
  Results out;
  std::vector<char> buf(3 * kPage, 'x');
  for (const Step& s : steps) {
    if (s.kind == Step::Close || s.kind == Step::CloseRead) {
      const int end = s.kind == Step::Close ? 1 : 0;
      out.push_back({::close(fds[s.pipe][end])});
      fds[s.pipe][end] = -1;
    } else if (s.kind == Step::Write) {
      const ssize_t n = ::write(fds[s.pipe][1], buf.data(), s.bytes);  // EPIPE (SIGPIPE ignored): -1
      out.push_back({n < 0 && errno == EAGAIN ? 0 : n});
    } else if (s.kind == Step::Read) {
      const ssize_t n = ::read(fds[s.pipe][0], buf.data(), s.bytes);
      out.push_back({n < 0 && errno == EAGAIN ? 0 : n});
    } else {
      fd_set sets[3];
      for (auto& set : sets) FD_ZERO(&set);
      int nfds = 0;
      for (int f = 0; f < 2 * kPipes; ++f) {
        if (s.ask[f] == 0) continue;
        for (int e = 0; e < 3; ++e) {
          if (s.ask[f] & (1 << e)) FD_SET(fd_of(f), &sets[e]);
        }
        nfds = std::max(nfds, fd_of(f) + 1);
      }
      timeval zero{0, 0};
      const int count = ::select(nfds, &sets[0], &sets[1], &sets[2], &zero);
      std::vector<std::int64_t> r = {count, 0, 0, 0};
      for (int f = 0; f < 2 * kPipes; ++f) {
        for (int e = 0; e < 3; ++e) {
          if (s.ask[f] != 0 && FD_ISSET(fd_of(f), &sets[e])) r[1 + e] |= std::int64_t{1} << f;
        }
      }
      out.push_back(r);
    }
  }
  for (auto& p : fds) {
    if (p[0] >= 0) ::close(p[0]);
    if (p[1] >= 0) ::close(p[1]);
  }
  return out;
}

// A zero-timeout select over the FDs a Select step asks about (ends
// 0..ends-1 of the program, FD fd_of[f] each): its count, then the rewritten
// read, write and except masks with bit f for end f.
sim::Task<std::vector<std::int64_t>> poll_as_asked(Process& p, const Step& s, const std::vector<int>& fd_of, int ends) {
  Masks m;
  int nfds = 0;
  for (int f = 0; f < ends; ++f) {
    if (s.ask[f] == 0) continue;
    for (Ev e : {Ev::Read, Ev::Write, Ev::Except}) {
      if (s.ask[f] & (1 << static_cast<int>(e))) m.of(e) |= 1ULL << fd_of[f];
    }
    nfds = std::max(nfds, fd_of[f] + 1);
  }
  std::vector<std::int64_t> r(4, 0);
  r[0] = co_await p.select(nfds, m, sim::Duration{0});
  for (int f = 0; f < ends; ++f) {
    for (Ev e : {Ev::Read, Ev::Write, Ev::Except}) {
      if (s.ask[f] != 0 && (m.of(e) & (1ULL << fd_of[f]))) r[1 + static_cast<int>(e)] |= std::int64_t{1} << f;
    }
  }
  co_return r;
}

sim::Task<> replay(Process& p, const std::vector<Step>& steps, const std::vector<int>& fd_of, Results& out) {
  for (const Step& s : steps) {
    if (s.kind == Step::Close || s.kind == Step::CloseRead) {
      const int end = s.kind == Step::Close ? 1 : 0;
      out.push_back(std::vector<std::int64_t>(1, co_await p.close(fd_of[2 * s.pipe + end])));
    } else if (s.kind == Step::Write) {
      const std::int64_t n = co_await p.write(fd_of[2 * s.pipe + 1], s.bytes);
      out.push_back(std::vector<std::int64_t>(1, n));
    } else if (s.kind == Step::Read) {
      const std::int64_t n = co_await p.read(fd_of[2 * s.pipe], s.bytes);
      out.push_back(std::vector<std::int64_t>(1, n));
    } else {
      out.push_back(co_await poll_as_asked(p, s, fd_of, 2 * kPipes));
    }
  }
}

using Replay = sim::Task<> (*)(Process&, const std::vector<Step>&, const std::vector<int>&, Results&);

// `remote`: the pipes (or socketpairs) are made on cpu0 and the steps run in a
// child on cpu1. The parent exits after the fork, closing its own FDs: the
// ends are then the child's shadows only, and a close by the child is the last.
Results replay_on_ipcsim(const std::vector<Step>& steps, bool remote, int count, bool socketpairs, Replay replay) {
  sim::World w;
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus, {.pipe_capacity = 16 * kPage, .pipe_buf = kPage});
  Results out;
  spawn_process(sys, *m.cpus[0], "parent", [&](Process& p) -> sim::Task<> {
    std::vector<int> fd_of;
    for (int i = 0; i < count; ++i) {
      int fds[2];
      if (socketpairs) {
        co_await p.socketpair(fds);
      } else {
        co_await p.pipe(fds);
      }
      fd_of.push_back(fds[0]);
      fd_of.push_back(fds[1]);
    }
    if (!remote) {
      co_await replay(p, steps, fd_of, out);
      co_return;
    }
    Body child = [&, fd_of](Process& c) -> sim::Task<> { co_await replay(c, steps, fd_of, out); };
    co_await p.fork(*m.cpus[1], "child", std::move(child));
  });
  const sim::RunResult r = w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  return out;
}

Results on_ipcsim(const std::vector<Step>& steps, bool remote) {
  return replay_on_ipcsim(steps, remote, kPipes, /*socketpairs=*/false, &replay);
}

std::string show(const std::vector<std::int64_t>& r) {
  std::string s;
  for (auto v : r) s += std::to_string(v) + " ";
  return s;
}

// The replays in one space and in two give, step by step, what Linux gave.
void expect_as_linux(const Results& linux, const Results& local, const Results& distributed, std::uint64_t seed) {
  ASSERT_EQ(local.size(), linux.size());
  ASSERT_EQ(distributed.size(), linux.size());
  for (std::size_t i = 0; i < linux.size(); ++i) {
    ASSERT_EQ(show(local[i]), show(linux[i])) << "seed " << seed << ", step " << i << " (one space)";
    ASSERT_EQ(show(distributed[i]), show(linux[i])) << "seed " << seed << ", step " << i << " (two spaces)";
  }
}

struct Tally {
  int readable = 0, empty_polls = 0, empty_reads = 0, eof_polls = 0, full_polls = 0, blocked_writes = 0;
};

void compare(bool pages, Tally& t) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<Step> steps = program(seed, pages ? 200 : 120, pages);
    const Results linux = on_linux(steps);
    bool closed[kPipes] = {};
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Step& s = steps[i];
      if (s.kind == Step::Close) closed[s.pipe] = true;
      if (s.kind == Step::Select) {
        t.readable += linux[i][1] != 0;
        t.empty_polls += linux[i][1] == 0;
        for (int p = 0; p < kPipes; ++p) {
          t.eof_polls += closed[p] && (s.ask[2 * p] & 1) && (linux[i][1] >> (2 * p) & 1);
          t.full_polls += (s.ask[2 * p + 1] & 2) && !(linux[i][2] >> (2 * p + 1) & 1);
        }
      }
      if (s.kind == Step::Read) t.empty_reads += linux[i][0] == 0;
      if (s.kind == Step::Write) t.blocked_writes += linux[i][0] == 0;
    }
    ASSERT_NO_FATAL_FAILURE(expect_as_linux(linux, on_ipcsim(steps, false), on_ipcsim(steps, true), seed));
  }
}

TEST(SelectAgainstLinux, OneSpaceAndTwoSpacesGiveLinuxResults) {
  Tally t;
  compare(false, t);
  // The programs meet every state of a pipe: some polls find data, some none,
  // some find end of file.
  EXPECT_GT(t.readable, 100);
  EXPECT_GT(t.empty_polls, 50);
  EXPECT_GT(t.empty_reads, 20);
  EXPECT_GT(t.eof_polls, 20);
}

TEST(SelectAgainstLinux, FullPipesAndClosesGiveLinuxResults) {
  Tally t;
  compare(true, t);
  EXPECT_GT(t.full_polls, 50);       // a write-end select that found the pipe full
  EXPECT_GT(t.blocked_writes, 50);   // a write that would block
  EXPECT_GT(t.eof_polls, 20);
  EXPECT_GT(t.empty_reads, 20);
}

// Closes of read ends: small writes and reads, selects, and a close of a
// pipe's read end or write end now and then. With every read end closed a
// write fails (-1, EPIPE; SIGPIPE ignored here, not modelled in ipcsim) and
// select reports the write end ready (POLLERR on Linux, which select counts
// as writable), in one memory space and, through the close message to the
// pipe's home, from another. A closed FD is not used again.
std::vector<Step> closing_program(std::uint64_t seed, int length) {
  Gen g{seed};
  std::vector<Step> out;
  bool closed[2 * kPipes] = {};  // read end, write end, pipe after pipe
  for (int i = 0; i < length; ++i) {
    Step s;
    const std::uint32_t k = g.below(100);
    s.kind = k < 30   ? Step::Write
             : k < 50 ? Step::Read
             : k < 92 ? Step::Select
             : k < 97 ? Step::CloseRead
                      : Step::Close;
    s.pipe = static_cast<int>(g.below(kPipes));
    s.bytes = 1 + g.below(64);
    const int end = s.kind == Step::Read || s.kind == Step::CloseRead ? 0 : 1;
    if (s.kind != Step::Select && closed[2 * s.pipe + end]) continue;
    if (s.kind == Step::Close || s.kind == Step::CloseRead) closed[2 * s.pipe + end] = true;
    if (s.kind == Step::Select) {
      for (int f = 0; f < 2 * kPipes; ++f) s.ask.push_back(closed[f] ? 0 : static_cast<int>(g.below(8)));
    }
    out.push_back(s);
  }
  return out;
}

TEST(SelectAgainstLinux, ClosedReadEndsGiveLinuxResults) {
  struct sigaction ignore = {}, old = {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGPIPE, &ignore, &old), 0);
  int epipe_writes = 0, error_polls = 0, error_read_polls = 0, eof_polls = 0, readable = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<Step> steps = closing_program(seed, 120);
    const Results linux = on_linux(steps);
    bool closed[2 * kPipes] = {};
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Step& s = steps[i];
      if (s.kind == Step::Close) closed[2 * s.pipe + 1] = true;
      if (s.kind == Step::CloseRead) closed[2 * s.pipe] = true;
      if (s.kind == Step::Write) epipe_writes += linux[i][0] == -1;
      if (s.kind != Step::Select) continue;
      readable += linux[i][1] != 0;
      for (int p = 0; p < kPipes; ++p) {
        error_polls += closed[2 * p] && (linux[i][2] >> (2 * p + 1) & 1);
        error_read_polls += closed[2 * p] && (linux[i][1] >> (2 * p + 1) & 1);  // POLLERR counts as readable too
        eof_polls += closed[2 * p + 1] && (linux[i][1] >> (2 * p) & 1);
      }
    }
    ASSERT_NO_FATAL_FAILURE(expect_as_linux(linux, on_ipcsim(steps, false), on_ipcsim(steps, true), seed));
  }
  sigaction(SIGPIPE, &old, nullptr);
  std::printf("closed read ends: %d writes failed with EPIPE, %d write-end polls found no reader (%d of them by the "
              "read bit), %d polls found end of file, %d polls found something readable\n",
              epipe_writes, error_polls, error_read_polls, eof_polls, readable);
  EXPECT_GT(epipe_writes, 20);  // a write with every read end closed
  EXPECT_GT(error_polls, 20);   // a write-end poll that found no reader (POLLERR)
  EXPECT_GT(error_read_polls, 10);
  EXPECT_GT(eof_polls, 10);
  EXPECT_GT(readable, 100);
}

// Socketpairs: two connected pairs (four ends, each readable and writable),
// small writes and reads on either end, selects over all four, and a close of
// one end of a pair now and then: the other end then reads what is left and
// end of file (readable for good), stays writable, and its writes fail
// (EPIPE; MSG_NOSIGNAL on Linux instead of SIGPIPE); if the closed end left
// bytes unread, the survivor's first read after its own bytes are drained
// fails once (ECONNRESET) before end of file. A closed end is not used again.
// ipcsim's socketpair is a pipe each way, counted like any pipe's ends.
constexpr int kPairs = 2;

std::vector<Step> pair_program(std::uint64_t seed, int length) {
  Gen g{seed};
  std::vector<Step> out;
  bool closed[2 * kPairs] = {};
  for (int i = 0; i < length; ++i) {
    Step s;
    const std::uint32_t k = g.below(100);
    s.kind = k < 30 ? Step::Write : k < 60 ? Step::Read : k < 97 ? Step::Select : Step::Close;
    s.pipe = static_cast<int>(g.below(2 * kPairs));  // here: the end
    s.bytes = 1 + g.below(64);
    if (closed[s.pipe] && s.kind != Step::Select) continue;
    if (s.kind == Step::Close) {
      if (closed[s.pipe ^ 1]) continue;  // one end of each pair at most
      closed[s.pipe] = true;
    }
    if (s.kind == Step::Select) {
      for (int f = 0; f < 2 * kPairs; ++f) s.ask.push_back(closed[f] ? 0 : static_cast<int>(g.below(8)));
    }
    out.push_back(s);
  }
  return out;
}

Results pairs_on_linux(const std::vector<Step>& steps) {
  int fds[2 * kPairs];
  for (int p = 0; p < kPairs; ++p) EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds + 2 * p), 0);
  Results out;
  std::vector<char> buf(64, 'x');
  for (const Step& s : steps) {
    const int fd = fds[s.pipe];
    if (s.kind == Step::Close) {
      out.push_back({::close(fd)});
      fds[s.pipe] = -1;
    } else if (s.kind == Step::Write) {
      const ssize_t n = ::send(fd, buf.data(), s.bytes, MSG_NOSIGNAL | MSG_DONTWAIT);
      out.push_back({n < 0 ? (errno == EAGAIN ? 0 : -1) : n});
    } else if (s.kind == Step::Read) {
      const ssize_t n = ::read(fd, buf.data(), s.bytes);
      out.push_back({n < 0 && errno == EAGAIN ? 0 : n});
    } else {
      fd_set sets[3];
      for (auto& set : sets) FD_ZERO(&set);
      int nfds = 0;
      for (int f = 0; f < 2 * kPairs; ++f) {
        if (s.ask[f] == 0) continue;
        for (int e = 0; e < 3; ++e) {
          if (s.ask[f] & (1 << e)) FD_SET(fds[f], &sets[e]);
        }
        nfds = std::max(nfds, fds[f] + 1);
      }
      timeval zero{0, 0};
      const int count = ::select(nfds, &sets[0], &sets[1], &sets[2], &zero);
      std::vector<std::int64_t> r = {count, 0, 0, 0};
      for (int f = 0; f < 2 * kPairs; ++f) {
        for (int e = 0; e < 3; ++e) {
          if (s.ask[f] != 0 && FD_ISSET(fds[f], &sets[e])) r[1 + e] |= std::int64_t{1} << f;
        }
      }
      out.push_back(r);
    }
  }
  for (int fd : fds) {
    if (fd >= 0) ::close(fd);
  }
  return out;
}

sim::Task<> replay_pairs(Process& p, const std::vector<Step>& steps, const std::vector<int>& fd_of, Results& out) {
  for (const Step& s : steps) {
    const int fd = fd_of[s.pipe];
    if (s.kind == Step::Close) {
      out.push_back(std::vector<std::int64_t>(1, co_await p.close(fd)));
    } else if (s.kind == Step::Write) {
      out.push_back(std::vector<std::int64_t>(1, co_await p.write(fd, s.bytes)));
    } else if (s.kind == Step::Read) {
      out.push_back(std::vector<std::int64_t>(1, co_await p.read(fd, s.bytes)));
    } else {
      out.push_back(co_await poll_as_asked(p, s, fd_of, 2 * kPairs));
    }
  }
}

Results pairs_on_ipcsim(const std::vector<Step>& steps, bool remote) {
  return replay_on_ipcsim(steps, remote, kPairs, /*socketpairs=*/true, &replay_pairs);
}

TEST(SelectAgainstLinux, SocketpairsGiveLinuxResults) {
  int eof_polls = 0, refused_writes = 0, readable = 0, reset_reads = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<Step> steps = pair_program(seed, 100);
    const Results linux = pairs_on_linux(steps);
    bool closed[2 * kPairs] = {};
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Step& s = steps[i];
      if (s.kind == Step::Close) closed[s.pipe] = true;
      if (s.kind == Step::Write) refused_writes += linux[i][0] == -1;
      if (s.kind == Step::Read) reset_reads += linux[i][0] == -1;
      if (s.kind != Step::Select) continue;
      readable += linux[i][1] != 0;
      for (int f = 0; f < 2 * kPairs; ++f) eof_polls += closed[f ^ 1] && (linux[i][1] >> f & 1);
    }
    ASSERT_NO_FATAL_FAILURE(expect_as_linux(linux, pairs_on_ipcsim(steps, false), pairs_on_ipcsim(steps, true), seed));
  }
  EXPECT_GT(readable, 100);
  EXPECT_GT(eof_polls, 20);       // a survivor's poll that found end of file
  EXPECT_GT(refused_writes, 10);  // a survivor's write that failed (EPIPE)
  EXPECT_GT(reset_reads, 3);      // a survivor's read that found the connection reset
}

}  // namespace
}  // namespace ipcsim::select

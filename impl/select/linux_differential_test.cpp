// The outside oracle: the Linux kernel. A random sequence of writes, reads and
// zero-timeout select() calls on real, non-blocking pipes of this machine is
// replayed on ipcsim, once with the pipes in the caller's own memory space
// and once with the caller on another CPU than the pipes (every FD a
// shadow): the byte counts and the rewritten bitmasks must be identical
// (the seed's claims 4 and 20: the caller cannot tell it runs distributed).
//
// The sequence keeps every pipe far from full (Linux counts a pipe's room in
// pages, ipcsim in bytes; a non-full pipe is writable in both), and closes
// nothing (ipcsim has no end-of-file yet).
#include <fcntl.h>
#include <sys/select.h>
#include <unistd.h>

#include <gtest/gtest.h>

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
  enum Kind { Write, Read, Select } kind;
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

std::vector<Step> program(std::uint64_t seed, int length) {
  Gen g{seed};
  std::vector<Step> out;
  for (int i = 0; i < length; ++i) {
    Step s;
    const std::uint32_t k = g.below(10);
    s.kind = k < 3 ? Step::Write : k < 6 ? Step::Read : Step::Select;
    s.pipe = static_cast<int>(g.below(kPipes));
    s.bytes = 1 + g.below(64);
    if (s.kind == Step::Select) {
      for (int f = 0; f < 2 * kPipes; ++f) s.ask.push_back(static_cast<int>(g.below(8)));
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
  }
  auto fd_of = [&](int index) { return fds[index / 2][index % 2]; };
  Results out;
  std::vector<char> buf(4096, 'x');
  for (const Step& s : steps) {
    if (s.kind == Step::Write) {
      const ssize_t n = ::write(fds[s.pipe][1], buf.data(), s.bytes);
      out.push_back({n < 0 && errno == EAGAIN ? 0 : n});
    } else if (s.kind == Step::Read) {
      const ssize_t n = ::read(fds[s.pipe][0], buf.data(), s.bytes);
      out.push_back({n < 0 && errno == EAGAIN ? 0 : n});
    } else {
      fd_set sets[3];
      for (auto& set : sets) FD_ZERO(&set);
      int nfds = 0;
      for (int f = 0; f < 2 * kPipes; ++f) {
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
          if (FD_ISSET(fd_of(f), &sets[e])) r[1 + e] |= std::int64_t{1} << f;
        }
      }
      out.push_back(r);
    }
  }
  for (auto& p : fds) {
    ::close(p[0]);
    ::close(p[1]);
  }
  return out;
}

sim::Task<> replay(Process& p, const std::vector<Step>& steps, const std::vector<int>& fd_of, Results& out) {
  for (const Step& s : steps) {
    if (s.kind == Step::Write) {
      const std::int64_t n = co_await p.write(fd_of[2 * s.pipe + 1], s.bytes);
      out.push_back(std::vector<std::int64_t>(1, n));
    } else if (s.kind == Step::Read) {
      const std::int64_t n = co_await p.read(fd_of[2 * s.pipe], s.bytes);
      out.push_back(std::vector<std::int64_t>(1, n));
    } else {
      Masks m;
      int nfds = 0;
      for (int f = 0; f < 2 * kPipes; ++f) {
        for (Ev e : {Ev::Read, Ev::Write, Ev::Except}) {
          if (s.ask[f] & (1 << static_cast<int>(e))) m.of(e) |= 1ULL << fd_of[f];
        }
        nfds = std::max(nfds, fd_of[f] + 1);
      }
      const int count = co_await p.select(nfds, m, sim::Duration{0});
      std::vector<std::int64_t> r(4, 0);
      r[0] = count;
      for (int f = 0; f < 2 * kPipes; ++f) {
        for (Ev e : {Ev::Read, Ev::Write, Ev::Except}) {
          if (m.of(e) & (1ULL << fd_of[f])) r[1 + static_cast<int>(e)] |= std::int64_t{1} << f;
        }
      }
      out.push_back(r);
    }
  }
}

// `remote`: the pipes are made on cpu0 and the steps run in a child on cpu1.
Results on_ipcsim(const std::vector<Step>& steps, bool remote) {
  sim::World w;
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus, {.pipe_capacity = 65536});
  Results out;
  spawn_process(sys, *m.cpus[0], "parent", [&](Process& p) -> sim::Task<> {
    std::vector<int> fd_of;
    for (int i = 0; i < kPipes; ++i) {
      int fds[2];
      co_await p.pipe(fds);
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

std::string show(const std::vector<std::int64_t>& r) {
  std::string s;
  for (auto v : r) s += std::to_string(v) + " ";
  return s;
}

TEST(SelectAgainstLinux, OneSpaceAndTwoSpacesGiveLinuxResults) {
  int readable = 0, empty_polls = 0, empty_reads = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<Step> steps = program(seed, 120);
    const Results linux = on_linux(steps);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].kind == Step::Select) {
        readable += linux[i][1] != 0;
        empty_polls += linux[i][1] == 0;
      }
      if (steps[i].kind == Step::Read) empty_reads += linux[i][0] == 0;
    }
    const Results local = on_ipcsim(steps, false);
    const Results distributed = on_ipcsim(steps, true);
    ASSERT_EQ(local.size(), linux.size());
    ASSERT_EQ(distributed.size(), linux.size());
    for (std::size_t i = 0; i < linux.size(); ++i) {
      ASSERT_EQ(show(local[i]), show(linux[i])) << "seed " << seed << ", step " << i << " (one space)";
      ASSERT_EQ(show(distributed[i]), show(linux[i])) << "seed " << seed << ", step " << i << " (two spaces)";
    }
  }
  // The programs meet both states of a pipe: some polls find data, some none.
  EXPECT_GT(readable, 100);
  EXPECT_GT(empty_polls, 50);
  EXPECT_GT(empty_reads, 20);
}

}  // namespace
}  // namespace ipcsim::select

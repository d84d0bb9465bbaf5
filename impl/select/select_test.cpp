// The select() system call on local and remote pipes, claim by claim.
#include <gtest/gtest.h>

#include "impl/select/kernel.hpp"
#include "impl/select/process.hpp"
#include "impl/select/test_support.hpp"
#include "sim/fault_plan.hpp"

namespace ipcsim::select {
namespace {

using testing::Machine;

// Counts trace records of one kind (and message kind, for agent sends).
struct Count final : sim::Observer {
  std::map<std::string, int> kinds;
  void on_record(const sim::TraceRecord& r) override {
    std::string k(r.kind);
    if (const auto* f = r.field("msg_kind")) k += ":" + std::string(f->s);
    ++kinds[k];
  }
};

TEST(Select, LocalPipeRewritesTheMasksAsPosixDoes) {
  sim::World w;
  Machine m(w, 1);
  System sys(w, m.cpus, *m.bus);
  int empty_count = -2, count = -2;
  Masks empty_result, result;
  spawn_process(sys, *m.cpus[0], "p", [&](Process& p) -> sim::Task<> {
    int a[2], b[2];
    co_await p.pipe(a);
    co_await p.pipe(b);
    empty_result = Masks{.r = (1ULL << a[0]) | (1ULL << b[0])};
    empty_count = co_await p.select(b[1] + 1, empty_result, 0us);  // zero timeout: a poll
    co_await p.write(a[1], 5);
    result = Masks{.r = (1ULL << a[0]) | (1ULL << b[0]), .w = 1ULL << b[1]};
    count = co_await p.select(b[1] + 1, result, 10us);
  });
  w.run();
  EXPECT_EQ(empty_count, 0);
  EXPECT_EQ(empty_result, Masks{});
  EXPECT_EQ(count, 2);  // a is readable, b's write end writable; b's read end cleared
  EXPECT_EQ(result.r, 1ULL << 0);
  EXPECT_EQ(result.w, 1ULL << 3);
}

TEST(Select, TimesOutWithZeroAtTheDeadline) {
  sim::World w;
  Machine m(w, 1);
  System sys(w, m.cpus, *m.bus);
  int count = -2;
  sim::Instant returned{};
  spawn_process(sys, *m.cpus[0], "p", [&](Process& p) -> sim::Task<> {
    int a[2];
    co_await p.pipe(a);
    Masks mk{.r = 1ULL << a[0]};
    count = co_await p.select(a[0] + 1, mk, 30us);
    returned = p.ctx().now();
  });
  w.run();
  EXPECT_EQ(count, 0);
  EXPECT_EQ(returned, sim::at_ns(30'000));
}

TEST(Select, BadFdIsAnError) {
  sim::World w;
  Machine m(w, 1);
  System sys(w, m.cpus, *m.bus);
  int count = 0;
  spawn_process(sys, *m.cpus[0], "p", [&](Process& p) -> sim::Task<> {
    Masks mk{.r = 1ULL << 7};
    count = co_await p.select(8, mk, 1us);
  });
  w.run();
  EXPECT_EQ(count, -1);
}

// Claim 1 and 11: a pipe made on cpu0, read on cpu1 through a shadow; the
// select goes to cpu1's agent, travels to cpu0, the notification comes back
// to the agent, which wakes the caller.
TEST(Select, RemoteSelectIsWokenThroughTheAgents) {
  sim::World w;
  Count count;
  w.attach(count);
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus);
  int n = -2;
  sim::Instant woke{};
  std::int64_t got = -2;
  spawn_process(sys, *m.cpus[0], "parent", [&](Process& p) -> sim::Task<> {
    int a[2];
    co_await p.pipe(a);
    const int rd = a[0];
    Body child = [&, rd](Process& c) -> sim::Task<> {
      Masks mk{.r = 1ULL << rd};
      n = co_await c.select(rd + 1, mk, std::nullopt);
      woke = c.ctx().now();
      got = co_await c.read(rd, 100);
    };
    co_await p.fork(*m.cpus[1], "child", std::move(child));
    co_await p.ctx().sleep(20us);
    co_await p.write(a[1], 6);
  });
  const sim::RunResult r = w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(woke, sim::at_ns(22'000));  // the write at 20 us, one bus latency for the notification
  EXPECT_EQ(got, 6);
  EXPECT_EQ(count.kinds["select.agent.send:interest"], 1);
  EXPECT_EQ(count.kinds["select.agent.send:notify"], 1);
  EXPECT_EQ(count.kinds["select.shadow.create"], 2);  // both ends, one open each
}

// Claims 2, 23, 24: dup'd FDs in one process and two processes after fork,
// all on cpu1 and on one (pipe, read): one interest message, every FD woken.
sim::RunResult dedupe_run(Bugs bugs, Count& count, std::vector<int>& counts) {
  sim::World w;
  w.attach(count);
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus, {.bugs = bugs});
  counts.assign(2, -2);
  spawn_process(sys, *m.cpus[0], "parent", [&](Process& p) -> sim::Task<> {
    int a[2];
    co_await p.pipe(a);
    const int rd = a[0];
    for (int c = 0; c < 2; ++c) {
      Body child = [&, rd, c](Process& ch) -> sim::Task<> {
        const int d = co_await ch.dup(rd);
        Masks mk{.r = (1ULL << rd) | (1ULL << d)};
        counts[c] = co_await ch.select(d + 1, mk, 100us);
      };
      std::string name = "child" + std::to_string(c);
      co_await p.fork(*m.cpus[1], std::move(name), std::move(child));
    }
    co_await p.ctx().sleep(20us);
    co_await p.write(a[1], 6);
  });
  return w.run();
}

TEST(Select, DuplicateInterestSendsOneMessageAndWakesEveryone) {
  Count count;
  std::vector<int> counts;
  dedupe_run({}, count, counts);
  EXPECT_EQ(count.kinds["select.agent.send:interest"], 1);
  EXPECT_EQ(counts, (std::vector<int>{2, 2}));  // both FDs of both processes
}

TEST(Select, BrokenNoDedupeSendsOneMessagePerFd) {
  Count count;
  std::vector<int> counts;
  dedupe_run({.no_dedupe = true}, count, counts);
  EXPECT_EQ(count.kinds["select.agent.send:interest"], 4);
}

TEST(Select, BrokenNotifyFirstOnlyLeavesTheOthersAsleep) {
  Count count;
  std::vector<int> counts;
  dedupe_run({.notify_first_only = true}, count, counts);
  EXPECT_EQ(counts, (std::vector<int>{1, 0}));  // child0 got one FD; child1 slept to its timeout
}

// A crash of the pipe's CPU wakes the remote waiter with error readiness
// within two check periods; without the liveness check it sleeps forever.
sim::RunResult crash_run(Bugs bugs, int& n, std::int64_t& got, sim::Instant& woke) {
  sim::World w;
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus, {.check_period = 10us, .bugs = bugs});
  sim::FaultPlan plan;
  plan.add({.type = sim::FaultType::CrashCpu, .cpu = 0, .at = sim::at_ns(15'000)});
  plan.install(w);
  spawn_process(sys, *m.cpus[0], "parent", [&](Process& p) -> sim::Task<> {
    int a[2];
    co_await p.pipe(a);
    const int rd = a[0];
    Body child = [&, rd](Process& c) -> sim::Task<> {
      Masks mk{.r = 1ULL << rd};
      n = co_await c.select(rd + 1, mk, std::nullopt);
      woke = c.ctx().now();
      got = co_await c.read(rd, 10);
    };
    co_await p.fork(*m.cpus[1], "child", std::move(child));
    co_await p.ctx().sleep(1ms);
  });
  return w.run();
}

TEST(Select, RemoteCrashWakesTheWaiterWithAnError) {
  int n = -2;
  std::int64_t got = 0;
  sim::Instant woke{};
  const sim::RunResult r = crash_run({}, n, got, woke);
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(got, -1);
  // Declared dead when suspect_after (2) checks in a row found the ping unanswered.
  EXPECT_LE(woke, sim::at_ns(15'000 + 3 * 10'000 + 2'000));
}

TEST(Select, BrokenNoLivenessHangs) {
  int n = -2;
  std::int64_t got = 0;
  sim::Instant woke{};
  const sim::RunResult r = crash_run({.no_liveness = true}, n, got, woke);
  EXPECT_EQ(r.outcome, sim::RunOutcome::Deadlock);
  EXPECT_EQ(n, -2);
}

// A signal to a process sleeping in select() (no timeout, on a remote pipe
// nobody writes yet): select returns -1 (EINTR) with the masks as passed;
// the next select on the same FD works as if nothing happened.
TEST(Select, ASignalInterruptsSelect) {
  sim::World w;
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus);
  int first = -2, second = -2, killed = -2;
  Masks after_signal;
  spawn_process(sys, *m.cpus[0], "root", [&](Process& root) -> sim::Task<> {
    int fds[2];
    co_await root.pipe(fds);
    Body child = [&, rd = fds[0]](Process& c) -> sim::Task<> {
      Body sibling = [&, target = c.pid()](Process& s) -> sim::Task<> {
        co_await s.ctx().sleep(10us);
        killed = co_await s.kill(target);
      };
      co_await c.fork(*m.cpus[1], "sibling", std::move(sibling));
      after_signal = Masks{.r = 1ULL << rd, .e = 1ULL << rd};
      first = co_await c.select(rd + 1, after_signal, std::nullopt);
      Masks again{.r = 1ULL << rd};
      second = co_await c.select(rd + 1, again, std::nullopt);
    };
    co_await root.fork(*m.cpus[1], "child", std::move(child));
    co_await root.ctx().sleep(30us);
    co_await root.write(fds[1], 4);
  });
  const sim::RunResult r = w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(killed, 0);
  EXPECT_EQ(first, -1);
  EXPECT_EQ(after_signal.r, 1ULL);  // untouched: FD 0 asked for, for read and exception
  EXPECT_EQ(after_signal.e, 1ULL);
  EXPECT_EQ(second, 1);
}

// Disk files are always ready for reading and writing, never exceptional.
TEST(Select, FilesAreAlwaysReady) {
  sim::World w;
  Machine m(w, 1);
  System sys(w, m.cpus, *m.bus);
  int n = -2;
  Masks mk;
  spawn_process(sys, *m.cpus[0], "p", [&](Process& p) -> sim::Task<> {
    const int fd = co_await p.open_file();
    mk = Masks{.r = 1ULL << fd, .w = 1ULL << fd, .e = 1ULL << fd};
    n = co_await p.select(fd + 1, mk, std::nullopt);
  });
  w.run();
  EXPECT_EQ(n, 2);
  EXPECT_EQ(mk.e, 0u);
}

}  // namespace
}  // namespace ipcsim::select

namespace ipcsim::select {
namespace {

// A crash and a quick restart, between two liveness checks: the new agent
// answers the ping, with the CPU's new incarnation, which tells the waiter's
// agent that the pipes it waits on died with the old one.
TEST(Select, ARestartedPeerIsRecognisedByItsIncarnation) {
  sim::World w;
  Count count;
  w.attach(count);
  Machine m(w, 2);
  System sys(w, m.cpus, *m.bus, {.check_period = 10us});
  sim::FaultPlan plan;
  plan.add({.type = sim::FaultType::CrashCpu, .cpu = 0, .at = sim::at_ns(15'000), .restart_after = 1us});
  plan.install(w);
  int n = -2;
  std::int64_t got = 0;
  sim::Instant woke{};
  spawn_process(sys, *m.cpus[0], "parent", [&](Process& p) -> sim::Task<> {
    int a[2];
    co_await p.pipe(a);
    const int rd = a[0];
    Body child = [&, rd](Process& c) -> sim::Task<> {
      Masks mk{.r = 1ULL << rd};
      n = co_await c.select(rd + 1, mk, std::nullopt);
      woke = c.ctx().now();
      got = co_await c.read(rd, 10);
    };
    co_await p.fork(*m.cpus[1], "child", std::move(child));
    co_await p.ctx().sleep(1ms);
  });
  const sim::RunResult r = w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(count.kinds["select.kernel.boot"], 3);  // two at the start, one at the restart
  EXPECT_EQ(n, 1);
  EXPECT_EQ(got, -1);
  EXPECT_EQ(woke, sim::at_ns(24'000));  // the ping at 20 us, the new incarnation's pong at 24 us
  EXPECT_EQ(sys.kernel(0).incarnation(), 2u);
}

}  // namespace
}  // namespace ipcsim::select

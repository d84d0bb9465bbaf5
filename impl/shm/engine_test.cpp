// The engine end to end on the simulation kernel: registration, transfers,
// out of memory, isolation, crash cleanup, restart, and the transfer time
// against the payload size (engine flat, pipe growing).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "impl/shm/test_support.hpp"
#include "impl/shm/workloads.hpp"

namespace ipcsim::shm {
namespace {

using namespace std::chrono_literals;
using testing::Machine;
using testing::Rec;

// Everything freed and merged, nothing pending, no lock held: the state every
// correct run ends in once its processes are gone.
void expect_clean_end(Machine& m, workloads::Workload& wl) {
  EXPECT_TRUE(wl.shm().space_manager().fully_coalesced());
  EXPECT_EQ(wl.shm().live_managers(), 1u) << "every block's manager retired";
  EXPECT_EQ(wl.shm().pending_records(), 0u);
  EXPECT_EQ(wl.shm().check_consistency(), "");
  EXPECT_EQ(m.log.count("shm.end.live"), 0u);
  EXPECT_EQ(m.log.count("shm.end.free"), 1u) << "one free block: the whole data region";
}

TEST(ShmEngine, RegistersSeveralProcessesEachWithItsOwnBlockAndManager) {
  Machine m(3);
  ShmConfig cfg{.data_bytes = 1 << 20, .block_bytes = 64 << 10};
  auto wl = workloads::build_storm(m.w, m.placement(), cfg, {.processes = 6});
  const sim::RunResult r = m.w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
  EXPECT_EQ(m.log.count("shm.register.end"), 6u);
  EXPECT_EQ(m.log.count("shm.engine.cache"), 6u);
  EXPECT_EQ(m.log.count("shm.terminate", "how", "exit"), 6u);
  // One manager per registration, ids 1..6, each over a distinct block.
  std::map<std::string, std::string> block_of_mgr;
  for (const Rec& x : m.log.recs) {
    if (x.kind == "shm.manager.assign") block_of_mgr[x.f.at("mgr")] = x.f.at("rel");
  }
  EXPECT_EQ(block_of_mgr.size(), 6u);
  std::vector<std::string> blocks;
  for (const auto& [mgr, rel] : block_of_mgr) blocks.push_back(rel);
  std::sort(blocks.begin(), blocks.end());
  EXPECT_EQ(std::unique(blocks.begin(), blocks.end()), blocks.end());
  // The seed's order, with the manager before the flag and the signal.
  const sim::ActorId first =
      std::find_if(m.log.recs.begin(), m.log.recs.end(), [](const Rec& x) { return x.kind == "shm.register.begin"; })
          ->actor;
  std::vector<std::string> kinds;
  for (const Rec& x : m.log.recs) {
    if (x.actor == first && x.kind.starts_with("shm.") && kinds.size() < 10) kinds.push_back(x.kind);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"shm.register.begin", "shm.admin.acquire", "shm.alloc", "shm.handles",
                                             "shm.registry.store", "shm.manager.assign", "shm.registered",
                                             "shm.engine.signal", "shm.admin.release", "shm.register.end"}));
  expect_clean_end(m, *wl);
}

TEST(ShmEngine, RegistrantsWaitForSpaceWhileTheRegionIsFullAndGetItWhenFreed) {
  Machine m(2);
  // Two blocks for five processes: three wait ("locked full"), each gets a
  // block when an earlier one deregisters and the engine frees its block.
  ShmConfig cfg{.data_bytes = 128 << 10, .block_bytes = 64 << 10};
  auto wl = workloads::build_storm(m.w, m.placement(), cfg, {.processes = 5, .hold = 5us});
  const sim::RunResult r = m.w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
  EXPECT_EQ(m.log.count("shm.register.end"), 5u);
  EXPECT_GE(m.log.count("shm.block.wait"), 3u);
  expect_clean_end(m, *wl);
}

// Sent and received checksums per transfer.
std::map<std::string, std::pair<std::string, std::string>> sums(const testing::Log& log) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const Rec& x : log.recs) {
    if (x.kind == "shm.send") out[x.f.at("xfer")].first = x.f.at("sum");
    if (x.kind == "shm.recv") out[x.f.at("xfer")].second = x.f.at("sum");
  }
  return out;
}

TEST(ShmEngine, ATransferArrivesIntactWithoutACopyAndItsSubBlockGoesBack) {
  Machine m(3);
  ShmConfig cfg{.data_bytes = 1 << 20, .block_bytes = 256 << 10};
  auto wl = workloads::build_transfers(m.w, m.placement(), cfg, {.sizes = {64, 1000, 4096, 65536}, .repeat = 2});
  const sim::RunResult r = m.w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
  const auto s = sums(m.log);
  ASSERT_EQ(s.size(), 8u);
  for (const auto& [xfer, pair] : s) EXPECT_EQ(pair.first, pair.second) << "transfer " << xfer;
  EXPECT_EQ(m.log.count("shm.map"), 8u);
  EXPECT_EQ(m.log.count("shm.release"), 8u);
  // Zero-copy: the destination reads the sender's sub-block in place (its
  // read is inside the sender's block), and the engine never touches data.
  for (const Rec& x : m.log.recs) {
    if (x.kind == "shm.access" && x.f.at("mode") == "read") {
      EXPECT_NE(x.f.at("owner"), x.f.at("pid"));
    }
    if (x.kind == "shm.access") {
      EXPECT_NE(x.actor, wl->shm().engine_id());
    }
  }
  expect_clean_end(m, *wl);
}

// Everything on one CPU (the engine too), then both processes on one CPU
// beside the engine's: the sender deregisters and ends while the engine has
// not yet released its last record, which the receiver has already consumed.
// The receiver must see that nothing is left to read for it and stop (it
// used to count the consumed record as pending and wait for a wake-up that
// the release never sends: "proc2 did not finish", every seed).
TEST(ShmEngine, OnOneCpuTheReceiverStopsOnceItsSenderHasGone) {
  for (std::size_t cpus : {1, 2}) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      Machine m(cpus, seed);
      ShmConfig cfg{.data_bytes = 1 << 20, .block_bytes = 64 << 10};
      auto wl = workloads::build_transfers(m.w, m.placement(), cfg, {.sizes = {64, 4096}, .repeat = 2});
      const sim::RunResult r = m.w.run();
      SCOPED_TRACE("cpus " + std::to_string(cpus) + " seed " + std::to_string(seed));
      EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
      EXPECT_EQ(wl->check(), "");
      const auto s = sums(m.log);
      ASSERT_EQ(s.size(), 4u);
      for (const auto& [xfer, pair] : s) EXPECT_EQ(pair.first, pair.second) << "transfer " << xfer;
      EXPECT_EQ(m.log.count("shm.terminate", "how", "exit"), 2u);
      expect_clean_end(m, *wl);
    }
  }
}

TEST(ShmEngine, OutOfMemoryIsAnErrorToTheSenderAndChangesNothingElse) {
  Machine m(3);
  // A 4 KiB block: while the slow reader holds the first 3000-byte message,
  // the second cannot get a sub-block.
  ShmConfig cfg{.data_bytes = 64 << 10, .block_bytes = 4 << 10};
  auto wl = workloads::build_transfers(m.w, m.placement(), cfg, {.sizes = {3000, 3000}, .read_delay = 50us});
  const sim::RunResult r = m.w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
  EXPECT_EQ(m.log.count("shm.send.failed", "reason", "oom"), 1u);
  EXPECT_EQ(m.log.count("shm.alloc.fail"), 1u);
  EXPECT_EQ(m.log.count("shm.recv"), 1u);
  const auto counts = wl->counts();
  EXPECT_NE(std::find(counts.begin(), counts.end(),
                      std::pair<std::string, std::string>{"sends refused (oom / too large / dst unknown)", "1 / 0 / 0"}),
            counts.end());
  expect_clean_end(m, *wl);
}

TEST(ShmEngine, ADirectReadOfAPeersBlockIsRefusedAndTraced) {
  for (const bool broken : {false, true}) {
    Machine m(3);
    ShmConfig cfg{.data_bytes = 1 << 20, .block_bytes = 64 << 10};
    cfg.bugs.direct_access = broken;
    auto wl = workloads::build_transfers(m.w, m.placement(), cfg, {.sizes = {64, 128}, .gap = 10us, .snoop = true});
    m.w.run();
    ASSERT_EQ(wl->snooped(), 2u) << "the sender was there both times";
    EXPECT_EQ(wl->refused(), broken ? 0u : 2u);
    EXPECT_EQ(m.log.count("shm.access.refused"), broken ? 0u : 2u);
    // Reads of a block that is not the reader's: the two granted ones, plus
    // the two snoops when the check lets them through.
    std::size_t foreign = 0;
    for (const Rec& x : m.log.recs) {
      if (x.kind == "shm.access" && x.f.at("owner") != x.f.at("pid")) ++foreign;
    }
    EXPECT_EQ(foreign, broken ? 4u : 2u);
  }
}

TEST(ShmEngine, ACrashedReceiverIsCleanedUpByTheEngineAndItsSenderIsTold) {
  Machine m(3);
  ShmConfig cfg{.data_bytes = 1 << 20, .block_bytes = 64 << 10};
  // The receiver (cpu2) reads slowly; its CPU crashes with transfers granted
  // to it and for good.
  auto wl = workloads::build_transfers(m.w, m.placement(), cfg,
                                       {.sizes = {100, 200, 300, 400}, .read_delay = 20us});
  m.w.at(sim::at_ns(30'000), [&] { m.w.crash(*m.cpus[2]); });
  const sim::RunResult r = m.w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "") << "the sender finishes; the crashed receiver is not asked";
  EXPECT_EQ(m.log.count("shm.terminate", "how", "crash"), 1u);
  EXPECT_GE(m.log.count("shm.send.failed", "reason", "dst_terminated"), 1u);
  // Every send ends received or failed.
  EXPECT_EQ(m.log.count("shm.recv") + m.log.count("shm.send.failed"), m.log.count("shm.send"));
  expect_clean_end(m, *wl);
}

TEST(ShmEngine, ACrashAtAnyInstantOfARegistrationIsRecoveredLocksIncluded) {
  // Crash the registrant's CPU at every 10 ns of its registration (and of its
  // first transfer): whatever it held, the engine recovers the locks, frees
  // its block and the survivor finishes. At least one instant finds it
  // holding the admin lock.
  std::size_t recovered = 0;
  for (std::int64_t t = 0; t <= 1500; t += 10) {
    Machine m(3);
    ShmConfig cfg{.data_bytes = 1 << 20, .block_bytes = 64 << 10};
    auto wl = workloads::build_transfers(m.w, m.placement(), cfg, {.sizes = {64, 64}});
    m.w.at(sim::at_ns(t), [&] { m.w.crash(*m.cpus[1]); });  // the sender's CPU
    const sim::RunResult r = m.w.run();
    ASSERT_EQ(r.outcome, sim::RunOutcome::Quiescent) << "crash at " << t;
    EXPECT_EQ(wl->check(), "") << "crash at " << t;
    recovered += m.log.count("shm.lock.recover");
    expect_clean_end(m, *wl);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "crash at " << t << " ns";
      break;
    }
  }
  EXPECT_GE(recovered, 1u);
}

TEST(ShmEngine, ARestartedProcessRegistersAnewAndRejoins) {
  Machine m(3);
  ShmConfig cfg{.data_bytes = 1 << 20, .block_bytes = 64 << 10};
  // The receiver's CPU crashes mid-way and comes back; the survivor's sends
  // in between fail, the rest reach the new incarnation.
  auto wl = workloads::build_transfers(m.w, m.placement(), cfg,
                                       {.sizes = {100, 200, 300, 400, 500, 600}, .gap = 10us});
  m.w.at(sim::at_ns(15'000), [&] { m.w.crash(*m.cpus[2]); });
  m.w.at(sim::at_ns(25'000), [&] { m.w.restart(*m.cpus[2]); });
  const sim::RunResult r = m.w.run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(wl->check(), "");
  EXPECT_EQ(m.log.count("shm.register.end"), 3u) << "sender, receiver, receiver again";
  std::set<std::string> receivers;
  for (const Rec& x : m.log.recs) {
    if (x.kind == "shm.recv") receivers.insert(x.f.at("dst"));
  }
  EXPECT_EQ(receivers.size(), 2u) << "both incarnations received";
  EXPECT_EQ(m.log.count("shm.recv") + m.log.count("shm.send.failed"), m.log.count("shm.send"));
  expect_clean_end(m, *wl);
}

// ---- Transfer time against payload size ----------------------------------

struct Timing {
  std::uint64_t bytes = 0;
  std::int64_t transfer_ns = 0;  // shm.send -> shm.map (engine) or shm.recv (pipe)
  std::int64_t read_ns = 0;      // shm.map -> shm.recv (engine: the destination's own read)
};

std::vector<Timing> time_transfers(Transport transport, const std::vector<std::uint64_t>& sizes) {
  Machine m(3);
  ShmConfig cfg{.data_bytes = 32 << 20, .block_bytes = 8 << 20, .transport = transport};
  auto wl = workloads::build_transfers(m.w, m.placement(), cfg, {.sizes = sizes, .gap = 5ms});
  m.w.run();
  EXPECT_EQ(wl->check(), "");
  std::map<std::string, std::int64_t> sent, mapped;
  std::vector<Timing> out;
  for (const Rec& x : m.log.recs) {
    if (x.kind == "shm.send") sent[x.f.at("xfer")] = x.t;
    if (x.kind == "shm.map") mapped[x.f.at("xfer")] = x.t;
    if (x.kind == "shm.recv") {
      const std::string& xfer = x.f.at("xfer");
      const std::int64_t end = transport == Transport::Engine ? mapped.at(xfer) : x.t;
      out.push_back({x.unum("bytes"), end - sent.at(xfer), x.t - end});
    }
  }
  return out;
}

TEST(ShmEngine, TransferTimeIsFlatForTheEngineAndGrowsForThePipe) {
  const std::vector<std::uint64_t> sizes = {64, 1024, 16 << 10, 256 << 10, 4 << 20};
  const std::vector<Timing> engine = time_transfers(Transport::Engine, sizes);
  const std::vector<Timing> pipe = time_transfers(Transport::Pipe, sizes);
  ASSERT_EQ(engine.size(), sizes.size());
  ASSERT_EQ(pipe.size(), sizes.size());
  std::int64_t lo = engine[0].transfer_ns, hi = lo;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    std::printf("%8llu B: engine %6lld ns (+ read %8lld ns), pipe %9lld ns\n",
                static_cast<unsigned long long>(sizes[i]), static_cast<long long>(engine[i].transfer_ns),
                static_cast<long long>(engine[i].read_ns), static_cast<long long>(pipe[i].transfer_ns));
    lo = std::min(lo, engine[i].transfer_ns);
    hi = std::max(hi, engine[i].transfer_ns);
  }
  EXPECT_LE(hi * 10, lo * 11) << "engine within 10 %: " << lo << " .. " << hi << " ns";
  EXPECT_GT(pipe.back().transfer_ns, 100 * pipe.front().transfer_ns) << "the pipe copies: it grows with the size";
}

}  // namespace
}  // namespace ipcsim::shm

// Processors on simulated CPUs sharing the message section: every message is
// retrieved by each of its recipients, runs are deterministic, the cached
// strategies inspect fewer slots than the baseline, and a restarted CPU's
// processors come back.
#include "impl/scan/workload.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "sim/trace.hpp"

namespace ipcsim::scan {
namespace {

// Counts records by kind, and retrievals per (message, processor).
struct Counter : sim::Observer {
  std::map<std::string, int> kinds;
  std::map<std::pair<std::uint64_t, std::int64_t>, int> retrieved;
  std::string digest;
  void on_record(const sim::TraceRecord& r) override {
    ++kinds[std::string(r.kind)];
    if (r.kind == "scan.retrieve") ++retrieved[{r.field("msg")->u, r.field("proc")->as_int()}];
    sim::append_json_record(digest, r);
  }
};

struct SimRun {
  sim::World w;
  Counter counter;
  std::vector<sim::Cpu*> cpus;
  sim::Memory* region = nullptr;
  std::unique_ptr<Workload> wl;
  sim::RunResult result;
  SimRun(const ScanParams& p, std::uint64_t seed, std::uint32_t ncpus = 2) : w({.seed = seed}) {
    w.attach(counter);
    std::vector<sim::CpuId> ids;
    for (std::uint32_t i = 0; i < ncpus; ++i) {
      cpus.push_back(&w.add_cpu({.name = "cpu" + std::to_string(i)}));
      ids.push_back(cpus.back()->id());
    }
    region = &w.add_shared_region("shm", region_bytes_needed(p), ids, {.per_access = sim::Duration{2}});
    wl = build_workload(w, cpus, *region, p);
  }
  void go() { result = w.run({.max_steps = 2'000'000}); }
};

TEST(ScanWorkloadTest, EveryRecipientRetrievesEachMessageOnce) {
  for (Strategy s : {Strategy::Baseline, Strategy::Cached, Strategy::CachedFixed, Strategy::CachedAdaptive}) {
    ScanParams p{
        .processors = 5, .slots = 16, .messages = 40, .recipients = 2, .post_gap = std::chrono::nanoseconds(300)};
    p.strategy.strategy = s;
    SimRun r(p, 3);
    r.go();
    EXPECT_EQ(r.result.outcome, sim::RunOutcome::Quiescent) << to_string(s);
    EXPECT_EQ(r.wl->posted(), 40u);
    EXPECT_EQ(r.wl->retrievals(), 80u) << to_string(s);
    EXPECT_EQ(r.counter.retrieved.size(), 80u);
    for (const auto& [key, n] : r.counter.retrieved) EXPECT_EQ(n, 1);
    EXPECT_EQ(r.counter.kinds["scan.remove"], 40) << to_string(s);
    EXPECT_EQ(r.counter.kinds["scan.left"], 0);
  }
}

TEST(ScanWorkloadTest, OneSeedOneTrace) {
  ScanParams p{.processors = 4, .slots = 8, .messages = 20, .burst = 3, .urgent_percent = 20};
  p.strategy.strategy = Strategy::CachedAdaptive;
  SimRun a(p, 9), b(p, 9);
  a.go();
  b.go();
  EXPECT_EQ(a.counter.digest, b.counter.digest);
  EXPECT_FALSE(a.counter.digest.empty());
}

TEST(ScanWorkloadTest, CachedScansInspectFewerSlotsThanTheBaseline) {
  ScanParams p{.processors = 8,
               .slots = 128,
               .messages = 60,
               .backlog = 60,
               .recipients = 8,
               .post_gap = std::chrono::nanoseconds(500)};
  p.trace_inspections = false;
  std::map<Strategy, double> per_message;
  for (Strategy s : {Strategy::Baseline, Strategy::Cached}) {
    p.strategy.strategy = s;
    SimRun r(p, 1);
    r.go();
    ASSERT_EQ(r.wl->retrievals(), 120u * 8);
    per_message[s] = static_cast<double>(r.wl->inspections()) / static_cast<double>(r.wl->retrievals());
  }
  EXPECT_LT(per_message[Strategy::Cached] * 3, per_message[Strategy::Baseline]);
}

TEST(ScanWorkloadTest, ARestartedCpuStartsItsProcessorsAgainWithEmptyCaches) {
  ScanParams p{.processors = 4, .slots = 16, .messages = 30, .post_gap = std::chrono::nanoseconds(400)};
  SimRun r(p, 5);
  r.w.at(sim::at_ns(4000), [&] { r.w.crash(*r.cpus[1]); });
  r.w.at(sim::at_ns(6000), [&] { r.w.restart(*r.cpus[1]); });
  r.go();
  EXPECT_EQ(r.result.outcome, sim::RunOutcome::Quiescent);
  EXPECT_EQ(r.counter.kinds["scan.proc.start"], 6);  // 4, then p1 and p3 again
  EXPECT_EQ(r.counter.kinds["scan.proc.done"], 4);
  for (const auto& [key, n] : r.counter.retrieved) EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace ipcsim::scan

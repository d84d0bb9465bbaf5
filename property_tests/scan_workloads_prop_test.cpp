// The message-list with random processor counts, section sizes, fan-outs,
// bursts, urgent postings, removal policies, strategies and schedules (the
// World seed): the correct protocol keeps every scan property, delivers each
// message to each recipient once and ends quiescent; small sections make
// removals and slot reuse race with the scans all the time.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/scan/harness.hpp"

namespace ipcsim::scan {
namespace {

using namespace std::chrono_literals;

RC_GTEST_PROP(ScanProperties, TheCorrectProtocolKeepsEveryPropertyOnRandomWorkloads, ()) {
  ScanParams p;
  p.processors = *rc::gen::inRange<std::uint32_t>(1, 13);
  p.slots = *rc::gen::inRange<std::uint32_t>(1, 13);
  p.messages = *rc::gen::inRange<std::uint32_t>(0, 31);
  p.recipients = *rc::gen::inRange<std::uint32_t>(1, p.processors + 1);
  p.burst = *rc::gen::inRange<std::uint32_t>(1, 5);
  p.post_gap = std::chrono::nanoseconds(*rc::gen::inRange<std::int64_t>(0, 800));
  p.scan_period = std::chrono::nanoseconds(*rc::gen::inRange<std::int64_t>(100, 1000));
  p.process_time = std::chrono::nanoseconds(*rc::gen::element<std::int64_t>(0, 0, 150));
  p.removal = *rc::gen::element(Removal::AfterProcessing, Removal::AtRetrieval);
  p.strategy.strategy =
      *rc::gen::element(Strategy::Baseline, Strategy::Cached, Strategy::CachedFixed, Strategy::CachedAdaptive);
  p.strategy.threshold = *rc::gen::inRange<std::uint32_t>(0, 6);
  p.strategy.threshold_min = *rc::gen::inRange<std::uint32_t>(1, 4);
  p.strategy.threshold_max = p.strategy.threshold_min + *rc::gen::inRange<std::uint32_t>(0, 8);
  // Urgent postings wait for a reset: only strategies with a threshold bound them.
  p.urgent_percent = p.strategy.strategy == Strategy::Cached ? 0 : *rc::gen::inRange<std::uint32_t>(0, 50);
  const auto cpus = *rc::gen::inRange<std::uint32_t>(1, 5);
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  const auto cost = sim::Duration{*rc::gen::inRange<std::int64_t>(0, 4)};
  const model::scan::testing::Outcome o = model::scan::testing::run_scan(p, seed, cpus, cost);
  RC_LOG() << "violation: " << o.violated << ": " << o.message << "\n";
  RC_ASSERT(o.violated == "");
  RC_ASSERT(o.result.outcome == sim::RunOutcome::Quiescent);
  RC_ASSERT(o.retrievals == std::uint64_t{p.messages} * p.recipients);
}

// The cursor's broken variants make scans skip messages or start in the free
// list; they never break the chain or lose a message. Whatever they do on a
// random workload, only the properties about what scans see may fail: the
// monitors of the list itself stay quiet (no false alarm from them).
RC_GTEST_PROP(ScanProperties, CursorBugsOnlyEverFailTheScanProperties, ()) {
  ScanParams p;
  p.processors = *rc::gen::inRange<std::uint32_t>(2, 7);
  p.slots = *rc::gen::inRange<std::uint32_t>(2, 7);
  p.messages = *rc::gen::inRange<std::uint32_t>(1, 31);
  p.recipients = *rc::gen::inRange<std::uint32_t>(1, p.processors + 1);
  p.burst = *rc::gen::inRange<std::uint32_t>(1, 4);
  p.post_gap = std::chrono::nanoseconds(*rc::gen::inRange<std::int64_t>(0, 500));
  p.scan_period = std::chrono::nanoseconds(*rc::gen::inRange<std::int64_t>(100, 600));
  p.strategy.strategy = Strategy::Cached;
  const int bug = *rc::gen::inRange(0, 4);
  p.bugs.no_reset = bug == 0;
  p.bugs.address_only_validity = bug == 1;
  p.bugs.successor_after_remove = bug == 2;
  p.bugs.cached_null_is_end = bug == 3;
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  const model::scan::testing::Outcome o = model::scan::testing::run_scan(p, seed, 3);
  RC_LOG() << "bug " << bug << " violation: " << o.violated << ": " << o.message << "\n";
  RC_TAG(o.violated.empty() ? "not exposed" : o.violated);
  RC_ASSERT(o.violated != "well_formed_chain");
  RC_ASSERT(o.violated != "no_message_loss");
}

}  // namespace
}  // namespace ipcsim::scan

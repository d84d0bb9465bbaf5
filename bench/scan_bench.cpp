// The message-list scan strategies natively: the same list and scan code the
// simulated processors run (impl/scan/list_ops.hpp, scanner.hpp) on a byte
// vector, in one thread, without costs, footprints or trace records.
//
//  - BM_ScanPerDeliveredMessage/<strategy>/<list length>: 64 processors take
//    turns scanning a list kept at its length (each message goes to 8 of
//    them; the last to retrieve it removes it, and a new one is appended);
//    reports CPU time and inspections per delivered message.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "impl/scan/native_list.hpp"
#include "sim/rng.hpp"

namespace ipcsim::scan {
namespace {

constexpr std::uint32_t kProcessors = 64;
constexpr std::uint32_t kRecipients = 8;

struct Bench {
  NativeBytes bytes;
  NullTracer tracer;
  std::vector<Cache> caches = std::vector<Cache>(kProcessors);
  sim::Rng rng{7};
  explicit Bench(std::uint32_t length) : bytes(length) {
    for (std::uint32_t i = 0; i < length; ++i) post();
  }
  void post() {
    std::uint32_t to[kRecipients];
    std::uint32_t n = 0;
    while (n < kRecipients) {
      const auto r = static_cast<std::uint32_t>(rng.below(kProcessors));
      bool dup = false;
      for (std::uint32_t i = 0; i < n; ++i) dup = dup || to[i] == r;
      if (!dup) to[n++] = r;
    }
    const Added a = list_add(bytes, tracer, Posting{.recipients = std::span<const std::uint32_t>(to, n)});
    benchmark::DoNotOptimize(a);
  }
};

void BM_ScanPerDeliveredMessage(benchmark::State& state) {
  const auto strategy = static_cast<Strategy>(state.range(0));
  const auto length = static_cast<std::uint32_t>(state.range(1));
  const StrategyConfig cfg{.strategy = strategy, .threshold = 16, .threshold_min = 2, .threshold_max = 64};
  Bench b(length);
  std::uint64_t delivered = 0;
  std::uint32_t me = 0;
  for (auto _ : state) {
    Cache& c = b.caches[me];
    const ScanResult r = scan_once(b.bytes, b.tracer, c, cfg, Bugs{}, me);
    if (r.hit != kNull) {
      ++delivered;
      const std::uint64_t at = slot_offset(r.hit) + kSlotRemaining;
      const std::uint32_t left = b.bytes.get32(at) - 1;
      b.bytes.put32(at, left);
      if (left == 0) {
        before_remove(b.bytes, c, r.hit, r.hit_gen);
        list_remove(b.bytes, b.tracer, r.hit, Bugs{});
        b.post();
      }
    }
    me = (me + 1) % kProcessors;
  }
  state.SetLabel(std::string(to_string(strategy)) + ", " + std::to_string(length) + " slots");
  // CPU seconds per delivered message (printed with an SI prefix: 130n is 130 ns).
  state.counters["time_per_message"] =
      benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["inspections_per_message"] =
      delivered == 0 ? 0.0 : static_cast<double>(b.tracer.inspections) / static_cast<double>(delivered);
}
BENCHMARK(BM_ScanPerDeliveredMessage)->ArgsProduct({{0, 1, 2, 3}, {100, 1000, 10000}})->ArgNames({"strategy", "slots"});

}  // namespace
}  // namespace ipcsim::scan

BENCHMARK_MAIN();

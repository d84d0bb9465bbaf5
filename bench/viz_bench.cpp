// viz/ on a 100,000-record trace: how long reading and drawing take.
//
// The trace comes from a kernel program (viz/testing/programs.hpp: pairs of
// actors ping-ponging over a faulty bus on 4 CPUs), made once per process.
// Sequence diagrams stop at SequenceOptions::max_rows (2,000 by default), so
// the SVG figures are for the first 2,000 rows, laid out and rendered by
// Graphviz; Mermaid and Perfetto cover the whole trace.
#include <benchmark/benchmark.h>

#include <sstream>

#include "viz/lock_graph.hpp"
#include "viz/perfetto.hpp"
#include "viz/sequence.hpp"
#include "viz/testing/programs.hpp"
#include "viz/topology.hpp"
#include "viz/trace_reader.hpp"

namespace {

using namespace ipcsim;

constexpr std::size_t kRecords = 100'000;

const std::string& jsonl() {
  static const std::string text = viz::testing::bulk_trace(kRecords);
  return text;
}

const viz::Trace& trace() {
  static const viz::Trace t = viz::testing::parse(jsonl(), "bulk");
  return t;
}

void report(benchmark::State& state) {
  state.counters["records"] = static_cast<double>(trace().size());
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(trace().size()), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ParseTrace(benchmark::State& state) {
  for (auto _ : state) {
    std::istringstream in(jsonl());
    viz::Trace t = viz::parse_trace(in, "bulk");
    benchmark::DoNotOptimize(t.size());
  }
  report(state);
  state.counters["MB"] = static_cast<double>(jsonl().size()) / 1e6;
}
BENCHMARK(BM_ParseTrace)->Unit(benchmark::kMillisecond);

void BM_SequenceModelWholeTrace(benchmark::State& state) {
  viz::SequenceOptions o;
  o.max_rows = 1'000'000;
  for (auto _ : state) {
    viz::SequenceModel m = viz::build_sequence(trace(), o);
    benchmark::DoNotOptimize(m.rows.size());
    state.counters["rows"] = static_cast<double>(m.rows.size());
  }
  report(state);
}
BENCHMARK(BM_SequenceModelWholeTrace)->Unit(benchmark::kMillisecond);

void BM_MermaidWholeTrace(benchmark::State& state) {
  viz::SequenceOptions o;
  o.max_rows = 1'000'000;
  for (auto _ : state) {
    std::string text = viz::sequence_mermaid(trace(), o);
    benchmark::DoNotOptimize(text.data());
    state.counters["bytes"] = static_cast<double>(text.size());
  }
  report(state);
}
BENCHMARK(BM_MermaidWholeTrace)->Unit(benchmark::kMillisecond);

// The SVG of the first `rows` rows: the whole pipeline after parsing.
void BM_SequenceSvg(benchmark::State& state) {
  viz::SequenceOptions o;
  o.max_rows = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    std::string svg = viz::sequence_svg(trace(), o);
    benchmark::DoNotOptimize(svg.data());
    state.counters["bytes"] = static_cast<double>(svg.size());
  }
  report(state);
}
BENCHMARK(BM_SequenceSvg)->Arg(200)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_PerfettoWholeTrace(benchmark::State& state) {
  for (auto _ : state) {
    std::string json = viz::perfetto_json(trace());
    benchmark::DoNotOptimize(json.data());
    state.counters["bytes"] = static_cast<double>(json.size());
  }
  report(state);
}
BENCHMARK(BM_PerfettoWholeTrace)->Unit(benchmark::kMillisecond);

void BM_TopologyAndLockGraph(benchmark::State& state) {
  for (auto _ : state) {
    std::string a = viz::topology_svg(trace());
    std::string b = viz::lock_graph_svg(trace());
    benchmark::DoNotOptimize(a.data());
    benchmark::DoNotOptimize(b.data());
  }
  report(state);
}
BENCHMARK(BM_TopologyAndLockGraph)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// Bulk transport (seed 004): the native costs of the engine.
//
//  - BM_Sign / BM_Verify: libsodium crypto_auth (HMAC-SHA-512-256) over a
//    frame of the given size, as every DATA frame is signed by the sender and
//    verified by the server; bytes per second is the throughput (MB/s).
//  - BM_EngineMessage: the engine's overhead per message, simulation kernel
//    included: one source sends the given number of 1 KiB messages through
//    one connection of an infinitely fast, zero-latency bus to the storage
//    server (sessions, queues, dispatcher, signing, verification, ACKs,
//    completions), untraced. Items per second is messages per second; its
//    inverse is the cost of one message end to end.
#include <benchmark/benchmark.h>

#include <vector>

#include "impl/transport/crypto.hpp"
#include "impl/transport/workload.hpp"
#include "sim/bus.hpp"

namespace ipcsim::transport {
namespace {

std::vector<std::byte> frame_of(std::size_t bytes) {
  std::vector<std::byte> b(bytes);
  for (std::size_t i = 0; i < bytes; ++i) b[i] = static_cast<std::byte>(i * 131);
  return b;
}

void BM_Sign(benchmark::State& state) {
  const Key k = Keyring(1).key_for("DLS_SOURCE_1");
  const auto data = frame_of(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(sign(k, data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sign)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

void BM_Verify(benchmark::State& state) {
  const Key k = Keyring(1).key_for("DLS_SOURCE_1");
  const auto data = frame_of(static_cast<std::size_t>(state.range(0)));
  const Tag t = sign(k, data);
  for (auto _ : state) benchmark::DoNotOptimize(verify(k, data, t));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Verify)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

void BM_EngineMessage(benchmark::State& state) {
  TransferParams p;
  p.messages = static_cast<std::uint32_t>(state.range(0));
  p.message_bytes = 1024;
  p.output_queue_bytes = 8 * 1024;
  p.input_queue_bytes = 8 * 1024;
  for (auto _ : state) {
    sim::World w({.seed = 1});
    sim::Cpu& client = w.add_cpu({.name = "sources"});
    sim::Cpu& server = w.add_cpu({.name = "storage_server"});
    sim::Bus& bus = w.add_bus({.name = "link0", .cpus = {0, 1}});
    Transfer t(w, client, server, {&bus}, p);
    t.start();
    w.run();
    if (t.counters().completed_ok != p.messages) state.SkipWithError("not every message completed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_EngineMessage)->Arg(256);

}  // namespace
}  // namespace ipcsim::transport

BENCHMARK_MAIN();

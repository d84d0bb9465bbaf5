// Each broken variant of impl/transport, run for real, violates the property
// made for it, and the correct engine on the same machine violates none.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "impl/transport/workload.hpp"
#include "model/transport/transport_monitors.hpp"
#include "sim/bus.hpp"

namespace ipcsim::model::transport {
namespace {

using namespace std::chrono_literals;
namespace tr = ipcsim::transport;

struct Outcome {
  std::string violated;  // the first property violated, "" if none
  std::string message;
};

Outcome run(tr::TransferParams p, sim::BusFaults faults = {}, std::function<void(sim::World&, sim::Cpu&)> plan = {},
            std::size_t connections = 1, std::uint64_t bytes_per_second = 1'000'000'000) {
  sim::World w({.seed = 3});
  std::vector<std::unique_ptr<Monitor>> monitors;
  for (const auto& info : properties()) {
    monitors.push_back(make_monitor(info.name));
    monitors.back()->attach(w);
  }
  sim::Cpu& client = w.add_cpu({.name = "sources"});
  sim::Cpu& server = w.add_cpu({.name = "storage_server"});
  std::vector<sim::Bus*> buses;
  for (std::size_t k = 0; k < connections; ++k) {
    buses.push_back(&w.add_bus({.name = "conn" + std::to_string(k), .cpus = {0, 1}, .latency = 2us,
                                .bytes_per_second = bytes_per_second, .faults = faults}));
  }
  Outcome out;
  {
    tr::Transfer t(w, client, server, buses, p);
    t.start();
    if (plan) plan(w, server);
    const sim::RunResult r = w.run();
    for (auto& m : monitors) m->finish(r);
  }
  std::uint64_t first = UINT64_MAX;
  for (auto& m : monitors) {
    if (m->violated() && m->violation()->record_seq < first) {
      first = m->violation()->record_seq;
      out = {m->property(), m->violation()->message};
    }
  }
  return out;
}

tr::TransferParams small() {
  tr::TransferParams p;
  p.messages = 4;
  p.message_bytes = 1000;
  p.output_queue_bytes = 3000;
  p.input_queue_bytes = 1000;
  p.take_delay = 20us;
  p.engine.timeout = 100us;
  return p;
}

TEST(TransportBrokenVariants, TheCorrectEngineViolatesNothing) {
  EXPECT_EQ(run(small()).violated, "");
  tr::TransferParams tampered = small();
  tampered.tamper_ppm = 200'000;
  EXPECT_EQ(run(tampered).violated, "");
  EXPECT_EQ(run(small(), {}, [](sim::World& w, sim::Cpu& s) { w.at(sim::at_ns(15'000), [&] { w.crash(s); }); }).violated, "");
}

TEST(TransportBrokenVariants, IgnoringWindowZeroOverflowsTheReceiver) {
  tr::TransferParams p = small();
  p.engine.bugs.ignore_window = true;
  EXPECT_EQ(run(p).violated, "receiver_bound");
}

TEST(TransportBrokenVariants, ARetryAsANewMessageIsDeliveredTwice) {
  tr::TransferParams p = small();
  p.input_queue_bytes = 4000;
  p.take_delay = 0us;
  p.engine.timeout = 4us;  // shorter than the round trip: every message is retried
  EXPECT_EQ(run(p).violated, "");
  p.engine.bugs.retry_new_seq = true;
  EXPECT_EQ(run(p).violated, "no_loss");
}

TEST(TransportBrokenVariants, ATimeoutThatForgetsTheMessageLosesIt) {
  tr::TransferParams p = small();
  p.engine.bugs.timeout_forgets = true;
  const Outcome o = run(p, {}, [](sim::World& w, sim::Cpu& s) { w.at(sim::at_ns(15'000), [&] { w.crash(s); }); });
  EXPECT_EQ(o.violated, "no_loss");
  EXPECT_NE(o.message.find("neither delivered, nor reported failed"), std::string::npos) << o.message;
}

TEST(TransportBrokenVariants, SkippingVerificationDeliversTamperedBytes) {
  tr::TransferParams p = small();
  p.messages = 8;
  p.tamper_ppm = 300'000;
  p.engine.bugs.skip_verify = true;
  EXPECT_EQ(run(p).violated, "no_altered_delivery");
}

TEST(TransportBrokenVariants, SealedMessagesStayIntactEvenWithoutSignatureChecks) {
  // The same run as above, with encryption: Poly1305 refuses the altered
  // bytes where the skipped signature check did not.
  tr::TransferParams p = small();
  p.messages = 8;
  p.tamper_ppm = 300'000;
  p.engine.bugs.skip_verify = true;
  p.encrypt = true;
  EXPECT_EQ(run(p).violated, "");
}

TEST(TransportBrokenVariants, TakingDepartureForDeliveryLosesDroppedMessages) {
  tr::TransferParams p = small();
  p.input_queue_bytes = 4000;  // the window never closes: the loss, not an overflow, shows
  p.take_delay = 0us;
  p.engine.bugs.departure_is_delivery = true;
  p.messages = 8;
  EXPECT_EQ(run(p, {.drop_ppm = 300'000}).violated, "no_loss");
}

TEST(TransportBrokenVariants, RetiringAMessageMidWriteCompletesItTwice) {
  // 64 KB at 10 MB/s: each write takes 6.6 ms, more than the 5 ms timeout.
  tr::TransferParams p = small();
  p.messages = 2;
  p.message_bytes = 64'000;
  p.output_queue_bytes = 64'000;
  p.input_queue_bytes = 128'000;
  p.take_delay = 0us;
  p.engine.timeout = 5ms;
  p.engine.max_retries = 1;
  EXPECT_EQ(run(p, {}, {}, 2, 10'000'000).violated, "");
  p.engine.bugs.retire_during_write = true;
  const Outcome o = run(p, {}, {}, 2, 10'000'000);
  EXPECT_EQ(o.violated, "one_completion");
  EXPECT_NE(o.message.find("completed twice: failed at"), std::string::npos) << o.message;
}

TEST(TransportBrokenVariants, DataBeforeReadyIsSentBeforeTheHandshakeEnds) {
  tr::TransferParams p = small();
  p.engine.bugs.data_before_ready = true;
  EXPECT_EQ(run(p).violated, "no_data_before_ready");
}

}  // namespace
}  // namespace ipcsim::model::transport

#include "model/monitor.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "sim/bus.hpp"
#include "sim/jsonl_writer.hpp"

namespace ipcsim::model {
namespace {

using namespace std::chrono_literals;

class NoDrops final : public Monitor {
 public:
  NoDrops() : Monitor("no_drops") {}
  int seen = 0;

 protected:
  void observe(const sim::TraceRecord& r) override {
    if (r.kind == "bus.drop") violate(r, "message #" + std::to_string(r.field("msg")->u) + " dropped");
  }
  void at_end(const sim::RunResult& result) override {
    if (result.outcome != sim::RunOutcome::Quiescent) violate_at_end("run did not settle");
  }
};

// A bus that drops the first message; the monitor must see it, mark the trace
// and (when asked) stop the run there.
struct DropRun {
  std::ostringstream trace;
  NoDrops monitor;
  sim::RunResult result;
  int delivered = 0;
  void run(bool stop) {
    sim::JsonlWriter writer(trace);
    sim::World w({.seed = 1});
    w.attach(writer);
    monitor.attach(w, stop);
    sim::Cpu& c0 = w.add_cpu({});
    sim::Cpu& c1 = w.add_cpu({});
    sim::Bus& bus = w.add_bus({.name = "b", .cpus = {0, 1}, .latency = 1us, .faults = {.drop_ppm = 1}});
    sim::Port& in = w.add_port(c1, "in");
    struct FirstDrop : sim::Chooser {
      int drops = 0;
      std::uint32_t choose(const sim::ChoicePoint& p) override {
        return p.kind == sim::ChoiceKind::FaultDrop && drops++ == 0 ? 1 : 0;
      }
    } chooser;
    w.set_chooser(chooser);
    w.spawn(c0, "tx", [&](sim::Ctx cx) -> sim::Task<> {
      for (int i = 0; i < 3; ++i) {
        co_await bus.send(in, 0, std::vector<std::byte>(8));
        co_await cx.sleep(5us);
      }
    });
    w.spawn(c1, "rx", [&](sim::Ctx) -> sim::Task<> {
      while (co_await in.recv_for(20us)) ++delivered;
    });
    result = w.run();
    monitor.finish(result);
  }
};

TEST(MonitorTest, SeesTheViolationMarksTheTraceAndKeepsTheFirst) {
  DropRun r;
  r.run(/*stop=*/false);
  ASSERT_TRUE(r.monitor.violated());
  EXPECT_EQ(r.monitor.violation()->property, "no_drops");
  // The sender (actor 1) drew its first message id (sim::World::new_message_id).
  EXPECT_EQ(r.monitor.violation()->message, "message #1000000001 dropped");
  EXPECT_EQ(sim::to_ns(r.monitor.violation()->time), 1000);
  EXPECT_EQ(r.delivered, 2) << "without stop the run goes on";
  const std::string trace = r.trace.str();
  const std::string mark = R"("kind":"property.violation","property":"no_drops","message":"message #1000000001 dropped","at":)" +
                           std::to_string(r.monitor.violation()->record_seq) + "}";
  EXPECT_NE(trace.find(mark), std::string::npos) << trace;
}

TEST(MonitorTest, StopOnViolationEndsTheRunAtTheViolation) {
  DropRun r;
  r.run(/*stop=*/true);
  EXPECT_EQ(r.result.outcome, sim::RunOutcome::Stopped);
  EXPECT_EQ(r.delivered, 0);
  EXPECT_EQ(r.result.stop_reason, "property 'no_drops' violated: message #1000000001 dropped");
}

}  // namespace
}  // namespace ipcsim::model

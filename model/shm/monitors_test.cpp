// Every shm monitor on the same hand-written correct run: none may complain.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "model/shm/monitor_test_support.hpp"
#include "model/shm/shm_monitors.hpp"

namespace ipcsim::model::shm {
namespace {

using namespace testing;

TEST(ShmMonitorsTest, EveryMonitorAcceptsTheCorrectRun) {
  for (const auto& m : all_shm_monitors()) {
    Script s{*m};
    correct_run(s);
    m->finish(ended(sim::RunOutcome::Quiescent));
    EXPECT_FALSE(m->violated()) << m->property() << ": " << m->violation()->message;
  }
}

// A run cut at its horizon with a process mid-transfer and both still live:
// nothing is judged unfinished that could still finish.
TEST(ShmMonitorsTest, EveryMonitorAcceptsARunCutMidTransfer) {
  for (const auto& m : all_shm_monitors()) {
    Script s{*m};
    s.create();
    s.register_process(kP1);
    s.register_process(kP2);
    s.send(100, kP1, kP2);
    s.grant(100, kP1, kP2);
    s.end_space_manager(2);
    s.end_live(1, 0, 128);
    s.end_free(1, 128, 128);
    s.end_free(1, 256, 256);
    s.end_free(1, 512, 512);
    s.end_free(1, 1024, 1024);
    s.end_free(1, 2048, 2048);
    s.end_manager(kP2);
    s("shm.end.pending", {{"xfer", 100}, {"src", kP1}, {"dst", kP2}});
    m->finish(ended(sim::RunOutcome::Horizon));
    EXPECT_FALSE(m->violated()) << m->property() << ": " << m->violation()->message;
  }
}

}  // namespace
}  // namespace ipcsim::model::shm

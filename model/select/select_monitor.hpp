// SelectMonitor: what every monitor of model/select learns the same way from
// the records of impl/select/trace_schema.md before its own books see a
// record: the configuration (check period, bus latency), where each pipe and
// socket lives and how it is named, which CPUs crashed when, and the select() calls
// in progress with what each asked for. Monitors read the trace only.
//
//   class MyMonitor final : public SelectMonitor {
//    public:
//     MyMonitor() : SelectMonitor("my_property") {}
//    protected:
//     void watch(const sim::TraceRecord& r) override { ... }
//   };
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/monitor.hpp"

namespace ipcsim::model::select {

inline std::uint64_t u(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr ? 0 : static_cast<std::uint64_t>(v->as_int());
}
inline std::int64_t i(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr ? 0 : v->as_int();
}
inline std::string_view s(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr || v->type != sim::FieldValue::Type::Str ? std::string_view{} : v->s;
}
inline std::string at_time(sim::Instant t) { return "t=" + std::to_string(sim::to_ns(t)) + "ns"; }

// 0 read, 1 write, 2 except (and "error", a read bit on a pipe's write end: judged like except, by no monitor).
int event_index(std::string_view name);
const char* event_name(int e);

class SelectMonitor : public Monitor {
 public:
  using Monitor::Monitor;

 protected:
  struct Want {
    int fd = 0;
    int event = 0;
    std::uint64_t pipe = 0;  // 0: a file
  };
  struct Call {
    std::uint64_t call = 0;
    sim::ActorId actor = 0;
    sim::CpuId cpu = sim::kNoCpu;
    sim::Instant start{};
    sim::Instant deadline = sim::kTimeNever;
    std::uint64_t in[3] = {0, 0, 0};
    std::vector<Want> wants;
  };

  void observe(const sim::TraceRecord& r) final;
  virtual void watch(const sim::TraceRecord& r) = 0;
  // A select ended (returned, or its CPU crashed: `ret` is null then).
  virtual void ended(const Call&, const sim::TraceRecord*) {}
  // Called before the common books forget what the crashed CPU held.
  virtual void crashed(sim::CpuId, sim::Instant) {}

  sim::Duration check_period() const { return check_period_; }
  sim::Duration latency() const { return latency_; }
  // How long a ready FD may take to reach a waiter on another CPU: the interest
  // message there and the notification back.
  // With re-sends on a lossy bus (resend_period > 0), one lost message costs
  // up to a resend period and the check that re-sends.
  sim::Duration notify_bound() const {
    return 2 * latency_ + (resend_period_ > sim::Duration{0} ? resend_period_ + check_period_ + 2 * latency_ : sim::Duration{0});
  }
  sim::Duration resend_period() const { return resend_period_; }
  // How long a waiter may wait on a crashed CPU: the first ping goes at most a
  // period after the crash, the peer is declared dead when suspect_after
  // checks in a row found a ping unanswered, plus the wake-up.
  sim::Duration crash_bound() const {
    return static_cast<std::int64_t>(suspect_after_ + 1) * check_period_ + 2 * latency_;
  }

  std::optional<sim::CpuId> home_of(std::uint64_t pipe) const;
  std::uint32_t capacity_of(std::uint64_t pipe) const;
  std::string pipe_name(std::uint64_t pipe) const;
  std::string cpu_name(sim::CpuId cpu) const;
  bool ever_crashed(sim::CpuId cpu) const { return crashes_.count(cpu) != 0; }
  std::optional<sim::Instant> last_crash(sim::CpuId cpu) const;
  const std::map<sim::ActorId, Call>& calls() const { return calls_; }

 private:
  struct PipeInfo {
    sim::CpuId home = sim::kNoCpu;
    std::uint32_t capacity = 0;
    std::string name;
  };
  sim::Duration check_period_{0};
  sim::Duration latency_{0};
  std::uint32_t suspect_after_ = 1;
  sim::Duration resend_period_{0};
  std::map<std::uint64_t, PipeInfo> pipes_;
  std::map<sim::CpuId, std::uint32_t> made_on_;  // pipes made on each CPU so far
  std::map<sim::CpuId, std::string> cpu_names_;  // from the kernels' names
  std::map<sim::CpuId, sim::Instant> crashes_;   // the last crash of each CPU
  std::map<sim::ActorId, Call> calls_;           // in progress, by actor
};

}  // namespace ipcsim::model::select

#include "viz/perfetto.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "viz/check.hpp"
#include "viz/text.hpp"

namespace ipcsim::viz {
namespace {

// Microseconds with nanosecond precision, exactly: 1064 ns -> "1.064".
std::string ts(std::int64_t ns) {
  std::string out = std::to_string(ns / 1000);
  const std::int64_t frac = ns % 1000;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits = std::string(3 - digits.size(), '0') + digits;
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

std::string value_json(const Value& v) {
  switch (v.type) {
    case Value::Type::Int: return std::to_string(v.i);
    case Value::Type::Bool: return v.i != 0 ? "true" : "false";
    case Value::Type::Str: return json_string(v.s);
    case Value::Type::Raw: return v.s;
  }
  return "null";
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_note_kind(std::string_view kind) {
  static constexpr std::string_view kSync[] = {"mutex.", "sem.", "semt.", "gate.", "event.", "cv.", "sim.priority"};
  for (std::string_view p : kSync) {
    if (starts_with(kind, p)) return true;
  }
  static constexpr std::string_view kKernel[] = {"sim.", "cpu.", "bus.", "mem.", "port.", "property."};
  for (std::string_view p : kKernel) {
    if (starts_with(kind, p)) return false;
  }
  return true;  // a mechanism's record
}

struct Where {
  std::uint64_t pid = 0;
  std::uint64_t tid = 0;
};

// What one actor is doing, to turn state changes into spans.
struct ActorState {
  std::optional<std::int64_t> running_since;
  std::optional<std::pair<std::int64_t, std::int64_t>> compute;  // start, planned end
  std::int64_t remaining = 0;                                    // of a preempted compute
  std::optional<std::pair<std::int64_t, std::string>> blocked;   // since, op
  std::optional<std::pair<std::int64_t, std::int64_t>> sleeping; // since, until
  std::optional<std::int64_t> ready_since;
};

class Writer {
 public:
  Writer(const Trace& t, const PerfettoOptions& o) : t_(t), o_(o) {
    CpuId max_cpu = 0;
    for (const CpuInfo& c : t_.cpus()) max_cpu = std::max(max_cpu, c.id);
    for (const auto& [id, a] : t_.actors()) {
      if (a.cpu != kNoCpu) max_cpu = std::max(max_cpu, a.cpu);
    }
    machine_pid_ = static_cast<std::uint64_t>(max_cpu) + 2;
  }

  std::string run() {
    out_ = "{\"traceEvents\":[\n";
    metadata();
    for (std::size_t i = 0; i < t_.size(); ++i) on_record(i);
    const std::int64_t end = t_.records().back().t;
    for (auto& [actor, s] : states_) close_all(actor, s, end);
    // No "displayTimeUnit": older Perfetto versions read it as the unit of ts.
    out_ += "\n],\n\"otherData\":{\"generator\":\"ipcsim viz\",\"time_unit\":\"ts and dur in µs, ns exact\",\"source\":" +
            json_string(t_.source()) + "}}\n";
    return std::move(out_);
  }

 private:
  // ---- Output ---------------------------------------------------------------------------

  void event(const std::string& body) {
    if (!first_) out_ += ",\n";
    first_ = false;
    out_ += "{" + body + "}";
  }

  static std::string at(const Where& w) {
    return "\"pid\":" + std::to_string(w.pid) + ",\"tid\":" + std::to_string(w.tid);
  }

  std::string args(const Record& r, const std::string& extra = "") const {
    std::string a = "\"args\":{\"seq\":" + std::to_string(r.seq);
    if (r.obj != kNoObject) a += ",\"obj\":" + json_string(t_.object_name(r.obj));
    for (const Field& f : r.fields) a += "," + json_string(f.key) + ":" + value_json(f.value);
    return a + extra + "}";
  }

  void complete(const Where& w, const std::string& name, const char* cat, std::int64_t start, std::int64_t end,
                const std::string& args_json = "") {
    VIZ_ASSERT(end >= start);
    event("\"ph\":\"X\",\"name\":" + json_string(name) + ",\"cat\":\"" + cat + "\"," + at(w) + ",\"ts\":" + ts(start) +
          ",\"dur\":" + ts(end - start) + (args_json.empty() ? "" : "," + args_json));
  }

  // scope: "t" thread, "p" process, "g" global.
  void instant(const Where& w, const std::string& name, const char* cat, const char* scope, std::int64_t t,
               const std::string& args_json) {
    event("\"ph\":\"i\",\"s\":\"" + std::string(scope) + "\",\"name\":" + json_string(name) + ",\"cat\":\"" + cat +
          "\"," + at(w) + ",\"ts\":" + ts(t) + "," + args_json);
  }

  void meta(const char* what, const Where& w, const std::string& name, std::uint64_t sort_index) {
    const bool process = std::string_view(what) == "process_name";
    event("\"ph\":\"M\",\"name\":\"" + std::string(what) + "\"," + at(w) + ",\"args\":{\"name\":" + json_string(name) + "}");
    event("\"ph\":\"M\",\"name\":\"" + std::string(process ? "process_sort_index" : "thread_sort_index") + "\"," + at(w) +
          ",\"args\":{\"sort_index\":" + std::to_string(sort_index) + "}");
  }

  void metadata() {
    std::set<CpuId> cpus;
    for (const CpuInfo& c : t_.cpus()) cpus.insert(c.id);
    for (const auto& [id, a] : t_.actors()) {
      if (t_.actor_cpu(id) != kNoCpu) cpus.insert(t_.actor_cpu(id));
    }
    for (CpuId c : cpus) {
      std::string name = t_.cpu_name(c);
      if (const CpuInfo* info = t_.cpu(c); info != nullptr && !info->policy.empty()) name += " (" + info->policy + ")";
      meta("process_name", Where{c + 1ULL, 0}, name, c);
    }
    meta("process_name", Where{machine_pid_, 0}, "machine (kernel events)", machine_pid_);
    for (const auto& [id, a] : t_.actors()) meta("thread_name", where_actor(id), t_.actor_name(id) + " #" + std::to_string(id), id);
  }

  Where where_actor(ActorId actor) const {
    if (actor == kNoActor) return Where{machine_pid_, kPerfettoKernelTid};
    const CpuId c = t_.actor_cpu(actor);
    return Where{c == kNoCpu ? machine_pid_ : c + 1ULL, actor};
  }

  // The machine thread of a kernel object (a bus, a port), named on first use.
  Where where_object(ObjectId obj) {
    if (obj == kNoObject) return Where{machine_pid_, kPerfettoKernelTid};
    const Where w{machine_pid_, kPerfettoKernelTid + obj};
    if (named_objects_.insert(obj).second) {
      const std::string_view type = t_.object_type(obj);
      meta("thread_name", w, (type.empty() ? "" : std::string(type) + " ") + t_.object_name(obj), kPerfettoKernelTid + obj);
    }
    return w;
  }

  Where where_record(const Record& r) {
    if (r.actor != kNoActor) return where_actor(r.actor);
    if (!kernel_named_) {
      kernel_named_ = true;
      meta("thread_name", Where{machine_pid_, kPerfettoKernelTid}, "kernel", kPerfettoKernelTid);
    }
    return where_object(r.obj);
  }

  // ---- Spans ------------------------------------------------------------------------------

  void close_running(ActorId actor, ActorState& s, std::int64_t t) {
    const Where w = where_actor(actor);
    if (s.compute) {
      const std::int64_t end = std::min(s.compute->second, t);
      if (end > s.compute->first) complete(w, "compute", "compute", s.compute->first, end);
      s.compute.reset();
    }
    if (s.running_since) {
      if (t > *s.running_since) complete(w, "running", "running", *s.running_since, t);
      s.running_since.reset();
    }
  }

  void close_ready(ActorId actor, ActorState& s, std::int64_t t) {
    if (s.sleeping) {
      const std::int64_t until = std::clamp(s.sleeping->second, s.sleeping->first, t);
      if (until > s.sleeping->first) complete(where_actor(actor), "sleep", "sleep", s.sleeping->first, until);
      s.sleeping.reset();
      s.ready_since = until;
    }
    if (s.ready_since) {
      if (t > *s.ready_since) complete(where_actor(actor), "ready", "ready", *s.ready_since, t);
      s.ready_since.reset();
    }
  }

  void close_blocked(ActorId actor, ActorState& s, std::int64_t t) {
    if (!s.blocked) return;
    if (t > s.blocked->first) complete(where_actor(actor), "blocked: " + s.blocked->second, "blocked", s.blocked->first, t);
    s.blocked.reset();
  }

  void close_all(ActorId actor, ActorState& s, std::int64_t t) {
    close_running(actor, s, t);
    close_blocked(actor, s, t);
    close_ready(actor, s, t);
  }

  void on_state(const Record& r) {
    const std::string& k = r.kind;
    if (r.actor == kNoActor || !starts_with(k, "sim.")) return;
    ActorState& s = states_[r.actor];
    if (k == "sim.spawn") {
      s.ready_since = r.t;
    } else if (k == "sim.dispatch") {
      close_ready(r.actor, s, r.t);
      s.running_since = r.t;
      if (s.remaining > 0) {
        s.compute = {r.t, r.t + s.remaining};
        s.remaining = 0;
      }
    } else if (k == "sim.compute") {
      s.compute = {r.t, r.t + r.int_field("ns").value_or(0)};
    } else if (k == "sim.block") {
      close_running(r.actor, s, r.t);
      s.blocked = {r.t, std::string(r.str_field("op"))};
    } else if (k == "sim.wake") {
      close_blocked(r.actor, s, r.t);
      s.ready_since = r.t;
    } else if (k == "sim.sleep") {
      close_running(r.actor, s, r.t);
      s.sleeping = {r.t, r.int_field("until").value_or(r.t)};
    } else if (k == "sim.yield") {
      close_running(r.actor, s, r.t);
      s.ready_since = r.t;
    } else if (k == "sim.preempt") {
      close_running(r.actor, s, r.t);
      s.remaining = r.int_field("remaining_ns").value_or(0);
      s.ready_since = r.t;
    } else if (k == "sim.exit" || k == "sim.kill") {
      close_all(r.actor, s, r.t);
      states_.erase(r.actor);
    }
  }

  // ---- Flows and instants ------------------------------------------------------------------

  void on_flows(std::size_t i, const Record& r) {
    if (auto out = r.int_field("flow_out")) {
      const auto id = static_cast<std::uint64_t>(*out);
      const FlowInfo* f = t_.flow(id);
      if (f != nullptr && f->out == i) {
        const Where w = where_record(r);
        complete(w, "send #" + std::to_string(id), "flow", r.t, r.t, args(r));
        for (std::size_t in : f->in) {
          const std::uint64_t pair = ++pairs_;
          pair_of_[{id, in}] = pair;
          event("\"ph\":\"s\",\"id\":" + std::to_string(pair) + ",\"name\":" + json_string(r.kind + " #" + std::to_string(id)) +
                ",\"cat\":\"flow\"," + at(w) + ",\"ts\":" + ts(r.t) + ",\"bp\":\"e\"");
        }
      }
    }
    if (auto in = r.int_field("flow_in")) {
      const auto id = static_cast<std::uint64_t>(*in);
      const Where w = where_record(r);
      complete(w, "recv #" + std::to_string(id), "flow", r.t, r.t, args(r));
      auto p = pair_of_.find({id, i});
      if (p != pair_of_.end()) {
        const FlowInfo* f = t_.flow(id);
        const std::string& out_kind = t_.records()[*f->out].kind;
        event("\"ph\":\"f\",\"id\":" + std::to_string(p->second) + ",\"name\":" + json_string(out_kind + " #" + std::to_string(id)) +
              ",\"cat\":\"flow\"," + at(w) + ",\"ts\":" + ts(r.t) + ",\"bp\":\"e\"");
        pair_of_.erase(p);
      }
    }
  }

  void on_record(std::size_t i) {
    const Record& r = t_.records()[i];
    on_state(r);
    on_flows(i, r);
    const std::string& k = r.kind;
    const std::string msg = "#" + std::to_string(r.int_field("msg").value_or(0));
    if (k == "cpu.crash" || k == "cpu.restart") {
      instant(Where{r.cpu + 1ULL, 0}, k == "cpu.crash" ? t_.cpu_name(r.cpu) + " crashes" : t_.cpu_name(r.cpu) + " restarts",
              "fault", "p", r.t, args(r));
    } else if (k == "bus.drop") {
      instant(where_object(r.obj), "drop " + msg + " (" + std::string(r.str_field("reason")) + ")", "fault", "t", r.t, args(r));
    } else if (k == "bus.duplicate") {
      instant(where_object(r.obj), "duplicate " + msg, "fault", "t", r.t, args(r));
    } else if (k == "bus.reorder") {
      instant(where_object(r.obj), "reorder: " + msg + " overtakes #" + std::to_string(r.int_field("overtakes").value_or(0)),
              "fault", "t", r.t, args(r));
    } else if (k == "bus.delay") {
      instant(where_object(r.obj), "delay " + msg + " +" + format_ns(r.int_field("extra_ns").value_or(0)), "fault", "t", r.t,
              args(r));
    } else if (k == "bus.partition" || k == "bus.heal") {
      instant(where_object(r.obj), k == "bus.partition" ? "partition " + std::string(r.str_field("groups")) : "heal", "fault",
              "t", r.t, args(r));
    } else if (k == "port.overflow" || k == "port.lost") {
      instant(where_object(r.obj), k == "port.overflow" ? "overflow " + msg : "port loses its messages", "fault", "t", r.t,
              args(r));
    } else if (k == "sim.kill") {
      instant(where_actor(r.actor), "killed: " + std::string(r.str_field("reason")), "fault", "t", r.t, args(r));
    } else if (k == "sim.timeout") {
      instant(where_actor(r.actor), "timeout", "timeout", "t", r.t, args(r));
    } else if (k == "property.violation") {
      const std::string name = "violation: " + std::string(r.str_field("property"));
      instant(where_record(r), name, "violation", "g", r.t, args(r));
      if (auto at_seq = r.int_field("at")) {
        if (auto idx = t_.index_of_seq(static_cast<std::uint64_t>(*at_seq)); idx && t_.records()[*idx].actor != kNoActor) {
          instant(where_actor(t_.records()[*idx].actor), name, "violation", "t", r.t, args(r));
        }
      }
    } else if (k == "sim.deadlock") {
      instant(where_record(r), "deadlock", "fault", "g", r.t, args(r));
    } else if (k == "sim.end") {
      instant(where_record(r), "end: " + std::string(r.str_field("outcome")), "run", "g", r.t, args(r));
    } else if (o_.notes && is_note_kind(k) && !r.field("flow_out") && !r.field("flow_in")) {
      instant(where_record(r), k, "note", "t", r.t, args(r));
    }
  }

  const Trace& t_;
  const PerfettoOptions& o_;
  std::string out_;
  bool first_ = true;
  std::uint64_t machine_pid_ = 0;
  std::map<ActorId, ActorState> states_;
  std::map<std::pair<std::uint64_t, std::size_t>, std::uint64_t> pair_of_;
  std::uint64_t pairs_ = 0;
  std::set<ObjectId> named_objects_;
  bool kernel_named_ = false;
};

}  // namespace

std::string perfetto_json(const Trace& trace, const PerfettoOptions& options) {
  if (trace.size() == 0) return "{\"traceEvents\":[]}\n";
  return Writer(trace, options).run();
}

}  // namespace ipcsim::viz

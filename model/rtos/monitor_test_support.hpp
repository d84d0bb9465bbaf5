// Hand-written traces for the monitor tests of model/rtos: a Feed numbers the
// records it gives a monitor, and declare() sets up one RTOS the tests share.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/monitor.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace ipcsim::model::rtos::testing {

// Feeds hand-made records to a monitor, numbering them (seq) and advancing
// time by 1 ns a record.
struct Feed {
  std::uint64_t seq = 0;
  void operator()(Monitor& m, std::string_view kind, std::vector<sim::Field> fields, sim::ActorId actor = 0,
                  sim::CpuId cpu = 0, sim::ObjectId object = sim::kNoObject) {
    sim::TraceRecord r;
    r.seq = seq;
    r.time = sim::at_ns(static_cast<std::int64_t>(seq));
    ++seq;
    r.kind = kind;
    r.actor = actor;
    r.cpu = cpu;
    r.object = object;
    r.fields = fields;
    m.on_record(r);
  }
};

inline sim::RunResult ended(sim::RunOutcome o) {
  sim::RunResult r;
  r.outcome = o;
  return r;
}

// One RTOS (id 1) on cpu 0 with pools A (handle 100, blocks 1000.. stride 64)
// and B (handle 200, blocks 2000.. stride 64), an MCB pool (handle 300, blocks
// 3000.. stride 48), a normal exchange (xcb 500) and a broadcast exchange (xcb
// 600). With `named`, the kernel objects are declared too: pools 'A' (object
// 10), 'B' (11), 'mcbs' (12), exchanges 'x' (13) and 'bx' (14), and tasks
// 'sender' (#3), 'receiver' (#4), 'other' (#5).
inline void declare(Feed& f, Monitor& m, bool named = false) {
  if (named) {
    const char* names[] = {"A", "B", "mcbs", "x", "bx"};
    for (int i = 0; i < 5; ++i) f(m, "sim.object", {{"type", "thing"}, {"name", names[i]}}, 0, 0, 10 + i);
    const char* tasks[] = {"sender", "receiver", "other"};
    for (int i = 0; i < 3; ++i) f(m, "sim.spawn", {{"name", tasks[i]}, {"prio", 1}}, 3 + i);
  }
  f(m, "rtos.create", {{"rtos", 1}, {"mem", 2}, {"shared", false}, {"home_cpu", 0}});
  f(m, "rtos.pool.create",
    {{"rtos", 1}, {"pool", 300}, {"pool_kind", "mcb"}, {"block_size", 48}, {"stride", 48}, {"blocks", 8},
     {"first", 3000}},
    0, 0, 12);
  f(m, "rtos.pool.create",
    {{"rtos", 1}, {"pool", 100}, {"pool_kind", "base"}, {"block_size", 64}, {"stride", 64}, {"blocks", 4},
     {"first", 1000}},
    0, 0, 10);
  f(m, "rtos.pool.create",
    {{"rtos", 1}, {"pool", 200}, {"pool_kind", "base"}, {"block_size", 64}, {"stride", 64}, {"blocks", 4},
     {"first", 2000}},
    0, 0, 11);
  f(m, "rtos.xchg.create", {{"rtos", 1}, {"xchg", 500}, {"type", "normal"}}, 0, 0, 13);
  f(m, "rtos.xchg.create", {{"rtos", 1}, {"xchg", 600}, {"type", "broadcast"}}, 0, 0, 14);
  for (sim::ActorId task = 3; task <= 5; ++task) {
    f(m, "rtos.task.create", {{"rtos", 1}, {"task", task}, {"tcb", 4000 + task}, {"prio", 1}});
  }
}

// What a pool records about its own free list.
inline void take(Feed& f, Monitor& m, std::uint64_t pool, std::uint64_t block) {
  f(m, "rtos.pool.take", {{"rtos", 1}, {"pool", pool}, {"block", block}});
}
inline void put(Feed& f, Monitor& m, std::uint64_t pool, std::uint64_t block) {
  f(m, "rtos.pool.put", {{"rtos", 1}, {"pool", pool}, {"block", block}});
}

// A message got from pool `pool` by `actor`: its MCB and body taken, then MsgGet's record.
inline void msg_get(Feed& f, Monitor& m, std::uint64_t msg, std::uint64_t pool, std::uint64_t dbp,
                    sim::ActorId actor) {
  take(f, m, 300, msg);
  take(f, m, pool, dbp);
  f(m, "rtos.msg.get",
    {{"rtos", 1}, {"msg", msg}, {"cb_pool", 300}, {"pool", pool}, {"dbp", dbp}, {"bytes", 64}, {"owner", actor}},
    actor);
}
// A proxy of `real` showing [dbp, dbp + bytes).
inline void proxy_make(Feed& f, Monitor& m, std::uint64_t proxy, std::uint64_t real, std::uint64_t dbp,
                       std::uint64_t bytes, sim::ActorId actor) {
  take(f, m, 300, proxy);
  f(m, "rtos.msg.make",
    {{"rtos", 1}, {"msg", proxy}, {"cb_pool", 300}, {"pool", 0}, {"dbp", dbp}, {"bytes", bytes}, {"owner", actor},
     {"proxy_of", real}},
    actor);
}
// MsgRel of a real message: its body back to `pool`, its MCB back, then the record.
inline void msg_rel(Feed& f, Monitor& m, std::uint64_t msg, std::uint64_t pool, std::uint64_t dbp,
                    sim::ActorId actor) {
  put(f, m, pool, dbp);
  put(f, m, 300, msg);
  f(m, "rtos.msg.rel",
    {{"rtos", 1}, {"msg", msg}, {"cb_pool", 300}, {"pool", pool}, {"dbp", dbp}, {"proxy_of", 0}, {"owner", actor}},
    actor);
}
// MsgRel of a proxy: only its MCB goes back.
inline void proxy_rel(Feed& f, Monitor& m, std::uint64_t proxy, std::uint64_t real, std::uint64_t dbp,
                      sim::ActorId actor) {
  put(f, m, 300, proxy);
  f(m, "rtos.msg.rel",
    {{"rtos", 1}, {"msg", proxy}, {"cb_pool", 300}, {"pool", 0}, {"dbp", dbp}, {"proxy_of", real}, {"owner", actor}},
    actor);
}
inline void send(Feed& f, Monitor& m, std::uint64_t msg, std::uint64_t xchg, std::uint64_t prio, std::uint64_t flow,
                 sim::ActorId actor, std::uint64_t round = 0) {
  f(m, "rtos.msg.send",
    {{"rtos", 1}, {"msg", msg}, {"xchg", xchg}, {"prio", prio}, {"dbp", 0}, {"proxy_of", 0}, {"round", round},
     {"flow_out", flow}},
    actor);
}
inline void receive(Feed& f, Monitor& m, std::uint64_t msg, std::uint64_t xchg, std::uint64_t prio,
                    std::uint64_t flow, sim::ActorId actor, std::uint64_t round = 0) {
  f(m, "rtos.msg.receive",
    {{"rtos", 1}, {"msg", msg}, {"xchg", xchg}, {"prio", prio}, {"dbp", 0}, {"bytes", 64}, {"round", round},
     {"proxy_of", 0}, {"pass", false}, {"flow_in", flow}},
    actor);
}

}  // namespace ipcsim::model::rtos::testing

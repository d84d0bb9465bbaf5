// Hand-written traces for the monitor tests of model/shm, in the record order
// of impl/shm/trace_schema.md: a Script feeds one monitor, numbering records
// and advancing time by 1 ns a record, with one helper per step of the flows.
//
// The machine: a 64 KiB data region with 64-byte minimum blocks; the engine
// 'engine' (#2) and processes 'p1' (#3), 'p2' (#4), 'p3' (#5), each asking for
// a 4 KiB block; kernel objects: the admin lock 'shm.admin.lock' (10), events
// '<p>.event' (11, 12, 13) and block locks '<p>.block' (21, 22, 23).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/monitor.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace ipcsim::model::shm::testing {

inline constexpr sim::ActorId kEngine = 2;
inline constexpr sim::ActorId kP1 = 3;
inline constexpr sim::ActorId kP2 = 4;
inline constexpr sim::ActorId kP3 = 5;
inline constexpr sim::ObjectId kAdminLock = 10;
inline constexpr sim::ObjectId kShm = 30;
inline constexpr std::uint64_t kDataBytes = 65536;
inline constexpr std::uint64_t kBlockBytes = 4096;

inline sim::ObjectId event_of(sim::ActorId p) { return 11 + (p - kP1); }
inline sim::ObjectId block_lock_of(sim::ActorId p) { return 21 + (p - kP1); }
// Each process's block and manager: p1 at 0 (manager 1), p2 at 4096 (2), p3 at 8192 (3).
inline std::uint64_t block_of(sim::ActorId p) { return (p - kP1) * kBlockBytes; }
inline std::uint64_t mgr_of(sim::ActorId p) { return 1 + (p - kP1); }

inline sim::RunResult ended(sim::RunOutcome o) {
  sim::RunResult r;
  r.outcome = o;
  return r;
}

struct Script {
  Monitor& m;
  std::uint64_t seq = 0;

  // shm.* records carry no object (the schema), except shm.create and shm.lock.recover.
  void operator()(std::string_view kind, std::vector<sim::Field> fields, sim::ActorId actor = 0,
                  sim::ObjectId object = sim::kNoObject) {
    sim::TraceRecord r;
    r.seq = seq;
    r.time = sim::at_ns(static_cast<std::int64_t>(seq));
    ++seq;
    r.kind = kind;
    r.actor = actor;
    r.cpu = 0;
    r.object = object;
    r.fields = fields;
    m.on_record(r);
  }

  // The actors and objects named, then shm.create.
  void create(std::uint64_t admin_lock = kAdminLock) {
    const char* names[] = {"engine", "p1", "p2", "p3"};
    for (sim::ActorId a = kEngine; a <= kP3; ++a) (*this)("sim.spawn", {{"name", names[a - kEngine]}}, a, 0);
    (*this)("sim.object", {{"type", "mutex"}, {"name", "shm.admin.lock"}}, 0, kAdminLock);
    for (sim::ActorId p = kP1; p <= kP3; ++p) {
      const std::string n = names[p - kEngine];
      (*this)("sim.object", {{"type", "semaphore"}, {"name", n + ".event"}}, 0, event_of(p));
      (*this)("sim.object", {{"type", "mutex"}, {"name", n + ".block"}}, 0, block_lock_of(p));
    }
    (*this)("shm.create", {{"admin_mem", 31}, {"data_mem", 32}, {"data_bytes", kDataBytes}, {"min_block", 64},
                           {"admin_lock", admin_lock}, {"engine", kEngine}, {"transport", "engine"},
                           {"block_bytes", kBlockBytes}},
            0, kShm);
  }

  // The admin lock: its mutex and the shm record, in one step.
  void acquire(sim::ActorId p) {
    (*this)("mutex.lock", {{"site", "engine.cpp:1"}}, p, kAdminLock);
    (*this)("shm.admin.acquire", {{"pid", p}}, p);
  }
  void release(sim::ActorId p) {
    (*this)("shm.admin.release", {{"pid", p}}, p);
    (*this)("mutex.unlock", {{"to", 0}}, p, kAdminLock);
  }
  void lock(sim::ActorId a, sim::ObjectId mutex) { (*this)("mutex.lock", {{"site", "engine.cpp:2"}}, a, mutex); }
  void unlock(sim::ActorId a, sim::ObjectId mutex) { (*this)("mutex.unlock", {{"to", 0}}, a, mutex); }

  void alloc(std::uint64_t mgr, std::uint64_t rel, std::uint64_t asked, std::uint64_t granted, sim::ActorId by,
             sim::ActorId owner = 0) {
    (*this)("shm.alloc", {{"mgr", mgr}, {"owner", owner}, {"rel", rel}, {"bytes", asked}, {"granted", granted},
                          {"by", by}},
            by);
  }
  void free(std::uint64_t mgr, std::uint64_t rel, sim::ActorId by) {
    (*this)("shm.free", {{"mgr", mgr}, {"rel", rel}, {"by", by}}, by);
  }

  // A registration in the schema's correct order.
  void register_process(sim::ActorId p) {
    (*this)("shm.register.begin", {{"pid", p}}, p);
    acquire(p);
    alloc(0, block_of(p), kBlockBytes, kBlockBytes, p);
    (*this)("shm.handles", {{"pid", p}, {"event", event_of(p)}, {"block_lock", block_lock_of(p)}}, p);
    (*this)("shm.registry.store", {{"pid", p}, {"slot", p - kP1}, {"rel", block_of(p)}, {"bytes", kBlockBytes}}, p);
    (*this)("shm.manager.assign", {{"pid", p}, {"mgr", mgr_of(p)}, {"rel", block_of(p)}, {"bytes", kBlockBytes}}, p);
    (*this)("shm.registered", {{"pid", p}}, p);
    (*this)("shm.engine.signal", {{"pid", p}, {"what", "registered"}}, p);
    release(p);
    (*this)("shm.register.end", {{"pid", p}}, p);
    (*this)("shm.engine.cache", {{"pid", p}}, kEngine);
  }

  // The sender's part of a transfer of `bytes` (granted 128) at offset 0 of its block.
  void send(std::uint64_t xfer, sim::ActorId src, sim::ActorId dst, std::uint64_t bytes = 100,
            std::uint64_t sum = 0xABCDEF) {
    const std::uint64_t rel = block_of(src);
    lock(src, block_lock_of(src));
    alloc(mgr_of(src), rel, bytes, 128, src, src);
    access(src, rel, bytes, "write");
    (*this)("shm.payload.write", {{"xfer", xfer}, {"rel", rel}, {"bytes", bytes}}, src);
    unlock(src, block_lock_of(src));
    acquire(src);
    (*this)("shm.send", {{"xfer", xfer}, {"src", src}, {"dst", dst}, {"bytes", bytes}, {"sum", sum},
                         {"flow_out", xfer}},
            src);
    (*this)("shm.loc.write", {{"xfer", xfer}, {"src", src}, {"dst", dst}, {"rel", rel}, {"bytes", bytes}}, src);
    release(src);
    (*this)("shm.engine.signal", {{"pid", src}, {"what", "request"}}, src);
  }
  // The engine grants the destination and notifies it.
  void grant(std::uint64_t xfer, sim::ActorId src, sim::ActorId dst, std::uint64_t bytes = 100) {
    acquire(kEngine);
    (*this)("shm.map", {{"xfer", xfer}, {"pid", dst}, {"rel", block_of(src)}, {"bytes", bytes}}, kEngine);
    release(kEngine);
    (*this)("shm.notify", {{"xfer", xfer}, {"dst", dst}}, kEngine);
    (*this)("sem.signal", {{"count", 1}, {"woken", false}, {"saturated", false}}, kEngine, event_of(dst));
  }
  // The destination reads (with checksum `sum`) and releases.
  void receive(std::uint64_t xfer, sim::ActorId src, sim::ActorId dst, std::uint64_t bytes = 100,
               std::uint64_t sum = 0xABCDEF) {
    (*this)("sem.take", {{"count", 0}}, dst, event_of(dst));
    acquire(dst);
    (*this)("shm.loc.load", {{"xfer", xfer}, {"dst", dst}}, dst);
    release(dst);
    access(dst, block_of(src), bytes, "read");
    (*this)("shm.recv", {{"xfer", xfer}, {"src", src}, {"dst", dst}, {"bytes", bytes}, {"sum", sum},
                         {"flow_in", xfer}},
            dst);
    acquire(dst);
    (*this)("shm.loc.consume", {{"xfer", xfer}, {"dst", dst}}, dst);
    release(dst);
    (*this)("shm.engine.signal", {{"pid", dst}, {"what", "release"}}, dst);
  }
  // The engine revokes the grant and frees the sub-block into the sender's manager.
  void finish(std::uint64_t xfer, sim::ActorId src, sim::ActorId dst) {
    acquire(kEngine);
    (*this)("shm.unmap", {{"xfer", xfer}, {"pid", dst}}, kEngine);
    lock(kEngine, block_lock_of(src));
    free(mgr_of(src), block_of(src), kEngine);
    (*this)("shm.release", {{"xfer", xfer}, {"mgr", mgr_of(src)}, {"rel", block_of(src)}}, kEngine);
    unlock(kEngine, block_lock_of(src));
    (*this)("shm.loc.clear", {{"xfer", xfer}}, kEngine);
    release(kEngine);
  }
  void transfer(std::uint64_t xfer, sim::ActorId src, sim::ActorId dst) {
    send(xfer, src, dst);
    grant(xfer, src, dst);
    receive(xfer, src, dst);
    finish(xfer, src, dst);
  }

  void access(sim::ActorId p, std::uint64_t rel, std::uint64_t bytes, const char* mode, sim::ActorId owner = 0) {
    (*this)("shm.access", {{"pid", p}, {"rel", rel}, {"bytes", bytes}, {"mode", mode}, {"owner", owner}}, p);
  }

  // The kernel ends p: its CPU crashed (or it exits).
  void crash(sim::ActorId p) { (*this)("sim.kill", {{"reason", "crash"}}, p, 0); }
  void exit(sim::ActorId p) { (*this)("sim.exit", {}, p, 0); }
  // The engine's cleanup of an ended p with no sub-block left: its block back to the space manager.
  void cleanup(sim::ActorId p, const char* how = "crash") {
    (*this)("shm.terminate", {{"pid", p}, {"how", how}}, kEngine);
    acquire(kEngine);
    (*this)("shm.manager.retire", {{"pid", p}, {"mgr", mgr_of(p)}}, kEngine);
    free(0, block_of(p), kEngine);
    (*this)("shm.registry.clear", {{"pid", p}, {"slot", p - kP1}}, kEngine);
    (*this)("shm.cleanup", {{"pid", p}, {"blocks", 1}}, kEngine);
    release(kEngine);
  }

  void end_free(std::uint64_t mgr, std::uint64_t rel, std::uint64_t bytes) {
    (*this)("shm.end.free", {{"mgr", mgr}, {"rel", rel}, {"bytes", bytes}});
  }
  void end_live(std::uint64_t mgr, std::uint64_t rel, std::uint64_t bytes) {
    (*this)("shm.end.live", {{"mgr", mgr}, {"rel", rel}, {"bytes", bytes}});
  }
  // A live process's manager at the end, with nothing allocated.
  void end_manager(sim::ActorId p) { end_free(mgr_of(p), block_of(p), kBlockBytes); }
  // What a fully coalesced space manager holds free with blocks 0..n-1 (4 KiB each, from 0) allocated.
  void end_space_manager(unsigned allocated_blocks) {
    // Free: the buddies of the allocated prefix, then the upper halves of the range.
    std::uint64_t top = allocated_blocks * kBlockBytes;
    for (std::uint64_t b = 0; b < allocated_blocks; ++b) end_live(0, b * kBlockBytes, kBlockBytes);
    // The free blocks of [top, kDataBytes) in buddy order: the largest aligned ones.
    while (top < kDataBytes) {
      std::uint64_t size = top == 0 ? kDataBytes : (top & (~top + 1));
      end_free(0, top, size);
      top += size;
    }
  }
};

// Two processes register, p1 sends one transfer to p2, p1 crashes and is
// cleaned up, p2 deregisters and exits and is cleaned up; at the end the space
// manager is whole again. Every monitor accepts it.
inline void correct_run(Script& s) {
  s.create();
  s.register_process(kP1);
  s.register_process(kP2);
  s.transfer(100, kP1, kP2);
  s.crash(kP1);
  s.cleanup(kP1);
  s("shm.engine.signal", {{"pid", kP2}, {"what", "deregister"}}, kP2);
  s.exit(kP2);
  s.cleanup(kP2, "exit");
  s.end_space_manager(0);
}

}  // namespace ipcsim::model::shm::testing

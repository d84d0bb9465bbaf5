// pool_origin: every body returns to the pool or heap it came from, every
// control block to its own pool, nothing is released twice, nothing is leaked
// at quiescence or after its owner task is deleted.
//
// Replays allocation from the trace alone (impl/rtos/trace_schema.md). Where a
// block came from and where it went are learnt from the pools themselves: a
// pool records each block that leaves its free list (rtos.pool.take; a heap,
// rtos.heap.take) and each block that enters it (rtos.pool.put, rtos.heap.put).
// The `pool` a release record names is the implementation's own account of
// where the body went, and is not what the origin is checked against. The
// service records (gets, makes, releases) say which BCB/MCB holds which body;
// the owner of a control block is the task that got or made it (the caller,
// not the record's `owner`), then the exchange it is sent to, then the task
// that receives it. It flags:
//  - a block entering another pool's free list than the one it left ("release
//    to the wrong pool"), or entering one while it is not out of any ("released
//    twice"), or a pool handing out a block that is not free or not its own;
//  - a body released while a message still holds it (a proxy's release freeing
//    the real body), or released by no service, or a release whose body no
//    pool received; a make that names another pool than the block's origin; a
//    corrupted pool;
//  - a task deleted (or reaped, or returned) while still owning a control block;
//  - at quiescence, anything still allocated (a leak).
// A CPU crash loses the memory of the RTOS living there: its state is forgotten.
//
//   model::rtos::PoolOriginMonitor m;  m.attach(world);
//   world.run();  m.finish(result);  if (m.violated()) ...
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "model/rtos/rtos_monitor.hpp"

namespace ipcsim::model::rtos {

class PoolOriginMonitor final : public RtosMonitor {
 public:
  PoolOriginMonitor() : RtosMonitor("pool_origin") {}

  // Live counts (tests).
  std::size_t bodies_allocated() const { return bodies_.size(); }
  std::size_t control_blocks_live() const { return cbs_.size(); }
  // Blocks seen entering a free list (each checked against its origin).
  std::uint64_t returns_checked() const { return returns_checked_; }

 protected:
  void watch(const sim::TraceRecord& r) override;
  void forget(std::uint64_t rtos) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Pool {
    bool heap = false;
    bool bodies = false;  // a base pool or a heap (not a control-block pool)
    std::uint64_t first = 0;
    std::uint64_t stride = 0;
    std::uint64_t blocks = 0;
    std::uint64_t bytes = 0;  // heaps: arena size
  };
  struct Body {
    std::uint64_t origin = 0;  // pool or heap handle
    std::uint64_t holder = 0;  // the BCB/MCB holding it, 0 when bare
    std::uint64_t bytes = 0;
  };
  struct Cb {
    std::uint64_t dbp = 0;
    std::uint64_t proxy_of = 0;
    std::uint64_t owner = 0;  // actor id; 0 for none or while at an exchange
    std::uint64_t xchg = 0;   // the exchange holding it (normal/pass), 0 otherwise
    std::uint64_t bytes = 0;  // what the handle shows of the body (messages)
  };
  struct Returned {           // a body a pool received, until its release record claims it
    std::uint64_t pool = 0;
    std::uint64_t holder = 0;
  };

  void taken(const sim::TraceRecord& r, std::uint64_t pool, std::uint64_t block, std::uint64_t bytes);
  void returned(const sim::TraceRecord& r, std::uint64_t pool, std::uint64_t block);
  void claim_bare(const sim::TraceRecord& r, std::uint64_t dbp);
  void got(const sim::TraceRecord& r, std::string_view cb_field);
  void make(const sim::TraceRecord& r, std::string_view cb_field);
  void unmake(const sim::TraceRecord& r, std::string_view cb_field);
  void release(const sim::TraceRecord& r, std::string_view cb_field);
  bool free_cb(const sim::TraceRecord& r, std::string_view cb_field, Cb* out);
  std::uint64_t owner_of(const sim::TraceRecord& r) const;

  std::map<std::uint64_t, Pool> pools_;          // by key(rtos, handle)
  std::map<std::uint64_t, std::uint64_t> out_;   // every block out of a free list -> the pool it left
  std::map<std::uint64_t, Body> bodies_;         // by key(rtos, dbp)
  std::map<std::uint64_t, Cb> cbs_;              // by key(rtos, cb)
  std::map<std::uint64_t, Returned> returned_;   // by key(rtos, dbp)
  std::uint64_t returns_checked_ = 0;
};

}  // namespace ipcsim::model::rtos

// pool_origin: every body returns to the pool or heap it came from, every
// control block to its own pool, nothing is released twice, nothing is leaked
// at quiescence or after its owner task is deleted.
//
// Replays allocation from the trace alone (impl/rtos/trace_schema.md): which
// bodies (by RTOS and dbp) are allocated from which pool and held by which
// BCB/MCB, which control blocks are live, owned by which task. It flags:
//  - a body released to another pool or heap than its origin ("release to
//    the wrong pool"), or released twice, or while a message still holds it
//    (a proxy's release freeing the real body);
//  - a pool handing out a block that is not free or not one of its blocks, a
//    make that names another pool than the block's origin, a corrupted pool;
//  - a control block released to another pool, or twice;
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

#include "model/monitor.hpp"

namespace ipcsim::model::rtos {

class PoolOriginMonitor final : public Monitor {
 public:
  PoolOriginMonitor() : Monitor("pool_origin") {}

  // Live counts (tests).
  std::size_t bodies_allocated() const { return bodies_.size(); }
  std::size_t control_blocks_live() const { return cbs_.size(); }

 protected:
  void observe(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Pool {
    bool heap = false;
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
    std::uint64_t cb_pool = 0;
    std::uint64_t dbp = 0;
    std::uint64_t proxy_of = 0;
    std::uint64_t owner = 0;  // actor id; 0 for none or while at an exchange
    std::uint64_t xchg = 0;   // the exchange holding it (normal/pass), 0 otherwise
    std::uint64_t bytes = 0;  // what the handle shows of the body (messages)
  };

  std::string pool_name(std::uint64_t rtos, std::uint64_t handle) const;
  void alloc_body(const sim::TraceRecord& r, std::uint64_t pool, std::uint64_t dbp, std::uint64_t holder,
                  std::uint64_t bytes);
  void release_body(const sim::TraceRecord& r, std::uint64_t pool, std::uint64_t dbp, std::uint64_t holder);
  void make(const sim::TraceRecord& r, std::string_view cb_field);
  void make_after_get(const sim::TraceRecord& r, std::string_view cb_field);
  bool free_cb(const sim::TraceRecord& r, std::string_view cb_field, Cb* out);
  void forget(std::uint64_t rtos);

  std::map<std::uint64_t, std::int64_t> rtos_cpu_;  // rtos -> CPU whose nonshared memory it is (-1: shared)
  std::map<std::uint64_t, Pool> pools_;             // by key(rtos, handle)
  std::map<std::uint64_t, Body> bodies_;            // by key(rtos, dbp)
  std::map<std::uint64_t, Cb> cbs_;                 // by key(rtos, cb)
  std::map<std::uint64_t, std::string> names_;      // pool and heap names by key(rtos, handle)
  std::map<sim::ObjectId, std::string> names_by_object_;
};

}  // namespace ipcsim::model::rtos

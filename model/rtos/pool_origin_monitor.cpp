#include "model/rtos/pool_origin_monitor.hpp"

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

namespace {
std::uint64_t rtos_of(std::uint64_t k) { return k >> 32; }
std::uint64_t addr_of(std::uint64_t k) { return k & 0xFFFFFFFFu; }
// Records a pool or heap emits about its own free list.
bool free_list_record(std::string_view k) {
  return k == "rtos.pool.take" || k == "rtos.pool.put" || k == "rtos.heap.take" || k == "rtos.heap.put";
}
}  // namespace

// The task a get or make makes the owner: the caller, when it is a task (an
// ISR's or a plain actor's control block has no owner). Learnt from who called,
// not from the owner the record reports.
std::uint64_t PoolOriginMonitor::owner_of(const sim::TraceRecord& r) const { return is_task(r.actor) ? r.actor : 0; }

void PoolOriginMonitor::forget(std::uint64_t rtos) {
  auto drop = [rtos](auto& m) {
    for (auto it = m.lower_bound(key(rtos, 0)); it != m.end() && rtos_of(it->first) == rtos;) it = m.erase(it);
  };
  drop(out_);
  drop(bodies_);
  drop(cbs_);
  drop(returned_);
}

// A block left pool `pool`'s free list (the pool's own record).
void PoolOriginMonitor::taken(const sim::TraceRecord& r, std::uint64_t pool, std::uint64_t block,
                              std::uint64_t bytes) {
  const std::uint64_t rtos = u(r, "rtos");
  auto p = pools_.find(key(rtos, pool));
  if (p == pools_.end()) {
    violate(r, std::string(r.kind) + ": block " + num(block) + " from unknown pool #" + num(pool));
    return;
  }
  const Pool& g = p->second;
  const bool inside = g.heap ? block >= g.first && block < g.first + g.bytes
                             : block >= g.first && block < g.first + g.stride * g.blocks &&
                                   (block - g.first) % g.stride == 0;
  if (!inside) {
    violate(r, "pool " + pool_name(key(rtos, pool)) + " handed out " + (g.bodies ? "dbp " : "control block ") +
                   num(block) + ", which is not one of its blocks");
    return;
  }
  auto [it, fresh] = out_.try_emplace(key(rtos, block), pool);
  if (!fresh) {
    violate(r, "pool " + pool_name(key(rtos, pool)) + " handed out " + (g.bodies ? "dbp " : "control block ") +
                   num(block) + ", which is still allocated (from pool " + pool_name(key(rtos, it->second)) + ")");
    return;
  }
  if (g.bodies) bodies_[key(rtos, block)] = Body{pool, 0, g.heap ? bytes : g.stride};
}

// A block entered pool `pool`'s free list (the pool's own record): it must be
// the pool it left.
void PoolOriginMonitor::returned(const sim::TraceRecord& r, std::uint64_t pool, std::uint64_t block) {
  const std::uint64_t rtos = u(r, "rtos");
  auto p = pools_.find(key(rtos, pool));
  const bool bodies = p == pools_.end() || p->second.bodies;
  const std::string what = (bodies ? "dbp " : "control block ") + num(block);
  auto it = out_.find(key(rtos, block));
  if (it == out_.end()) {
    violate(r, what + " released to pool " + pool_name(key(rtos, pool)) + " but it is not allocated (released twice?)");
    return;
  }
  ++returns_checked_;
  if (it->second != pool) {
    violate(r, what + " released to pool " + pool_name(key(rtos, pool)) + " but it came from pool " +
                   pool_name(key(rtos, it->second)) + (r.actor != sim::kNoActor ? ", by " + actor_name(r.actor) : ""));
    return;
  }
  out_.erase(it);
  auto body = bodies_.find(key(rtos, block));
  if (body == bodies_.end()) return;
  returned_[key(rtos, block)] = Returned{pool, body->second.holder};
  bodies_.erase(body);
}

// A bare release (BlockRel of a dbp, HeapFree): the pool must have received it.
void PoolOriginMonitor::claim_bare(const sim::TraceRecord& r, std::uint64_t dbp) {
  const std::uint64_t rtos = u(r, "rtos");
  auto it = returned_.find(key(rtos, dbp));
  if (it == returned_.end()) {
    violate(r, std::string(r.kind) + " of dbp " + num(dbp) +
                   (bodies_.count(key(rtos, dbp)) != 0 ? ", but no pool received it"
                                                       : ", which is not allocated (released twice?)"));
    return;
  }
  if (it->second.holder != 0) {
    violate(r, "dbp " + num(dbp) + " released as a bare block while control block " + num(it->second.holder) +
                   " holds it");
    return;
  }
  returned_.erase(it);
}

void PoolOriginMonitor::got(const sim::TraceRecord& r, std::string_view cbf) {
  const std::uint64_t rtos = u(r, "rtos");
  const std::uint64_t cb = u(r, cbf);
  const std::uint64_t dbp = u(r, "dbp");
  auto body = bodies_.find(key(rtos, dbp));
  if (body == bodies_.end() || body->second.holder != 0) {
    violate(r, std::string(r.kind) + " gave control block " + num(cb) + " dbp " + num(dbp) +
                   (body == bodies_.end() ? ", which no pool handed out" : ", which another control block holds"));
    return;
  }
  if (cbs_.count(key(rtos, cb)) != 0) {
    violate(r, "control block " + num(cb) + " handed out while still live");
    return;
  }
  body->second.holder = cb;
  if (cbf == "msg") body->second.bytes = u(r, "bytes");
  cbs_[key(rtos, cb)] = Cb{dbp, 0, owner_of(r), 0, body->second.bytes};
}

void PoolOriginMonitor::make(const sim::TraceRecord& r, std::string_view cbf) {
  const std::uint64_t rtos = u(r, "rtos");
  const std::uint64_t cb = u(r, cbf);
  const std::uint64_t pool = u(r, "pool");
  const std::uint64_t dbp = u(r, "dbp");
  const std::uint64_t proxy_of = u(r, "proxy_of");
  if (cbs_.count(key(rtos, cb)) != 0) {
    violate(r, "control block " + num(cb) + " handed out while still live");
    return;
  }
  if (proxy_of != 0) {
    auto real = cbs_.find(key(rtos, proxy_of));
    if (real == cbs_.end() || real->second.proxy_of != 0) {
      violate(r, "proxy " + num(cb) + " made of " + num(proxy_of) + ", which is not a live real message");
      return;
    }
    if (dbp < real->second.dbp || dbp + u(r, "bytes") > real->second.dbp + real->second.bytes) {
      violate(r, "proxy " + num(cb) + "'s section is not inside the body of message " + num(proxy_of));
      return;
    }
  } else {
    auto body = bodies_.find(key(rtos, dbp));
    if (body == bodies_.end()) {
      violate(r, std::string(r.kind) + " of dbp " + num(dbp) + ", which is not allocated");
      return;
    }
    if (body->second.holder != 0) {
      violate(r, std::string(r.kind) + " of dbp " + num(dbp) + ", which control block " + num(body->second.holder) +
                     " already holds");
      return;
    }
    // What the control block records is what its release will use: it must be the origin.
    if (body->second.origin != pool) {
      violate(r, std::string(r.kind) + " records pool " + pool_name(key(rtos, pool)) + " for dbp " + num(dbp) +
                     ", which came from pool " + pool_name(key(rtos, body->second.origin)));
      return;
    }
    body->second.holder = cb;
  }
  cbs_[key(rtos, cb)] = Cb{dbp, proxy_of, owner_of(r), 0, u(r, "bytes")};
}

bool PoolOriginMonitor::free_cb(const sim::TraceRecord& r, std::string_view cbf, Cb* out) {
  const std::uint64_t rtos = u(r, "rtos");
  const std::uint64_t cb = u(r, cbf);
  auto it = cbs_.find(key(rtos, cb));
  if (it == cbs_.end()) {
    violate(r, "control block " + num(cb) + " released but it is not live (released twice?)");
    return false;
  }
  *out = it->second;
  cbs_.erase(it);
  return true;
}

void PoolOriginMonitor::unmake(const sim::TraceRecord& r, std::string_view cbf) {
  const std::uint64_t rtos = u(r, "rtos");
  Cb cb;
  if (!free_cb(r, cbf, &cb)) return;
  auto body = bodies_.find(key(rtos, cb.dbp));
  if (body == bodies_.end() || body->second.holder != u(r, cbf)) {
    violate(r, std::string(r.kind) + " of " + num(u(r, cbf)) + ", which does not hold its body");
    return;
  }
  // The pool unmake reports is the one the caller will release the bare block to.
  if (body->second.origin != u(r, "pool")) {
    violate(r, std::string(r.kind) + " reports pool " + pool_name(key(rtos, u(r, "pool"))) + " for dbp " +
                   num(cb.dbp) + ", which came from pool " + pool_name(key(rtos, body->second.origin)));
    return;
  }
  body->second.holder = 0;
}

void PoolOriginMonitor::release(const sim::TraceRecord& r, std::string_view cbf) {
  const std::uint64_t rtos = u(r, "rtos");
  const std::uint64_t handle = u(r, cbf);
  Cb cb;
  if (!free_cb(r, cbf, &cb)) return;
  if (cb.proxy_of != 0) {
    // A proxy shows a section of its real message's body and owns none of it.
    if (!returned_.empty() || u(r, "pool") != 0) {
      const std::uint64_t dbp = returned_.empty() ? u(r, "dbp") : addr_of(returned_.begin()->first);
      const std::uint64_t to = returned_.empty() ? u(r, "pool") : returned_.begin()->second.pool;
      violate(r, actor_name(r.actor) + " releasing proxy " + num(handle) + " returned dbp " + num(dbp) + " to pool " +
                     pool_name(key(rtos, to)) + ": a proxy has no body of its own (message " + num(cb.proxy_of) +
                     " holds it)");
    }
    return;
  }
  auto it = returned_.find(key(rtos, cb.dbp));
  if (it == returned_.end()) {
    violate(r, std::string(r.kind) + " of control block " + num(handle) + ": no pool received its body dbp " +
                   num(cb.dbp));
    return;
  }
  if (it->second.holder != handle) {
    violate(r, "dbp " + num(cb.dbp) + " released through control block " + num(handle) + " while control block " +
                   num(it->second.holder) + " holds it");
    return;
  }
  returned_.erase(it);
}

void PoolOriginMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k.substr(0, 5) != "rtos.") return;
  const std::uint64_t rtos = u(r, "rtos");
  // A body some pool received must be claimed by the release record that
  // follows it in the same step; any other record means no service released it.
  if (!returned_.empty() && !free_list_record(k) && k != "rtos.block.rel" && k != "rtos.heap.free" &&
      k != "rtos.blk.rel" && k != "rtos.msg.rel") {
    const auto& [b, ret] = *returned_.begin();
    violate(r, "dbp " + num(addr_of(b)) + " entered the free list of pool " +
                   pool_name(key(rtos_of(b), ret.pool)) + " but no service released it");
    return;
  }
  if (k == "rtos.pool.create" || k == "rtos.heap.create") {
    const bool heap = k == "rtos.heap.create";
    pools_[key(rtos, u(r, heap ? "heap" : "pool"))] =
        Pool{heap, heap || s(r, "pool_kind") == "base", u(r, "first"), u(r, "stride"), u(r, "blocks"), u(r, "bytes")};
  } else if (k == "rtos.pool.take") {
    taken(r, u(r, "pool"), u(r, "block"), 0);
  } else if (k == "rtos.heap.take") {
    taken(r, u(r, "heap"), u(r, "dbp"), u(r, "bytes"));
  } else if (k == "rtos.pool.put") {
    returned(r, u(r, "pool"), u(r, "block"));
  } else if (k == "rtos.heap.put") {
    returned(r, u(r, "heap"), u(r, "dbp"));
  } else if (k == "rtos.block.get" || k == "rtos.heap.malloc") {
    auto body = bodies_.find(key(rtos, u(r, "dbp")));
    if (body == bodies_.end() || body->second.holder != 0) {
      violate(r, std::string(k) + " returned dbp " + num(u(r, "dbp")) + ", which no pool handed out");
    }
  } else if (k == "rtos.block.rel" || k == "rtos.heap.free") {
    claim_bare(r, u(r, "dbp"));
  } else if (k == "rtos.blk.get" || k == "rtos.msg.get") {
    got(r, k == "rtos.blk.get" ? "blk" : "msg");
  } else if (k == "rtos.blk.make" || k == "rtos.msg.make") {
    make(r, k == "rtos.blk.make" ? "blk" : "msg");
  } else if (k == "rtos.blk.unmake" || k == "rtos.msg.unmake") {
    unmake(r, k == "rtos.blk.unmake" ? "blk" : "msg");
  } else if (k == "rtos.blk.rel" || k == "rtos.msg.rel") {
    release(r, k == "rtos.blk.rel" ? "blk" : "msg");
  } else if (k == "rtos.msg.send") {
    auto it = cbs_.find(key(r, "msg"));
    if (it == cbs_.end()) {
      violate(r, "send of message " + num(u(r, "msg")) + ", which is not live");
      return;
    }
    if (!is_broadcast(key(r, "xchg"))) {  // normal or pass: the exchange holds it now
      it->second.owner = 0;
      it->second.xchg = u(r, "xchg");
    }
  } else if (k == "rtos.msg.receive") {
    if (is_broadcast(key(r, "xchg"))) return;  // broadcast: the master stays the owner
    auto it = cbs_.find(key(r, "msg"));
    if (it == cbs_.end()) {
      violate(r, actor_name(r.actor) + " received message " + num(u(r, "msg")) + ", which is not live");
      return;
    }
    it->second.owner = r.actor;
    it->second.xchg = 0;
  } else if (k == "rtos.task.delete") {
    const std::uint64_t task = u(r, "task");
    for (auto it = cbs_.lower_bound(key(rtos, 0)); it != cbs_.end() && rtos_of(it->first) == rtos; ++it) {
      if (it->second.owner == task) {
        violate(r, "task " + actor_name(task) + " deleted (" + std::string(s(r, "reason")) + ") while still owning " +
                       (it->second.proxy_of != 0 ? "proxy " : "control block ") + num(addr_of(it->first)) +
                       ": leaked");
        return;
      }
    }
  } else if (k == "rtos.pool.corrupt") {
    violate(r, "pool " + pool_name(key(rtos, u(r, "pool"))) + " has a corrupted free list (link " +
                   num(u(r, "link")) + ")");
  }
}

void PoolOriginMonitor::at_end(const sim::RunResult& result) {
  if (result.outcome != sim::RunOutcome::Quiescent) return;  // a cut-short run may hold things legitimately
  if (!cbs_.empty()) {
    const auto& [k, cb] = *cbs_.begin();
    violate_at_end("leaked at quiescence: " + num(cbs_.size()) + " control block(s), the first " + num(addr_of(k)) +
                   (cb.owner != 0  ? " owned by task " + actor_name(cb.owner)
                    : cb.xchg != 0 ? " queued at exchange " + exchange_name(key(rtos_of(k), cb.xchg))
                                   : "") +
                   " holding dbp " + num(cb.dbp));
    return;
  }
  if (!bodies_.empty()) {
    const auto& [k, body] = *bodies_.begin();
    violate_at_end("leaked at quiescence: " + num(bodies_.size()) + " block(s), the first dbp " + num(addr_of(k)) +
                   " from pool " + pool_name(key(rtos_of(k), body.origin)));
  }
}

}  // namespace ipcsim::model::rtos

#include "model/rtos/pool_origin_monitor.hpp"

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

namespace {
std::uint64_t rtos_of(std::uint64_t k) { return k >> 32; }
std::uint64_t addr_of(std::uint64_t k) { return k & 0xFFFFFFFFu; }
}  // namespace

std::string PoolOriginMonitor::pool_name(std::uint64_t rtos, std::uint64_t handle) const {
  auto it = names_.find(key(rtos, handle));
  return it == names_.end() || it->second.empty() ? "#" + num(handle) : "'" + it->second + "'";
}

void PoolOriginMonitor::forget(std::uint64_t rtos) {
  auto drop = [rtos](auto& m) {
    for (auto it = m.lower_bound(key(rtos, 0)); it != m.end() && rtos_of(it->first) == rtos;) it = m.erase(it);
  };
  drop(bodies_);
  drop(cbs_);
}

void PoolOriginMonitor::alloc_body(const sim::TraceRecord& r, std::uint64_t pool, std::uint64_t dbp,
                                   std::uint64_t holder, std::uint64_t bytes) {
  const std::uint64_t rtos = u(r, "rtos");
  auto p = pools_.find(key(rtos, pool));
  if (p == pools_.end()) {
    violate(r, std::string(r.kind) + ": dbp " + num(dbp) + " from unknown pool #" + num(pool));
    return;
  }
  const Pool& g = p->second;
  const bool inside = g.heap ? dbp >= g.first && dbp < g.first + g.bytes
                             : dbp >= g.first && dbp < g.first + g.stride * g.blocks && (dbp - g.first) % g.stride == 0;
  if (!inside) {
    violate(r, "pool " + pool_name(rtos, pool) + " handed out dbp " + num(dbp) + ", which is not one of its blocks");
    return;
  }
  auto [it, fresh] = bodies_.try_emplace(key(rtos, dbp), Body{pool, holder, bytes == 0 ? g.stride : bytes});
  if (!fresh) {
    violate(r, "pool " + pool_name(rtos, pool) + " handed out dbp " + num(dbp) +
                   ", which is still allocated (from pool " + pool_name(rtos, it->second.origin) + ")");
  }
}

void PoolOriginMonitor::release_body(const sim::TraceRecord& r, std::uint64_t pool, std::uint64_t dbp,
                                     std::uint64_t holder) {
  const std::uint64_t rtos = u(r, "rtos");
  auto it = bodies_.find(key(rtos, dbp));
  if (it == bodies_.end()) {
    violate(r, "dbp " + num(dbp) + " released to pool " + pool_name(rtos, pool) +
                   " but it is not allocated (released twice?)");
    return;
  }
  const Body body = it->second;
  if (body.holder != holder) {
    violate(r, "dbp " + num(dbp) + " released " +
                   (holder == 0 ? "as a bare block" : "through control block " + num(holder)) +
                   " while control block " + num(body.holder) + " holds it");
    return;
  }
  if (body.origin != pool) {
    violate(r, "dbp " + num(dbp) + " released to pool " + pool_name(rtos, pool) + " but it came from pool " +
                   pool_name(rtos, body.origin));
    return;
  }
  bodies_.erase(it);
}

void PoolOriginMonitor::make(const sim::TraceRecord& r, std::string_view cb_field) {
  const std::uint64_t rtos = u(r, "rtos");
  const std::uint64_t cb = u(r, cb_field);
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
    if (body->second.origin != pool) {
      violate(r, std::string(r.kind) + " records pool " + pool_name(rtos, pool) + " for dbp " + num(dbp) +
                     ", which came from pool " + pool_name(rtos, body->second.origin));
      return;
    }
    body->second.holder = cb;
  }
  cbs_[key(rtos, cb)] = Cb{u(r, "cb_pool"), dbp, proxy_of, u(r, "owner"), 0, u(r, "bytes")};
}

bool PoolOriginMonitor::free_cb(const sim::TraceRecord& r, std::string_view cb_field, Cb* out) {
  const std::uint64_t rtos = u(r, "rtos");
  const std::uint64_t cb = u(r, cb_field);
  auto it = cbs_.find(key(rtos, cb));
  if (it == cbs_.end()) {
    violate(r, "control block " + num(cb) + " released but it is not live (released twice?)");
    return false;
  }
  if (it->second.cb_pool != u(r, "cb_pool")) {
    violate(r, "control block " + num(cb) + " released to pool " + pool_name(rtos, u(r, "cb_pool")) +
                   " but it came from pool " + pool_name(rtos, it->second.cb_pool));
    return false;
  }
  *out = it->second;
  cbs_.erase(it);
  return true;
}

void PoolOriginMonitor::observe(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "sim.object") {
    names_by_object_[r.object] = std::string(s(r, "name"));
    return;
  }
  if (k == "cpu.crash") {
    // The memory of every RTOS living in this CPU's nonshared memory is lost.
    for (const auto& [rtos, cpu] : rtos_cpu_) {
      if (cpu >= 0 && static_cast<std::uint64_t>(cpu) == r.cpu) forget(rtos);
    }
    return;
  }
  if (k.substr(0, 5) != "rtos.") return;
  const std::uint64_t rtos = u(r, "rtos");
  if (k == "rtos.create") {
    rtos_cpu_[rtos] = i(r, "home_cpu");
  } else if (k == "rtos.pool.create" || k == "rtos.heap.create") {
    const bool heap = k == "rtos.heap.create";
    const std::uint64_t handle = u(r, heap ? "heap" : "pool");
    pools_[key(rtos, handle)] = Pool{heap, u(r, "first"), u(r, "stride"), u(r, "blocks"), u(r, "bytes")};
    names_[key(rtos, handle)] = names_by_object_[r.object];
  } else if (k == "rtos.reset") {
    forget(rtos);
  } else if (k == "rtos.block.get") {
    alloc_body(r, u(r, "pool"), u(r, "dbp"), 0, 0);
  } else if (k == "rtos.heap.malloc") {
    alloc_body(r, u(r, "heap"), u(r, "dbp"), 0, u(r, "bytes"));
  } else if (k == "rtos.block.rel") {
    release_body(r, u(r, "pool"), u(r, "dbp"), 0);
  } else if (k == "rtos.heap.free") {
    release_body(r, u(r, "heap"), u(r, "dbp"), 0);
  } else if (k == "rtos.blk.get" || k == "rtos.msg.get") {
    const std::string_view cbf = k == "rtos.blk.get" ? "blk" : "msg";
    alloc_body(r, u(r, "pool"), u(r, "dbp"), u(r, cbf), u(r, "bytes"));
    make_after_get(r, cbf);
  } else if (k == "rtos.blk.make" || k == "rtos.msg.make") {
    make(r, k == "rtos.blk.make" ? "blk" : "msg");
  } else if (k == "rtos.blk.unmake" || k == "rtos.msg.unmake") {
    const std::string_view cbf = k == "rtos.blk.unmake" ? "blk" : "msg";
    Cb cb;
    if (!free_cb(r, cbf, &cb)) return;
    auto body = bodies_.find(key(rtos, cb.dbp));
    if (body == bodies_.end() || body->second.holder != u(r, cbf)) {
      violate(r, std::string(k) + " of " + num(u(r, cbf)) + ", which does not hold its body");
      return;
    }
    if (body->second.origin != u(r, "pool")) {
      violate(r, std::string(k) + " reports pool " + pool_name(rtos, u(r, "pool")) + " for dbp " + num(cb.dbp) +
                     ", which came from pool " + pool_name(rtos, body->second.origin));
      return;
    }
    body->second.holder = 0;
  } else if (k == "rtos.blk.rel" || k == "rtos.msg.rel") {
    const std::string_view cbf = k == "rtos.blk.rel" ? "blk" : "msg";
    Cb cb;
    if (!free_cb(r, cbf, &cb)) return;
    const std::uint64_t to = u(r, "pool");
    if (cb.proxy_of != 0) {
      if (to != 0) {
        violate(r, "releasing proxy " + num(u(r, cbf)) + " returned dbp " + num(u(r, "dbp")) + " to pool " +
                       pool_name(rtos, to) + ": a proxy has no body of its own (message " + num(cb.proxy_of) +
                       " holds it)");
      }
      return;
    }
    release_body(r, to, cb.dbp, u(r, cbf));
  } else if (k == "rtos.msg.send") {
    auto it = cbs_.find(key(r, "msg"));
    if (it == cbs_.end()) {
      violate(r, "send of message " + num(u(r, "msg")) + ", which is not live");
      return;
    }
    if (u(r, "round") == 0) {  // normal or pass: the exchange holds it now
      it->second.owner = 0;
      it->second.xchg = u(r, "xchg");
    }
  } else if (k == "rtos.msg.receive") {
    if (u(r, "round") != 0) return;  // broadcast: the master stays the owner
    auto it = cbs_.find(key(r, "msg"));
    if (it == cbs_.end()) {
      violate(r, "receive of message " + num(u(r, "msg")) + ", which is not live");
      return;
    }
    it->second.owner = r.actor;
    it->second.xchg = 0;
  } else if (k == "rtos.task.delete") {
    const std::uint64_t task = u(r, "task");
    for (auto it = cbs_.lower_bound(key(rtos, 0)); it != cbs_.end() && rtos_of(it->first) == rtos; ++it) {
      if (it->second.owner == task) {
        violate(r, "task #" + num(task) + " deleted (" + std::string(s(r, "reason")) + ") while still owning " +
                       (it->second.proxy_of != 0 ? "proxy " : "control block ") + num(addr_of(it->first)) + ": leaked");
        return;
      }
    }
  } else if (k == "rtos.pool.corrupt") {
    violate(r, "pool " + pool_name(rtos, u(r, "pool")) + " has a corrupted free list (link " + num(u(r, "link")) + ")");
  }
}

void PoolOriginMonitor::make_after_get(const sim::TraceRecord& r, std::string_view cbf) {
  const std::uint64_t rtos = u(r, "rtos");
  const std::uint64_t cb = u(r, cbf);
  if (cbs_.count(key(rtos, cb)) != 0) {
    violate(r, "control block " + num(cb) + " handed out while still live");
    return;
  }
  cbs_[key(rtos, cb)] = Cb{u(r, "cb_pool"), u(r, "dbp"), 0, u(r, "owner"), 0, u(r, "bytes")};
}

void PoolOriginMonitor::at_end(const sim::RunResult& result) {
  if (result.outcome != sim::RunOutcome::Quiescent) return;  // a cut-short run may hold things legitimately
  if (!cbs_.empty()) {
    const auto& [k, cb] = *cbs_.begin();
    violate_at_end("leaked at quiescence: " + num(cbs_.size()) + " control block(s), the first " + num(addr_of(k)) +
                   (cb.owner != 0  ? " owned by task #" + num(cb.owner)
                    : cb.xchg != 0 ? " queued at exchange #" + num(cb.xchg)
                                   : "") +
                   " holding dbp " + num(cb.dbp));
    return;
  }
  if (!bodies_.empty()) {
    const auto& [k, body] = *bodies_.begin();
    violate_at_end("leaked at quiescence: " + num(bodies_.size()) + " block(s), the first dbp " + num(addr_of(k)) +
                   " from pool " + pool_name(rtos_of(k), body.origin));
  }
}

}  // namespace ipcsim::model::rtos

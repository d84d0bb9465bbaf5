// ShmMonitor: what every monitor of model/shm learns the same way, before its
// own books see a record: the set-up of the machine (shm.create: the admin
// lock, the engine's actor, the data region's size), which actors have ended
// (the kernel's sim.exit and sim.kill: a CPU crash kills every actor on it),
// and each process's handles (shm.handles: its event, its block lock) and
// block (shm.manager.assign). It names things as the scenario does: actors
// through Monitor::actor_name ("'p2' (#5)"), the engine as "the engine 'engine'
// (#2)", a block lock by its declared name or as "the block lock of 'p2' (#5)".
//
//   class MyMonitor final : public ShmMonitor {
//    public:
//     MyMonitor() : ShmMonitor("my_property") {}
//    protected:
//     void watch(const sim::TraceRecord& r) override { ... who(r.actor) ... }
//   };
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "model/monitor.hpp"

namespace ipcsim::model::shm {

class ShmMonitor : public Monitor {
 public:
  using Monitor::Monitor;

 protected:
  void observe(const sim::TraceRecord& r) final;
  // Every record, after the common bookkeeping.
  virtual void watch(const sim::TraceRecord& r) = 0;

  struct Process {
    sim::ObjectId event = sim::kNoObject;       // its notification semaphore (shm.handles)
    sim::ObjectId block_lock = sim::kNoObject;  // its block's mutex (shm.handles)
    bool assigned = false;                      // shm.manager.assign seen
    std::uint64_t mgr = 0;                      // its block's manager
    std::uint64_t rel = 0;                      // its block in shm.data
    std::uint64_t bytes = 0;
  };

  bool created() const { return created_; }
  sim::ObjectId admin_lock() const { return admin_lock_; }
  sim::ActorId engine() const { return engine_; }
  bool is_engine(sim::ActorId a) const { return created_ && a == engine_; }
  std::uint64_t data_bytes() const { return data_bytes_; }
  std::uint64_t min_block() const { return min_block_; }
  // Whether `a` has ended (finished, crashed or killed), by the kernel's records.
  bool is_gone(sim::ActorId a) const { return gone_.count(a) != 0; }
  std::optional<sim::Instant> gone_at(sim::ActorId a) const;
  // A process that began registering (shm.register.begin) or has handles.
  const Process* process(sim::ActorId pid) const;
  const std::map<sim::ActorId, Process>& processes() const { return processes_; }
  // The process whose block lock `lock` is (shm.handles), if any.
  std::optional<sim::ActorId> block_lock_owner(sim::ObjectId lock) const;
  // What `a` is blocked on (sim.block until its sim.wake or end), if anything.
  std::optional<sim::ObjectId> waiting_on(sim::ActorId a) const;
  // Whether kernel object `o` was declared a mutex (sim.object type "mutex").
  bool is_mutex(sim::ObjectId o) const;
  // At the end of a run: the engine sits blocked on a lock, so it could not
  // do its work (a deadlock's consequence, which deadlock_free reports).
  bool engine_stuck_on_a_lock() const;
  // The engine is named as such: "the engine 'engine' (#2)"; others by actor_name.
  std::string who(sim::ActorId a) const;
  // "the admin lock 'admin'", "the block lock 'p2.block' of 'p2' (#5)", or the object's name.
  std::string lock_name(sim::ObjectId lock) const;

 private:
  bool created_ = false;
  sim::ObjectId admin_lock_ = sim::kNoObject;
  sim::ActorId engine_ = sim::kNoActor;
  std::uint64_t data_bytes_ = 0;
  std::uint64_t min_block_ = 0;
  std::map<sim::ActorId, sim::Instant> gone_;
  std::map<sim::ActorId, Process> processes_;
  std::map<sim::ObjectId, sim::ActorId> lock_owner_;
  std::map<sim::ActorId, sim::ObjectId> waiting_on_;
  std::map<sim::ObjectId, std::string> types_;
};

}  // namespace ipcsim::model::shm

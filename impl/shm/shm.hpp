// The shared-memory communications platform of seed 000 (issue 12), built on
// the simulation kernel: processes are actors that share one machine's memory
// through two shared regions, "shm.admin" (administrative memory: the
// registry and the location records) and "shm.data" (the processes' blocks);
// a communications engine actor mediates every access a process makes to
// another process's block. The design: /work/notes/shm-design.md; what the
// trace says: trace_schema.md.
//
//   shm::Shm shm(w, engine_cpu, cpus, cfg, {"proc1", "proc2"});
//   w.spawn(cpu1, "proc1", [&](sim::Ctx cx) -> sim::Task<> {
//     co_await shm.register_process(cx, 0);
//     shm::SendResult r = co_await shm.send(cx, 0, 1, payload);  // to proc2
//     co_await shm.deregister(cx, 0);
//   });
//   w.spawn(cpu2, "proc2", [&](sim::Ctx cx) -> sim::Task<> {
//     co_await shm.register_process(cx, 1);
//     std::optional<shm::Message> m = co_await shm.receive(cx, 1, {0});
//     co_await shm.deregister(cx, 1);
//   });
//
// The parts, one file each: admin_lock.cpp (the admin lock and its variant),
// managers.cpp (the space manager and the per-block managers), process.cpp
// (registration and deregistration), transfer.cpp (send and receive),
// isolation.cpp (the one access check), engine.cpp (the engine and its
// watchers), cleanup.cpp (termination), pipe.cpp (the copy baseline),
// observation.cpp (end-of-run records, digest).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "impl/shm/admin_layout.hpp"
#include "impl/shm/buddy_allocator.hpp"
#include "impl/shm/config.hpp"
#include "sim/gate.hpp"
#include "sim/mutex.hpp"
#include "sim/semaphore.hpp"
#include "sim/world.hpp"

namespace ipcsim::shm {

enum class SendStatus : std::uint8_t {
  Posted,      // the location record is published: the engine takes it from here
  Delivered,   // pipe transport: the destination has the bytes in its pipe
  Oom,         // the sender's manager had no sub-block that large right now
  TooLarge,    // larger than the sender's whole block
  DstUnknown,  // the destination is not registered
};
const char* to_string(SendStatus s);

struct SendResult {
  SendStatus status = SendStatus::Posted;
  std::uint64_t xfer = 0;
  bool ok() const { return status == SendStatus::Posted || status == SendStatus::Delivered; }
};

struct Message {
  std::uint64_t xfer = 0;
  sim::ActorId src = sim::kNoActor;
  std::uint32_t src_slot = 0;
  std::uint64_t bytes = 0;
  std::uint64_t sum = 0;  // FNV-1a 64 of the bytes read
};

enum class AccessMode : std::uint8_t { Read, Write };

class Shm {
 public:
  // `cpus`: every CPU the regions are mapped into (the engine's included).
  // `process_names`: one slot per process of the workload, in slot order.
  Shm(sim::World& w, sim::Cpu& engine_cpu, const std::vector<sim::Cpu*>& cpus, ShmConfig config,
      std::vector<std::string> process_names);
  ~Shm();
  Shm(const Shm&) = delete;
  Shm& operator=(const Shm&) = delete;

  // ---- The process API (called by the actor of the slot, in its steps) ----
  // The rendezvous: waits while no block is free; returns once registered.
  sim::Task<> register_process(sim::Ctx cx, std::uint32_t slot);
  // Zero-copy (or pipe) transfer of `payload` to the process of `dst_slot`.
  sim::Task<SendResult> send(sim::Ctx cx, std::uint32_t slot, std::uint32_t dst_slot,
                             std::span<const std::byte> payload);
  // The next transfer to this process, or nullopt once every slot of
  // `senders` has registered at least once, is no longer registered and has
  // nothing pending for it (the senders are gone: nothing more can come).
  sim::Task<std::optional<Message>> receive(sim::Ctx cx, std::uint32_t slot, std::vector<std::uint32_t> senders);
  // Planned termination: tells the engine; the process should return next.
  sim::Task<> deregister(sim::Ctx cx, std::uint32_t slot);
  // A read of `bytes` at data-region offset `rel` by the process of `slot`,
  // through the isolation check: false (and not done) when refused.
  bool try_read(std::uint32_t slot, std::uint64_t rel, std::uint64_t bytes);
  // Looks up the block of `peer` in the registry (under the admin lock):
  // its data-region offset, or nullopt when it is not registered.
  sim::Task<std::optional<std::uint64_t>> peer_block(sim::Ctx cx, std::uint32_t slot, std::uint32_t peer);
  // Waits until `peer` is registered (polling the registry, costs.poll apart):
  // true; or false once `peer` has ended at least once and is not registered
  // (gone, as for receive(): a sender restarted after its receiver finished
  // would otherwise poll for ever).
  sim::Task<bool> await_registered(sim::Ctx cx, std::uint32_t slot, std::uint32_t peer);

  // The process of `slot` was just spawned (set-up, or a restart's on_boot):
  // the engine's side starts a watcher that joins it and tells the engine
  // when it ends, however it ends (the OS's process-exit notification).
  void attach(std::uint32_t slot, sim::ActorRef process);

  // ---- Introspection (tests, the driver) ----
  sim::ObjectId object_id() const { return id_; }
  const ShmConfig& config() const { return cfg_; }
  std::uint32_t slots() const { return static_cast<std::uint32_t>(names_.size()); }
  const std::string& name_of(std::uint32_t slot) const { return names_[slot]; }
  sim::ActorId engine_id() const { return engine_.id; }
  const BuddyAllocator& space_manager() const { return managers_.at(0).alloc; }
  // Managers still assigned (not retired), mgr 0 included.
  std::size_t live_managers() const { return managers_.size(); }
  // True when every manager's allocator is consistent (tests).
  std::string check_consistency() const;
  // Location records not free, in admin memory (peeked, outside the simulation).
  std::size_t pending_records() const;
  sim::Memory& admin() { return *admin_; }
  sim::Memory& data() { return *data_; }
  // Native books for MechanismRun::state_digest: managers, grants, caches.
  std::uint64_t books_digest() const;
  std::uint64_t transfers_received() const { return received_; }

 private:
  friend struct ShmTestAccess;
  struct Manager {
    BuddyAllocator alloc;
    std::uint64_t base = 0;
    sim::ActorId owner = sim::kNoActor;
    std::uint32_t slot = 0;  // the slot whose block lock guards it (mgr 0: unused)
  };
  struct Grant {
    std::uint64_t xfer = 0;
    sim::ActorId pid = sim::kNoActor;
    std::uint64_t rel = 0;
    std::uint64_t bytes = 0;
  };
  // What the process knows of itself (its own memory: lost in a crash; a new
  // incarnation starts from scratch).
  struct ProcSide {
    sim::ActorId pid = sim::kNoActor;
    std::uint64_t rel = 0;
    std::uint64_t bytes = 0;
    std::uint32_t mgr = 0;
    bool registered = false;
  };
  // What the engine cached of a registration (the seed's "duplicated handles").
  struct EngineSlot {
    sim::ActorId pid = sim::kNoActor;
    std::uint32_t mgr = 0;
    std::uint64_t rel = 0;
    std::uint64_t bytes = 0;
  };
  // A terminated process whose block waits for its last location record.
  struct Zombie {
    sim::ActorId pid = sim::kNoActor;
    std::uint32_t slot = 0;
    std::uint32_t mgr = 0;  // 0: none was assigned
    std::uint64_t rel = 0;
    std::uint64_t bytes = 0;
  };
  // What a watcher saw: the process ended; the engine learns it next.
  struct Termination {
    std::uint32_t slot = 0;
    sim::ActorId pid = sim::kNoActor;
    sim::CpuId cpu = sim::kNoCpu;
    std::uint32_t cpu_incarnation = 0;
    bool killed = false;
  };
  struct Handles {
    std::unique_ptr<sim::Semaphore> event;
    std::unique_ptr<sim::Mutex> block_lock;
    std::unique_ptr<sim::Gate> pulse;       // one_shot_signal only
    // Pipe transport: the destination's pipe buffer and its two semaphores.
    sim::Memory* pipe = nullptr;
    std::unique_ptr<sim::Semaphore> pipe_full;
    std::unique_ptr<sim::Semaphore> pipe_empty;
  };

  // admin_lock.cpp
  sim::Task<> lock_admin(sim::Ctx cx);
  sim::Task<> unlock_admin(sim::Ctx cx);
  // managers.cpp
  BuddyAlloc manager_alloc(std::uint32_t mgr, std::uint64_t bytes, sim::ActorId by);
  void manager_free(std::uint32_t mgr, std::uint64_t rel, sim::ActorId by);
  std::uint32_t new_manager(sim::ActorId owner, std::uint64_t rel, std::uint64_t bytes);
  void retire_manager(std::uint32_t mgr, sim::ActorId owner);
  sim::ActorId owner_of(std::uint64_t rel) const;
  // admin memory accesses (in the calling actor's step; costed)
  AdminHeader read_header();
  void write_header(const AdminHeader& h);
  RegistryRecord read_registry(std::uint32_t slot);
  void write_registry(std::uint32_t slot, const RegistryRecord& r);
  LocationRecord read_location(std::uint32_t index);
  void write_location(std::uint32_t index, const LocationRecord& r);
  // process.cpp helpers
  sim::Task<> signal_engine(sim::Ctx cx, std::string_view what);
  sim::Task<> notify_process(std::uint32_t slot);
  sim::Task<> release_space(std::uint64_t waiters);
  sim::Task<> wait_notification(std::uint32_t slot);
  // transfer.cpp / pipe.cpp
  sim::Task<SendResult> send_engine(sim::Ctx cx, std::uint32_t slot, std::uint32_t dst_slot,
                                    std::span<const std::byte> payload);
  sim::Task<SendResult> send_pipe(sim::Ctx cx, std::uint32_t slot, std::uint32_t dst_slot,
                                  std::span<const std::byte> payload);
  sim::Task<std::optional<Message>> receive_pipe(sim::Ctx cx, std::uint32_t slot, std::vector<std::uint32_t> senders);
  bool senders_gone(std::uint32_t slot, const std::vector<std::uint32_t>& senders);
  // isolation.cpp
  bool check_access(std::uint32_t slot, std::uint64_t rel, std::uint64_t bytes, AccessMode mode);
  // engine.cpp
  void spawn_engine(sim::Cpu& cpu);
  sim::Task<> engine_loop(sim::Ctx cx);
  void cache_registrations();
  std::optional<std::uint32_t> live_slot_of(sim::ActorId pid) const;
  struct Notice {
    std::uint64_t xfer = 0;  // 0: a plain wake-up (a failure told, a peer gone)
    std::uint32_t slot = 0;
    sim::ActorId dst = sim::kNoActor;
    std::uint64_t flow = 0;  // the arrow to the destination's shm.loc.load (grants only)
  };
  sim::Task<> handle_records(sim::Ctx cx, std::vector<Notice>& notices);
  sim::Task<> release_record(sim::Ctx cx, std::uint32_t index, const LocationRecord& rec);
  sim::Task<> free_sub_block(sim::Ctx cx, const LocationRecord& rec);
  // cleanup.cpp
  sim::Task<> terminate(sim::Ctx cx, Termination t, std::vector<Notice>& notices);
  void recover_locks(sim::ActorId dead);
  // Frees the blocks of terminated processes that no location record points
  // into any more (under the admin lock); returns how many space waiters to wake.
  std::uint64_t free_dead_blocks(sim::Ctx& cx);
  // observation.cpp
  void observe_end();

  void touch_books(sim::AccessMode mode) { w_->touch(id_, mode); }
  sim::ActorId self_pid() const { return w_->current_actor() != nullptr ? w_->current_actor()->id : sim::kNoActor; }

  sim::World* w_;
  ShmConfig cfg_;
  std::vector<std::string> names_;
  AdminLayout layout_;
  sim::ObjectId id_ = sim::kNoObject;
  sim::Memory* admin_ = nullptr;
  sim::Memory* data_ = nullptr;
  std::unique_ptr<sim::Mutex> admin_lock_;  // null in check_then_lock
  std::unique_ptr<sim::Semaphore> doorbell_;
  std::unique_ptr<sim::Semaphore> space_;
  std::vector<Handles> handles_;
  std::map<std::uint32_t, Manager> managers_;
  std::uint32_t next_mgr_ = 1;
  std::vector<Grant> grants_;
  std::vector<ProcSide> proc_;
  std::vector<EngineSlot> engine_slots_;
  std::vector<Zombie> zombies_;
  std::deque<Termination> terminations_;
  sim::Cpu* engine_cpu_ = nullptr;
  // fill_destination_block: sub-blocks of a peer's block a sender filled.
  std::vector<std::pair<sim::ActorId, std::uint64_t>> filled_by_;
  sim::ActorRef engine_;
  std::uint64_t end_hook_ = 0;
  std::uint64_t received_ = 0;
};

}  // namespace ipcsim::shm

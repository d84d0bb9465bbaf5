// The World: one deterministic simulation run.
//
// A World owns the machine (CPUs with nonshared memories, shared regions, buses,
// ports), the actors, the event queue, the chooser and the trace. run() advances
// virtual time: at each instant it first fires the due events (timers, message
// arrivals, faults), then lets actors take steps, one at a time, asking the
// chooser whenever more than one could go next. A run is fully described by the
// scenario that built the world, the seed and the recorded choice list.
//
//   sim::World w({.seed = 7});
//   sim::Cpu& c0 = w.add_cpu({.name = "cpu0"});
//   sim::Mutex m(w, "m");
//   w.spawn(c0, "worker", [&](sim::Ctx cx) -> sim::Task<> {
//     co_await m.lock();
//     co_await cx.compute(2us);
//     co_await m.unlock();
//   });
//   sim::RunResult r = w.run();
//
// Declare the World before the objects that use it (they unregister from it).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/actor.hpp"
#include "sim/choice.hpp"
#include "sim/event_queue.hpp"
#include "sim/footprint.hpp"
#include "sim/ids.hpp"
#include "sim/memory.hpp"
#include "sim/op.hpp"
#include "sim/random_chooser.hpp"
#include "sim/ready_queue.hpp"
#include "sim/rng.hpp"
#include "sim/task.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace ipcsim::sim {

class Bus;
struct BusConfig;
class Port;
class Ctx;

enum class RunPolicy : std::uint8_t {
  Fifo,                // run in the order actors became ready; no preemption
  PriorityPreemptive,  // highest priority first; a higher-priority arrival preempts
};
const char* to_string(RunPolicy p);

struct CpuConfig {
  std::string name;
  RunPolicy policy = RunPolicy::Fifo;
  std::size_t memory_bytes = 64 * 1024;
  MemoryCost memory_cost{};
};

class Cpu {
 public:
  CpuId id() const { return id_; }
  ObjectId object_id() const { return object_; }
  std::string_view name() const { return name_; }
  RunPolicy policy() const { return policy_; }
  bool up() const { return up_; }
  std::uint32_t incarnation() const { return incarnation_; }
  Memory& memory() { return *memory_; }
  const Memory& memory() const { return *memory_; }
  std::size_t ready_count() const { return ready_.size(); }
  // Called when the CPU restarts after a crash, to start its actors again.
  void on_boot(std::function<void(Cpu&)> hook) { boot_hooks_.push_back(std::move(hook)); }

 private:
  friend class World;
  explicit Cpu(const CpuConfig& config) : name_(config.name), policy_(config.policy),
                                          ready_(config.policy == RunPolicy::PriorityPreemptive) {}
  CpuId id_ = kNoCpu;
  ObjectId object_ = kNoObject;
  std::string name_;
  RunPolicy policy_;
  bool up_ = true;
  bool listed_ = false;  // in World::runnable_
  std::uint32_t incarnation_ = 1;
  Memory* memory_ = nullptr;
  Actor* current_ = nullptr;  // the actor holding this CPU
  ReadyQueue ready_;
  std::vector<std::function<void(Cpu&)>> boot_hooks_;
};

struct SpawnOptions {
  int priority = 0;        // higher runs first on a PriorityPreemptive CPU (0..255 is usual)
  bool daemon = false;     // may stay blocked forever without that being a deadlock
  bool may_block = true;   // false: an interrupt handler; blocking is a usage error
};

struct WorldConfig {
  std::uint64_t seed = 1;
  std::uint32_t max_faults = UINT32_MAX;  // fault budget: fault points stop asking once spent
};

struct RunLimits {
  Instant horizon = kTimeNever;       // no event after this instant is fired
  std::uint64_t max_steps = UINT64_MAX;
};

enum class RunOutcome : std::uint8_t {
  Quiescent,  // nothing left to do: every actor finished or is a blocked daemon
  Deadlock,   // live actors blocked, no event pending (see RunResult::deadlock)
  Horizon,    // the time limit was reached
  StepLimit,  // the step limit was reached
  Stopped,    // an observer called stop()
};
const char* to_string(RunOutcome o);

struct BlockedActor {
  ActorId actor = kNoActor;
  std::string name;
  CpuId cpu = kNoCpu;
  ObjectId object = kNoObject;  // what it waits on (kNoObject for a join)
  std::string op;               // "lock mutex 'm2'"
  std::vector<ActorId> waits_for;
};

struct DeadlockReport {
  std::vector<BlockedActor> blocked;  // every blocked non-daemon actor, by id
  std::vector<ActorId> cycle;         // a wait-for cycle, if there is one
  std::string text;                   // the human-readable report
};

struct RunResult {
  RunOutcome outcome = RunOutcome::Quiescent;
  Instant end_time{};
  std::uint64_t steps = 0;
  std::uint64_t events = 0;
  std::uint64_t choices = 0;
  std::uint64_t faults = 0;
  // Fault points that were not asked because the run had spent its fault
  // budget (WorldConfig::max_faults): alternatives a search did not explore.
  std::uint64_t faults_unasked = 0;
  std::optional<DeadlockReport> deadlock;
  std::string stop_reason;
};

class World {
 public:
  explicit World(WorldConfig config = {});
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // ---- The machine -------------------------------------------------------
  Cpu& add_cpu(CpuConfig config);
  Memory& add_shared_region(std::string name, std::size_t bytes, const std::vector<CpuId>& cpus,
                            MemoryCost cost = {});
  Bus& add_bus(BusConfig config);
  Port& add_port(Cpu& cpu, std::string name, std::uint32_t capacity = 1024);
  Cpu& cpu(CpuId id);
  std::size_t cpu_count() const { return cpus_.size(); }
  Bus& bus(std::size_t index);
  std::size_t bus_count() const { return buses_.size(); }

  // ---- Actors ------------------------------------------------------------
  // Starts `body(ctx)` as a new actor on `cpu`; it first runs when chosen. A
  // lambda with captures is kept alive until the actor ends.
  template <class F>
  ActorRef spawn(Cpu& cpu, std::string name, F&& body, SpawnOptions options = {});
  bool alive(ActorRef ref) const;
  ActorState state(ActorRef ref) const;
  const Actor* find(ActorRef ref) const;
  // The live actor with this name and the lowest id, if any.
  ActorRef find_by_name(std::string_view name) const;
  std::size_t live_actor_count() const { return live_actors_; }
  // The actor with this id has ended (finished, killed or crashed). False for
  // a live actor and for an id never given out.
  bool actor_ended(ActorId id) const { return id < actor_ends_.size() && actor_ends_[id] != ActorEnd::Live; }

  // ---- Faults (direct; FaultPlan passes them through the chooser first) ----
  void kill(ActorRef ref, std::string_view reason = "killed");
  void crash(Cpu& cpu);
  void restart(Cpu& cpu);
  // Asks the chooser whether a fault fires here (probability ppm), within the
  // fault budget. No choice is recorded when ppm is 0 or the budget is spent.
  // Inline: most fault points are off (ppm 0), and a bus asks three per message.
  bool fault_point(ChoiceKind kind, std::uint32_t ppm) {
    IPCSIM_ASSERT(is_fault(kind));
    return ppm != 0 && ask_fault(kind, ppm);
  }

  // ---- Time and events -----------------------------------------------------
  Instant now() const { return at_ns(now_ns_); }
  void at(Instant time, EventFn fn, void* ctx, std::uint64_t arg, bool daemon = false) {
    IPCSIM_ASSERT_MSG(to_ns(time) >= now_ns_, "an event in the past");
    queue_.push(time, fn, ctx, arg, daemon);
    if (!daemon) ++live_events_;
  }
  // Convenience for set-up code and tests (allocates; not for hot paths).
  void at(Instant time, std::function<void()> fn, bool daemon = false);

  // ---- Choices -------------------------------------------------------------
  // Replaces the seeded random chooser (not owned; must outlive run()).
  void set_chooser(Chooser& chooser) { chooser_ = &chooser; }
  [[gnu::noinline]] std::uint32_t choose(ChoiceKind kind, std::uint32_t n, std::uint32_t ppm = 0);
  const ChoiceList& choices() const { return choices_; }
  // Workload randomness (message sizes, ...), independent of the chooser's stream.
  // A draw inside a step is a write of kWorldRngKey: steps that draw depend on
  // each other's order. Actors that should stay independent draw their values
  // at set-up instead, or keep a generator of their own seeded from seed().
  Rng& rng() {
    touch(kWorldRngKey, AccessMode::Write);
    return rng_;
  }
  std::uint64_t seed() const { return config_.seed; }

  // ---- Observation ---------------------------------------------------------
  // Attach observers before building the machine: they see every record from
  // the first object declaration on.
  void attach(Observer& observer);
  bool tracing() const { return !observers_.empty(); }
  // noinline, here and on choose, ask_fault, preempt, relist and emit_record:
  // a message's hot entry points are flattened (Bus::SendOp::apply,
  // Port::RecvOpBase::apply, Bus::land), and these rarely taken paths stay calls.
  [[gnu::noinline]] void emit(std::string_view kind, ObjectId object, std::initializer_list<Field> fields = {});
  // A record about another actor than the one stepping (a wake-up, a hand-off).
  [[gnu::noinline]] void emit_for(const Actor& actor, std::string_view kind, ObjectId object,
                                  std::initializer_list<Field> fields = {});
  // Records an access of the current step (no-op unless an observer wants footprints).
  void touch(std::uint64_t object, AccessMode mode, std::uint64_t lo = 0, std::uint64_t hi = 0) {
    if (recording_footprints_ && current_ != nullptr) footprint_.push_back(Access{object, mode, lo, hi});
  }

  // ---- Running -------------------------------------------------------------
  RunResult run(RunLimits limits = {});
  // Ends the run after the current step or event (a monitor saw a violation).
  void stop(std::string reason);
  // Destroys every actor (frames included) without trace records. Call it
  // before destroying objects that actors' frames refer to, when those objects
  // do not outlive the World; the destructor does the same.
  void shutdown();
  std::uint64_t steps() const { return steps_; }
  // Called when run() ends, whatever the outcome, before the sim.end record
  // (not when it ends by an exception): a mechanism may record what its memory
  // still holds, an observation monitors compare with their own books. The
  // returned handle removes it (an object that dies before the World must).
  std::uint64_t add_end_hook(std::function<void()> hook);
  void remove_end_hook(std::uint64_t handle);

  // ---- Object registry -----------------------------------------------------
  ObjectId register_object(std::string_view type, std::string name);
  std::string_view object_name(ObjectId id) const;
  std::string_view object_type(ObjectId id) const;
  // For Waitable's constructor and destructor: the objects state_digest() asks.
  void register_waitable(const Waitable& w);
  void forget_waitable(const Waitable& w);

  // ---- The final state ---------------------------------------------------------
  // A digest of the whole simulated state (world_digest.cpp): every memory's
  // bytes (each CPU's nonshared memory, every shared region), every kernel
  // object's state (Waitable::digest, and its waiters by actor id), every CPU
  // (up, incarnation, holder) and every actor (live: its CPU, priority, state
  // and what it waits on; ended: finished, killed or crashed). Not time, ids of
  // trace records, or anything a run's history left only in the trace. Two runs
  // that reach the same state have the same digest; "distinct final states" of
  // a search count these.
  std::uint64_t state_digest() const;

  // ---- Kernel interface for primitives (sim/*.cpp, impl/) ----------------------
  Actor* current_actor() const { return current_; }
  // The stepping actor; a UsageError naming `what` when called outside a step.
  Actor& require_actor(std::string_view what) {
    if (current_ == nullptr) outside_step(what);
    return *current_;
  }
  // Awaiting an op (OpAwaiter::await_suspend): `op` is the stepping actor's next
  // operation, applied at the start of its next step.
  void announce(std::coroutine_handle<> resume_point, Op& op) {
    Actor& a = require_actor("awaiting a kernel operation");
    IPCSIM_ASSERT(a.pending == nullptr);
    a.resume_point = resume_point;
    a.pending = &op;
  }
  // Marks the run failed and throws UsageError(message).
  [[noreturn]] void usage_error(std::string message);
  // Records a failure found where throwing is impossible (a destructor).
  void fail(std::string message);
  bool failed() const { return !failure_.empty(); }

  void block(Actor& a, Op& op, Waitable* on, WaitQueue& queue, std::optional<Duration> timeout);
  void block_on_join(Actor& a, Op& op, Actor& target, std::optional<Duration> timeout);
  void wake(Actor& a, WaitStatus status);
  void sleep_until(Actor& a, Instant until);
  void compute(Actor& a, Duration d);
  void yield(Actor& a);
  void charge(Actor& a, Duration cost) { a.debt += cost; }
  void set_priority(Actor& a, int priority);
  std::string describe_actor(const Actor& a) const;  // "'ping' (#1 on cpu0)"
  // The same for an actor known by its id only (an owner recorded somewhere):
  // "#7 (no longer in the world)" when its slot went to another actor.
  std::string describe_actor(ActorId id) const;
  // Message ids and flow ids (trace.hpp): both name hand-offs, unique in a
  // run. In a step they come from the stepping actor: its id times 10^9, plus
  // how many it drew, this one included (actor 2's third id: 2000000003). One
  // counter for the whole
  // World would be a hidden shared variable: two steps that commute (sends by
  // two actors to two ports) would draw different ids in the two orders, and
  // equivalent runs would end in different states (ids are data: a port holds
  // them, a receiver reads them). Outside steps (an event: a device raising an
  // interrupt) they come from the kernel's own counter, 1, 2, ..., in the
  // order events fire; a bus duplicate keeps its message's id. The overload
  // draws for a given actor (a blocked sender whose message an event sends).
  std::uint64_t new_message_id() { return new_id(current_); }
  std::uint64_t new_message_id(Actor& drawer) { return new_id(&drawer); }
  std::uint64_t new_flow_id() { return new_id(current_); }

 private:
  friend class Ctx;
  struct Candidates;

  struct ObjectInfo {
    std::string type;
    std::string name;
  };

  [[gnu::noinline]] bool ask_fault(ChoiceKind kind, std::uint32_t ppm);
  [[noreturn]] void outside_step(std::string_view what);
  Actor& new_actor(Cpu& cpu, std::string name, const SpawnOptions& options);
  void start_actor(Actor& a, Task<> body);
  void step(Actor& a);
  // Picks the actor that takes the next step (asking the chooser when several can).
  Actor& dispatch();
  bool steps_again(const Actor& a, const RunLimits& limits) const;
  void finish(Actor& a);
  void destroy(Actor& a, std::string_view reason);
  void release_slot(Actor& a);
  void wake_joiners(Actor& a, WaitStatus status);
  void make_ready(Actor& a);
  void release_cpu(Actor& a);
  // Inline, with refresh's common case (nothing to change): every step asks them.
  bool preempt_due(const Cpu& c) const {
    return c.policy_ == RunPolicy::PriorityPreemptive && c.current_ != nullptr && !c.ready_.empty() &&
           c.ready_.top_priority() > c.current_->priority;
  }
  [[gnu::noinline]] void preempt(Cpu& c);
  void refresh(Cpu& c) {
    const bool want = candidate_count(c) > 0;
    if (want == c.listed_) return;
    // relist's common cases without a call: the last CPU by id comes or goes
    // (runnable_ has room for every CPU, add_cpu reserves it).
    if (want ? runnable_.empty() || runnable_.back()->id_ < c.id_ : runnable_.back() == &c) {
      c.listed_ = want;
      if (want) {
        runnable_.push_back(&c);
      } else {
        runnable_.pop_back();
      }
      return;
    }
    relist(c);
  }
  [[gnu::noinline]] void relist(Cpu& c);
  std::uint32_t candidate_count(const Cpu& c) const {
    if (!c.up_) return 0;
    if (c.current_ != nullptr) return c.current_->state == ActorState::Running ? 1 : 0;
    return c.ready_.head_group();
  }
  [[gnu::noinline]] void emit_record(const Actor* actor, CpuId cpu, std::string_view kind, ObjectId object,
                   std::span<const Field> fields);
  void end_step(Actor& a);
  DeadlockReport deadlock_report() const;
  void check_failure() const;
  Actor* actor_in_slot(std::uint64_t arg, bool* stale);
  std::uint64_t new_id(Actor* drawer);
  // The argument of an actor's timer events: its slot and wake generation
  // (bumping wake_gen cancels them).
  static std::uint64_t timer_arg(const Actor& a) { return (static_cast<std::uint64_t>(a.slot) << 32) | a.wake_gen; }

  static void on_timer(World& w, void* ctx, std::uint64_t arg);
  static void on_compute_done(World& w, void* ctx, std::uint64_t arg);
  static void on_timeout(World& w, void* ctx, std::uint64_t arg);
  static void on_function(World& w, void* ctx, std::uint64_t arg);

  WorldConfig config_;
  Rng rng_;
  RandomChooser default_chooser_;
  Chooser* chooser_;
  EventQueue queue_;
  std::int64_t now_ns_ = 0;
  std::uint64_t live_events_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t steps_ = 0;
  std::uint64_t faults_ = 0;
  std::uint64_t faults_unasked_ = 0;
  std::uint64_t kernel_ids_ = 0;  // ids drawn outside steps
  ChoiceList choices_;

  std::deque<Cpu> cpus_;
  std::deque<Memory> memories_;
  std::deque<std::unique_ptr<Bus>> buses_;
  std::deque<std::unique_ptr<Port>> ports_;
  std::vector<Cpu*> runnable_;  // CPUs with a candidate, by id

  std::deque<Actor> actors_;  // slots; addresses are stable
  std::vector<std::uint32_t> free_slots_;
  ActorId next_actor_id_ = 1;
  std::size_t live_actors_ = 0;
  Actor* current_ = nullptr;

  std::vector<ObjectInfo> objects_;  // index = ObjectId; 0 unused
  std::vector<const Waitable*> waitables_;  // index = ObjectId; null for other objects
  // How each actor ended, by ActorId (state_digest): its slot forgets it.
  enum class ActorEnd : std::uint8_t { Live, Finished, Killed, Crashed };
  std::vector<ActorEnd> actor_ends_;
  void record_end(const Actor& a, ActorEnd end);
  std::vector<Observer*> observers_;
  std::vector<std::pair<std::uint64_t, std::function<void()>>> end_hooks_;  // by handle, in order added
  std::uint64_t end_hooks_added_ = 0;
  bool recording_footprints_ = false;
  std::vector<Access> footprint_;
  std::uint64_t record_seq_ = 0;

  std::vector<std::unique_ptr<std::function<void()>>> functions_;
  std::string failure_;
  std::string stop_reason_;
  bool stop_requested_ = false;
  bool running_ = false;
};

// What an actor's code sees of the kernel: its identity and the waits that are
// not tied to an object (sleep, compute, yield, join, kill).
class Ctx {
 public:
  Ctx(World& world, Actor& actor) : world_(&world), actor_(&actor), id_(actor.id) {}

  World& world() const { return *world_; }
  Cpu& cpu() const { return *actor_->cpu; }
  ActorId id() const { return id_; }
  ActorRef self() const { return actor_->ref(); }
  std::string_view name() const { return actor_->name; }
  int priority() const { return actor_->priority; }
  Instant now() const { return world_->now(); }

  // Releases the CPU for `d` of simulated time.
  [[nodiscard]] auto sleep(Duration d);
  [[nodiscard]] auto sleep_until(Instant t);
  // Holds the CPU for `d` (preemptible on a PriorityPreemptive CPU).
  [[nodiscard]] auto compute(Duration d);
  // Goes behind the actors that are ready on this CPU.
  [[nodiscard]] auto yield();
  // Waits for another actor to end.
  [[nodiscard]] auto join(ActorRef target, std::optional<Duration> timeout = std::nullopt);
  // Ends another actor (never itself: return instead).
  [[nodiscard]] auto kill(ActorRef target);
  // Changes this actor's priority at once (priority-pass exchanges).
  void set_priority(int priority) { world_->set_priority(*actor_, priority); }

  template <class F>
  ActorRef spawn(Cpu& cpu, std::string name, F&& body, SpawnOptions options = {}) {
    return world_->spawn(cpu, std::move(name), std::forward<F>(body), options);
  }

 private:
  World* world_;
  Actor* actor_;
  ActorId id_;
};

enum class JoinResult : std::uint8_t { Finished, Killed, Timeout };

namespace ops {

class [[nodiscard]] Sleep final : public OpAwaiter<Sleep> {
 public:
  Sleep(World& w, Instant until) : OpAwaiter(w), until_(until) {}
  void apply(World& w, Actor& self) override { w.sleep_until(self, until_); }
  std::string describe(const World&) const override { return "sleep"; }
  void result() {}

 private:
  Instant until_;
};

class [[nodiscard]] Compute final : public OpAwaiter<Compute> {
 public:
  Compute(World& w, Duration d) : OpAwaiter(w), d_(d) {}
  void apply(World& w, Actor& self) override { w.compute(self, d_); }
  std::string describe(const World&) const override { return "compute"; }
  void result() {}

 private:
  Duration d_;
};

class [[nodiscard]] Yield final : public OpAwaiter<Yield> {
 public:
  explicit Yield(World& w) : OpAwaiter(w) {}
  void apply(World& w, Actor& self) override { w.yield(self); }
  std::string describe(const World&) const override { return "yield"; }
  void result() {}
};

class [[nodiscard]] Join final : public OpAwaiter<Join> {
 public:
  Join(World& w, ActorRef target, std::optional<Duration> timeout)
      : OpAwaiter(w), target_(target), timeout_(timeout) {}
  void apply(World& w, Actor& self) override;
  std::string describe(const World& w) const override;
  JoinResult result() const;

 private:
  ActorRef target_;
  std::optional<Duration> timeout_;
  Actor* self_ = nullptr;
  bool blocked_ = false;
};

class [[nodiscard]] Kill final : public OpAwaiter<Kill> {
 public:
  Kill(World& w, ActorRef target) : OpAwaiter(w), target_(target) {}
  void apply(World& w, Actor& self) override;
  std::string describe(const World&) const override { return "kill"; }
  bool result() const { return was_alive_; }

 private:
  ActorRef target_;
  bool was_alive_ = false;
};

}  // namespace ops

inline auto Ctx::sleep(Duration d) { return ops::Sleep(*world_, world_->now() + d); }
inline auto Ctx::sleep_until(Instant t) { return ops::Sleep(*world_, t); }
inline auto Ctx::compute(Duration d) { return ops::Compute(*world_, d); }
inline auto Ctx::yield() { return ops::Yield(*world_); }
inline auto Ctx::join(ActorRef target, std::optional<Duration> timeout) { return ops::Join(*world_, target, timeout); }
inline auto Ctx::kill(ActorRef target) { return ops::Kill(*world_, target); }

namespace detail {
template <class F>
struct Holder final : BodyHolder {
  explicit Holder(F f) : fn(std::move(f)) {}
  F fn;
};
}  // namespace detail

template <class F>
ActorRef World::spawn(Cpu& cpu, std::string name, F&& body, SpawnOptions options) {
  using Fn = std::decay_t<F>;
  static_assert(std::is_invocable_r_v<Task<>, Fn&, Ctx>, "an actor body is callable as Task<>(Ctx)");
  Actor& a = new_actor(cpu, std::move(name), options);
  Ctx cx(*this, a);
  if constexpr (std::is_empty_v<Fn> && std::is_default_constructible_v<Fn>) {
    // A captureless lambda or function object: one static instance serves every
    // actor, so a million actors carry no per-actor copy of it.
    static Fn shared_body{};
    start_actor(a, shared_body(cx));
  } else {
    auto holder = std::make_unique<detail::Holder<Fn>>(std::forward<F>(body));
    Task<> task = holder->fn(cx);
    a.holder = std::move(holder);
    start_actor(a, std::move(task));
  }
  return a.ref();
}

}  // namespace ipcsim::sim

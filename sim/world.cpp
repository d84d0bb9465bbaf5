// The World's core: the machine, the object registry, observation, events,
// choices and the run loop. Actors' lives are in world_actors.cpp, CPUs and
// waiting in world_scheduling.cpp.
#include "sim/world.hpp"

#include <algorithm>

#include "sim/bus.hpp"
#include "sim/port.hpp"

namespace ipcsim::sim {

const char* to_string(ActorState s) {
  switch (s) {
    case ActorState::Ready: return "ready";
    case ActorState::Running: return "running";
    case ActorState::Busy: return "busy";
    case ActorState::Blocked: return "blocked";
    case ActorState::Sleeping: return "sleeping";
    case ActorState::Done: return "done";
  }
  return "?";
}

const char* to_string(RunPolicy p) {
  return p == RunPolicy::Fifo ? "fifo" : "priority-preemptive";
}

const char* to_string(RunOutcome o) {
  switch (o) {
    case RunOutcome::Quiescent: return "quiescent";
    case RunOutcome::Deadlock: return "deadlock";
    case RunOutcome::Horizon: return "horizon";
    case RunOutcome::StepLimit: return "step-limit";
    case RunOutcome::Stopped: return "stopped";
  }
  return "?";
}

// The chooser's view of a Schedule decision: candidate i, counted over the
// runnable CPUs in id order, then within a CPU's head group.
struct World::Candidates final : CandidateSource {
  explicit Candidates(const World& w) : world(w) {}
  Candidate candidate(std::uint32_t index) const override {
    for (const Cpu* c : world.runnable_) {
      const std::uint32_t k = world.candidate_count(*c);
      if (index < k) {
        const Actor* a = c->current_ != nullptr ? c->current_ : c->ready_.at(index);
        return Candidate{a->id, c->id_, a->priority};
      }
      index -= k;
    }
    IPCSIM_ASSERT_MSG(false, "candidate index out of range");
  }
  const World& world;
};

World::World(WorldConfig config)
    : config_(config),
      rng_(config.seed),
      // The chooser draws from its own stream, so that replaying with another
      // chooser leaves the workload's random numbers unchanged.
      default_chooser_(config.seed ^ 0xc4ceb9fe1a85ec53ULL),
      chooser_(&default_chooser_) {
  objects_.push_back(ObjectInfo{"none", ""});  // ObjectId 0 is "no object"
}

World::~World() {
  shutdown();
  // Ports and buses are Waitables, which leave the registry (waitables_) as
  // they go: destroy them while it is still there.
  ports_.clear();
  buses_.clear();
}

void World::shutdown() {
  // Unlink first, so no primitive is left pointing at an actor; then destroy the
  // frames while the World is still whole (their destructors may reach back).
  for (Actor& a : actors_) {
    if (!a.live()) continue;
    if (a.wq != nullptr) a.wq->remove(a);
    if (a.state == ActorState::Ready) a.cpu->ready_.remove(a);
    if (a.cpu->current_ == &a) a.cpu->current_ = nullptr;
    while (Actor* j = a.joiners.pop_front()) (void)j;
  }
  for (Actor& a : actors_) {
    if (a.live()) release_slot(a);
  }
  runnable_.clear();
  for (Cpu& c : cpus_) c.listed_ = false;
}

// ---- The machine -------------------------------------------------------------

Cpu& World::add_cpu(CpuConfig config) {
  IPCSIM_ASSERT(!running_);
  if (config.name.empty()) config.name = "cpu" + std::to_string(cpus_.size());
  Cpu& c = cpus_.emplace_back(Cpu(config));
  c.id_ = static_cast<CpuId>(cpus_.size() - 1);
  c.object_ = register_object("cpu", config.name);
  runnable_.reserve(cpus_.size());
  if (tracing()) {
    emit_record(nullptr, c.id_, "cpu.config", c.object_,
                std::initializer_list<Field>{{"policy", to_string(c.policy_)}, {"memory_bytes", config.memory_bytes}});
  }
  const ObjectId mem_id = register_object("memory", config.name + ".mem");
  c.memory_ = &memories_.emplace_back(*this, mem_id, config.name + ".mem", config.memory_bytes, config.memory_cost,
                                      false, std::vector<CpuId>{c.id_});
  return c;
}

Memory& World::add_shared_region(std::string name, std::size_t bytes, const std::vector<CpuId>& cpus,
                                 MemoryCost cost) {
  for (CpuId id : cpus) IPCSIM_ASSERT_MSG(id < cpus_.size(), "shared region mapped into an unknown CPU");
  const ObjectId id = register_object("shared_region", name);
  if (tracing()) {
    std::string mapped;
    for (CpuId c : cpus) mapped += (mapped.empty() ? "" : " ") + std::to_string(c);
    emit_record(nullptr, kNoCpu, "mem.map", id, std::initializer_list<Field>{{"cpus", mapped}, {"bytes", bytes}});
  }
  return memories_.emplace_back(*this, id, std::move(name), bytes, cost, true, cpus);
}

Bus& World::add_bus(BusConfig config) {
  for (CpuId id : config.cpus) IPCSIM_ASSERT_MSG(id < cpus_.size(), "bus connects an unknown CPU");
  buses_.push_back(std::make_unique<Bus>(*this, std::move(config)));
  return *buses_.back();
}

Port& World::add_port(Cpu& cpu, std::string name, std::uint32_t capacity) {
  ports_.push_back(std::make_unique<Port>(*this, cpu, std::move(name), capacity));
  return *ports_.back();
}

Cpu& World::cpu(CpuId id) {
  IPCSIM_ASSERT(id < cpus_.size());
  return cpus_[id];
}

Bus& World::bus(std::size_t index) {
  IPCSIM_ASSERT(index < buses_.size());
  return *buses_[index];
}

// ---- Object registry -----------------------------------------------------------

ObjectId World::register_object(std::string_view type, std::string name) {
  const auto id = static_cast<ObjectId>(objects_.size());
  objects_.push_back(ObjectInfo{std::string(type), std::move(name)});
  if (tracing()) {
    const ObjectInfo& info = objects_.back();
    emit_record(nullptr, kNoCpu, "sim.object", id, std::initializer_list<Field>{{"type", info.type}, {"name", info.name}});
  }
  return id;
}

std::string_view World::object_name(ObjectId id) const {
  IPCSIM_ASSERT(id < objects_.size());
  return objects_[id].name;
}

std::string_view World::object_type(ObjectId id) const {
  IPCSIM_ASSERT(id < objects_.size());
  return objects_[id].type;
}

std::uint64_t World::new_id(Actor* drawer) {
  if (drawer == nullptr) {
    IPCSIM_ASSERT_MSG(kernel_ids_ < UINT32_MAX, "more than 2^32 ids drawn outside steps");
    return ++kernel_ids_;
  }
  // Decimal, so that people can read an id (2000000003: actor 2's third);
  // below 2^53 for 9 million actors, so that JavaScript viewers read it exactly.
  constexpr std::uint64_t kPerActor = 1'000'000'000;
  IPCSIM_ASSERT_MSG(drawer->ids_drawn + 1 < kPerActor, "an actor drew a billion message or flow ids");
  IPCSIM_ASSERT_MSG(drawer->id < UINT64_MAX / kPerActor, "actor id too large for message ids");
  return drawer->id * kPerActor + ++drawer->ids_drawn;
}

void World::register_waitable(const Waitable& w) {
  IPCSIM_ASSERT(w.id() < objects_.size());
  if (waitables_.size() <= w.id()) waitables_.resize(w.id() + 1, nullptr);
  waitables_[w.id()] = &w;
}

void World::forget_waitable(const Waitable& w) {
  if (w.id() < waitables_.size() && waitables_[w.id()] == &w) waitables_[w.id()] = nullptr;
}

// ---- Observation -----------------------------------------------------------------

void World::attach(Observer& observer) {
  observers_.push_back(&observer);
  recording_footprints_ = recording_footprints_ || observer.wants_footprints();
}

void World::emit_record(const Actor* actor, CpuId cpu, std::string_view kind, ObjectId object,
                        std::span<const Field> fields) {
  // A field named like a record key would make a JSON object with a repeated
  // key, which most readers resolve by silently dropping one.
  for (const Field& f : fields) {
    IPCSIM_ASSERT_MSG(f.key != "seq" && f.key != "t" && f.key != "cpu" && f.key != "actor" && f.key != "kind" &&
                          f.key != "obj",
                      "a trace field reuses a record key");
  }
  TraceRecord r;
  r.seq = record_seq_++;
  r.time = now();
  r.cpu = cpu;
  r.actor = actor != nullptr ? actor->id : kNoActor;
  r.kind = kind;
  r.object = object;
  r.fields = fields;
  for (Observer* o : observers_) o->on_record(r);
}

void World::emit(std::string_view kind, ObjectId object, std::initializer_list<Field> fields) {
  if (!tracing()) return;
  emit_record(current_, current_ != nullptr ? current_->cpu->id_ : kNoCpu, kind, object,
              std::span<const Field>(fields.begin(), fields.size()));
}

void World::emit_for(const Actor& actor, std::string_view kind, ObjectId object, std::initializer_list<Field> fields) {
  if (!tracing()) return;
  emit_record(&actor, actor.cpu->id_, kind, object, std::span<const Field>(fields.begin(), fields.size()));
}

// ---- Errors ------------------------------------------------------------------------

void World::outside_step(std::string_view what) { usage_error(std::string(what) + " outside an actor's step"); }

void World::usage_error(std::string message) {
  fail(message);
  throw UsageError(message);
}

void World::fail(std::string message) {
  if (failure_.empty()) failure_ = std::move(message);
}

void World::check_failure() const {
  if (!failure_.empty()) throw UsageError(failure_);
}

std::string World::describe_actor(const Actor& a) const {
  return "'" + a.name + "' (#" + std::to_string(a.id) + " on " + std::string(a.cpu->name_) + ")";
}

std::string World::describe_actor(ActorId id) const {
  // Error paths only: a scan of the slots is cheap enough there.
  for (const Actor& a : actors_) {
    if (a.id == id && a.cpu != nullptr) return describe_actor(a);
  }
  return "#" + std::to_string(id) + " (no longer in the world)";
}

// ---- Events ------------------------------------------------------------------------

void World::on_function(World&, void* ctx, std::uint64_t) { (*static_cast<std::function<void()>*>(ctx))(); }

void World::at(Instant time, std::function<void()> fn, bool daemon) {
  functions_.push_back(std::make_unique<std::function<void()>>(std::move(fn)));
  at(time, &World::on_function, functions_.back().get(), 0, daemon);
}

Actor* World::actor_in_slot(std::uint64_t arg, bool* stale) {
  const auto slot = static_cast<std::uint32_t>(arg >> 32);
  const auto gen = static_cast<std::uint32_t>(arg);
  IPCSIM_ASSERT(slot < actors_.size());
  Actor& a = actors_[slot];
  *stale = !a.live() || a.wake_gen != gen;
  return &a;
}

void World::on_timer(World& w, void*, std::uint64_t arg) {
  bool stale = false;
  Actor* a = w.actor_in_slot(arg, &stale);
  if (stale || a->state != ActorState::Sleeping) return;
  ++a->wake_gen;
  w.make_ready(*a);
}

void World::on_compute_done(World& w, void*, std::uint64_t arg) {
  bool stale = false;
  Actor* a = w.actor_in_slot(arg, &stale);
  if (stale || a->state != ActorState::Busy) return;
  IPCSIM_ASSERT(a->cpu->current_ == a);
  ++a->wake_gen;
  a->state = ActorState::Running;
  w.refresh(*a->cpu);
}

void World::on_timeout(World& w, void*, std::uint64_t arg) {
  bool stale = false;
  Actor* a = w.actor_in_slot(arg, &stale);
  if (stale || a->state != ActorState::Blocked) return;
  w.emit_for(*a, "sim.timeout", a->blocked_on != nullptr ? a->blocked_on->id() : kNoObject);
  w.wake(*a, WaitStatus::Timeout);
}

// ---- Choices -------------------------------------------------------------------------

std::uint32_t World::choose(ChoiceKind kind, std::uint32_t n, std::uint32_t ppm) {
  IPCSIM_ASSERT(n >= 2);
  Candidates view(*this);
  ChoicePoint point{kind, n, ppm, choices_.size(), kind == ChoiceKind::Schedule ? &view : nullptr};
  const std::uint32_t value = chooser_->choose(point);
  IPCSIM_ASSERT_MSG(value < n, "chooser answered out of range");
  choices_.push_back(ChoiceRecord{kind, n, value});
  for (Observer* o : observers_) o->on_choice(point, value);
  return value;
}

bool World::ask_fault(ChoiceKind kind, std::uint32_t ppm) {
  if (faults_ >= config_.max_faults) {
    ++faults_unasked_;
    return false;
  }
  const bool fire = choose(kind, 2, ppm) == 1;
  if (fire) ++faults_;
  return fire;
}

// ---- The run loop ---------------------------------------------------------------------------------

std::uint64_t World::add_end_hook(std::function<void()> hook) {
  end_hooks_.emplace_back(++end_hooks_added_, std::move(hook));
  return end_hooks_added_;
}

void World::remove_end_hook(std::uint64_t handle) {
  std::erase_if(end_hooks_, [handle](const auto& h) { return h.first == handle; });
}

void World::stop(std::string reason) {
  if (!stop_requested_) stop_reason_ = std::move(reason);
  stop_requested_ = true;
}

void World::end_step(Actor& a) {
  Cpu& c = *a.cpu;
  if (a.live() && c.current_ == &a) {
    if (a.state == ActorState::Running && a.debt > Duration{0}) {
      // Charge the step's memory accesses as CPU time before the next op.
      const Duration d = a.debt;
      a.debt = Duration{0};
      a.state = ActorState::Busy;
      a.busy_until = now() + d;
      at(a.busy_until, &World::on_compute_done, nullptr, timer_arg(a));
    }
    if (preempt_due(c)) {
      preempt(c);
    } else if (a.state == ActorState::Running) {
      // Still running on c, its one candidate: every change of a CPU's
      // candidates refreshes it, so c is listed and there is nothing to do.
      IPCSIM_ASSERT(c.listed_);
      return;
    }
  }
  refresh(c);
}

// step, dispatch and steps_again are inlined into run(), their only caller:
// left to the optimiser's judgement, step stayed a call (it is big) and a
// message cost about 45 instructions more.
// `a` holds its CPU, running: dispatch asserts it, steps_again checks it.
[[gnu::always_inline]] inline void World::step(Actor& a) {
  current_ = &a;
  if (recording_footprints_) footprint_.clear();  // else it stays empty (touch)
  touch(actor_key(a.id), AccessMode::Read);
  const std::uint64_t index = steps_++;
  Cpu& c = *a.cpu;
  if (a.remaining > Duration{0}) {
    // Back from preemption in the middle of a compute: finish it first.
    a.state = ActorState::Busy;
    a.busy_until = now() + a.remaining;
    a.remaining = Duration{0};
    at(a.busy_until, &World::on_compute_done, nullptr, timer_arg(a));
  } else {
    if (Op* op = std::exchange(a.pending, nullptr)) op->apply(*this, a);
    if (a.state == ActorState::Running && !preempt_due(c)) {
      a.resume_point.resume();
      if (a.root.done()) {
        current_ = nullptr;
        finish(a);
      } else {
        IPCSIM_ASSERT_MSG(a.pending != nullptr, "an actor suspended without announcing an op");
      }
    }
  }
  current_ = nullptr;
  const CpuId cpu_id = c.id_;
  const ActorId actor_id = a.id;
  if (a.live()) end_step(a);
  if (!observers_.empty()) {
    StepInfo info{index, now(), cpu_id, actor_id, std::span<const Access>(footprint_)};
    for (Observer* o : observers_) o->on_step(info);
  }
}

[[gnu::always_inline]] inline Actor& World::dispatch() {
  Cpu* c = nullptr;
  std::uint32_t pick = 0;
  if (runnable_.size() == 1 && candidate_count(*runnable_.front()) == 1) {
    // One candidate in the whole machine, the common case: no choice to make.
    c = runnable_.front();
  } else {
    std::uint32_t total = 0;
    for (const Cpu* r : runnable_) total += candidate_count(*r);
    IPCSIM_ASSERT(total > 0);
    pick = total > 1 ? choose(ChoiceKind::Schedule, total) : 0;
    for (Cpu* r : runnable_) {
      const std::uint32_t k = candidate_count(*r);
      if (pick < k) {
        c = r;
        break;
      }
      pick -= k;
    }
    IPCSIM_ASSERT_MSG(c != nullptr, "schedule pick out of range");
  }
  Actor* a = c->current_;
  if (a == nullptr) {
    a = c->ready_.take(pick);
    c->current_ = a;
    a->state = ActorState::Running;
    if (tracing()) emit_record(a, c->id_, "sim.dispatch", kNoObject, {});
  }
  IPCSIM_ASSERT(a->cpu->current_ == a && a->state == ActorState::Running);
  return *a;
}

// What the run loop would do next after a step of `a`, when that is another
// step of `a`: no event is due, nothing asked to stop, the step limit is not
// reached, and `a` still holds its CPU, running, as the only candidate in the
// machine (so dispatch would pick it without a choice). An actor's steps
// between two waits (apply a send, run to the receive; apply the receive)
// then follow each other without a trip through the loop, and the run is the
// same step for step: same records, choices and step numbers.
[[gnu::always_inline]] inline bool World::steps_again(const Actor& a, const RunLimits& limits) const {
  // Its CPU is up: a crash destroys the CPU's actors, and no step crashes its own CPU.
  return a.state == ActorState::Running && a.cpu->current_ == &a && runnable_.size() == 1 && !stop_requested_ &&
         steps_ < limits.max_steps && (queue_.empty() || queue_.top().time_ns > now_ns_);
}

RunResult World::run(RunLimits limits) {
  IPCSIM_ASSERT_MSG(!running_, "World::run is not reentrant");
  check_failure();
  running_ = true;
  RunResult result;
  try {
    for (;;) {
      while (!queue_.empty() && queue_.top().time_ns <= now_ns_) {
        const QueuedEvent e = queue_.pop();
        if (!e.daemon()) --live_events_;
        ++events_;
        e.fn(*this, e.ctx, e.arg);
        check_failure();
        if (stop_requested_) break;
      }
      if (stop_requested_) {
        result.outcome = RunOutcome::Stopped;
        break;
      }
      if (!runnable_.empty()) {
        if (steps_ >= limits.max_steps) {
          result.outcome = RunOutcome::StepLimit;
          break;
        }
        Actor& a = dispatch();
        do {
          step(a);
          check_failure();
        } while (steps_again(a, limits));
        continue;
      }
      if (live_events_ == 0) {
        bool blocked = false;
        for (const Actor& a : actors_) blocked = blocked || (a.live() && !a.daemon && a.state == ActorState::Blocked);
        if (blocked) {
          result.outcome = RunOutcome::Deadlock;
          result.deadlock = deadlock_report();
          if (tracing()) {
            std::string cycle;
            for (ActorId id : result.deadlock->cycle) cycle += (cycle.empty() ? "" : " ") + std::to_string(id);
            emit_record(nullptr, kNoCpu, "sim.deadlock", kNoObject,
                        std::initializer_list<Field>{{"cycle", cycle}, {"report", result.deadlock->text}});
          }
        } else {
          result.outcome = RunOutcome::Quiescent;
        }
        break;
      }
      const std::int64_t next = queue_.top().time_ns;
      if (next > to_ns(limits.horizon)) {
        now_ns_ = std::max(now_ns_, to_ns(limits.horizon));
        result.outcome = RunOutcome::Horizon;
        break;
      }
      now_ns_ = next;
    }
  } catch (...) {
    running_ = false;
    current_ = nullptr;
    if (failure_.empty()) failure_ = "the run was aborted by an exception";
    throw;
  }
  running_ = false;
  if (stop_requested_) result.stop_reason = stop_reason_;
  result.end_time = now();
  result.steps = steps_;
  result.events = events_;
  result.choices = choices_.size();
  result.faults = faults_;
  result.faults_unasked = faults_unasked_;
  for (const auto& [handle, hook] : end_hooks_) hook();
  if (tracing()) {
    emit_record(nullptr, kNoCpu, "sim.end", kNoObject,
                std::initializer_list<Field>{{"outcome", to_string(result.outcome)}, {"steps", result.steps},
                                             {"events", result.events}, {"choices", result.choices}});
  }
  return result;
}

}  // namespace ipcsim::sim

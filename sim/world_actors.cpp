// The World's actors: creating them, finding them, and ending them (finish,
// kill, crash, restart), with the ops of Ctx that act on another actor.
#include "sim/bus.hpp"
#include "sim/port.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

namespace {
constexpr std::string_view kCrashReason = "crash";  // destroy()'s reason when a CPU crashes
}  // namespace

// ---- Actors ---------------------------------------------------------------------------

Actor& World::new_actor(Cpu& cpu, std::string name, const SpawnOptions& options) {
  if (!cpu.up_) usage_error("spawn of '" + name + "' on " + std::string(cpu.name_) + ", which is down");
  Actor* a = nullptr;
  if (!free_slots_.empty()) {
    a = &actors_[free_slots_.back()];
    free_slots_.pop_back();
  } else {
    a = &actors_.emplace_back();
    a->slot = static_cast<std::uint32_t>(actors_.size() - 1);
  }
  a->id = next_actor_id_++;
  a->name = std::move(name);
  a->cpu = &cpu;
  a->priority = options.priority;
  a->daemon = options.daemon;
  a->may_block = options.may_block;
  a->state = ActorState::Ready;
  a->pending = nullptr;
  a->waiting_op = nullptr;
  a->blocked_on = nullptr;
  a->join_target = {};
  a->remaining = Duration{0};
  a->debt = Duration{0};
  a->ids_drawn = 0;
  ++live_actors_;
  return *a;
}

void World::start_actor(Actor& a, Task<> body) {
  touch(actor_key(a.id), AccessMode::Write);  // a spawn enables the child's first step
  a.root = body.release();
  a.resume_point = a.root;
  if (tracing()) {
    emit_record(&a, a.cpu->id_, "sim.spawn", kNoObject,
                std::initializer_list<Field>{{"name", a.name}, {"prio", a.priority}, {"daemon", a.daemon},
                                             {"parent", current_ != nullptr ? current_->id : kNoActor}});
  }
  make_ready(a);
}

bool World::alive(ActorRef ref) const { return find(ref) != nullptr; }

const Actor* World::find(ActorRef ref) const {
  if (!ref.valid() || ref.slot >= actors_.size()) return nullptr;
  const Actor& a = actors_[ref.slot];
  return a.gen == ref.gen && a.id == ref.id && a.live() ? &a : nullptr;
}

ActorState World::state(ActorRef ref) const {
  const Actor* a = find(ref);
  return a != nullptr ? a->state : ActorState::Done;
}

ActorRef World::find_by_name(std::string_view name) const {
  const Actor* best = nullptr;
  for (const Actor& a : actors_) {
    if (a.live() && a.name == name && (best == nullptr || a.id < best->id)) best = &a;
  }
  return best != nullptr ? best->ref() : ActorRef{};
}

// ---- Ending actors ------------------------------------------------------------------------------

void World::release_slot(Actor& a) {
  if (a.root) a.root.destroy();
  a.root = {};
  a.resume_point = {};
  a.holder.reset();
  a.pending = nullptr;
  a.waiting_op = nullptr;
  a.blocked_on = nullptr;
  ++a.gen;
  ++a.wake_gen;
  a.state = ActorState::Done;
  std::string().swap(a.name);
  --live_actors_;
  free_slots_.push_back(a.slot);
}

void World::record_end(const Actor& a, ActorEnd end) {
  if (actor_ends_.size() <= a.id) actor_ends_.resize(a.id + 1, ActorEnd::Live);
  actor_ends_[a.id] = end;
}

void World::finish(Actor& a) {
  auto& promise = a.root.promise();
  if (promise.error) {
    try {
      std::rethrow_exception(promise.error);
    } catch (const std::exception& e) {
      fail("actor " + describe_actor(a) + " failed: " + e.what());
    } catch (...) {
      fail("actor " + describe_actor(a) + " failed with a non-standard exception");
    }
  }
  if (tracing()) emit_record(&a, a.cpu->id_, "sim.exit", kNoObject, {});
  record_end(a, ActorEnd::Finished);
  a.state = ActorState::Done;
  release_cpu(a);
  wake_joiners(a, WaitStatus::Ok);
  release_slot(a);
}

void World::destroy(Actor& a, std::string_view reason) {
  IPCSIM_ASSERT(a.live());
  IPCSIM_ASSERT(&a != current_);
  Cpu& c = *a.cpu;
  if (a.state == ActorState::Ready) c.ready_.remove(a);
  if (a.wq != nullptr) a.wq->remove(a);
  if (c.current_ == &a) c.current_ = nullptr;
  if (tracing()) emit_record(&a, c.id_, "sim.kill", kNoObject, std::initializer_list<Field>{{"reason", reason}});
  record_end(a, reason == kCrashReason ? ActorEnd::Crashed : ActorEnd::Killed);
  a.state = ActorState::Done;
  wake_joiners(a, WaitStatus::TargetKilled);
  release_slot(a);
  refresh(c);
}

void World::kill(ActorRef ref, std::string_view reason) {
  Actor* a = const_cast<Actor*>(find(ref));
  if (a == nullptr) return;
  if (a == current_) usage_error("actor " + describe_actor(*a) + " tried to kill itself (return instead)");
  destroy(*a, reason);
}

void World::crash(Cpu& c) {
  if (!c.up_) return;
  IPCSIM_ASSERT(current_ == nullptr || current_->cpu != &c);
  if (tracing()) emit_record(nullptr, c.id_, "cpu.crash", c.object_, {});
  for (Actor& a : actors_) {
    if (a.live() && a.cpu == &c) destroy(a, kCrashReason);
  }
  c.up_ = false;
  c.memory_->lose();
  for (auto& p : ports_) {
    if (&p->cpu() == &c) p->lose_messages();
  }
  for (auto& b : buses_) b->on_crash(c.id_);
  refresh(c);
}

void World::restart(Cpu& c) {
  if (c.up_) return;
  c.up_ = true;
  ++c.incarnation_;
  c.memory_->renew();
  if (tracing()) {
    emit_record(nullptr, c.id_, "cpu.restart", c.object_, std::initializer_list<Field>{{"incarnation", c.incarnation_}});
  }
  for (auto& hook : c.boot_hooks_) hook(c);
  refresh(c);
}

// ---- Ops of Ctx -------------------------------------------------------------------------------

namespace ops {

void Join::apply(World& w, Actor& self) {
  self_ = &self;
  w.touch(actor_key(target_.id), AccessMode::Read);
  Actor* target = const_cast<Actor*>(w.find(target_));
  if (target == nullptr) return;  // already ended
  if (target == &self) w.usage_error("actor " + w.describe_actor(self) + " joins itself");
  blocked_ = true;
  w.block_on_join(self, *this, *target, timeout_);
}

// By name, as the deadlock report names everyone else: "join 'worker' (#3 on cpu0)".
std::string Join::describe(const World& w) const {
  const Actor* target = w.find(target_);
  return "join " + (target != nullptr ? w.describe_actor(*target) : w.describe_actor(target_.id));
}

JoinResult Join::result() const {
  if (!blocked_) return JoinResult::Finished;
  switch (self_->wait_status) {
    case WaitStatus::Ok: return JoinResult::Finished;
    case WaitStatus::Timeout: return JoinResult::Timeout;
    case WaitStatus::TargetKilled: return JoinResult::Killed;
  }
  return JoinResult::Finished;
}

void Kill::apply(World& w, Actor& self) {
  w.touch(actor_key(target_.id), AccessMode::Write);
  was_alive_ = w.alive(target_);
  if (was_alive_) w.kill(target_, "killed by " + self.name);
}

}  // namespace ops
}  // namespace ipcsim::sim

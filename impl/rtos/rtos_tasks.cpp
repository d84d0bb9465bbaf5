// Rtos tasks: TCBs, the task table, and deletion (TaskDelete, a task's return,
// reaping tasks killed outside the RTOS), which releases what a task owns.

#include "impl/rtos/rtos.hpp"

namespace ipcsim::rtos {

namespace ml = layout::mcb;
namespace bl = layout::bcb;
namespace tl = layout::tcb;

// ---- Tasks --------------------------------------------------------------------------------------------------

Addr Rtos::alloc_tcb(const std::string& name) {
  const Addr tcb = tcb_pool_->take();
  if (tcb == kNull) {
    world_->usage_error("RTOS '" + std::string(world_->object_name(id_)) + "' cannot create task '" + name + "': all " +
                        std::to_string(tcb_pool_->blocks()) + " TCBs are in use (RtosConfig::tcbs)");
  }
  space_.st(tcb + tl::kState, layout::kTcb);
  return tcb;
}

TaskRef Rtos::bind_task(Addr tcb, sim::ActorRef actor, int priority) {
  IPCSIM_ASSERT_MSG(actor.id <= UINT32_MAX, "TCBs keep 32-bit actor ids");
  const auto slot = static_cast<std::uint32_t>(tasks_.size());
  tasks_.push_back(TaskSlot{actor, tcb, true});
  slot_of_actor_[actor.id] = slot;
  space_.st(tcb + tl::kActor, static_cast<std::uint32_t>(actor.id));
  space_.st(tcb + tl::kNormalPriority, static_cast<std::uint32_t>(priority));
  space_.st(tcb + tl::kSlot, slot);
  live_actors_seen_ = world_->live_actor_count();
  if (world_->tracing()) {
    world_->emit("rtos.task.create", tcb_pool_->id(),
                 {{"rtos", id_}, {"task", actor.id}, {"tcb", tcb}, {"prio", priority}});
  }
  return TaskRef{actor, tcb};
}

void Rtos::free_task(std::uint32_t slot) {
  TaskSlot& t = tasks_[slot];
  IPCSIM_ASSERT(t.live);
  space_.st(t.tcb + tl::kState, layout::kFree);
  tcb_pool_->put(t.tcb);
  t.live = false;
  slot_of_actor_.erase(t.actor.id);
}

std::uint32_t Rtos::release_owned(const sim::Actor& self, Addr tcb) {
  std::uint32_t released = 0;
  // The scan reads every control block: one footprint range per pool.
  for (const BlockPool* p : {bcb_pool_, mcb_pool_}) {
    space_.reads_range(p->first(), p->block_at(p->blocks() - 1) + p->stride());
  }
  for (std::uint32_t i = 0; i < bcb_pool_->blocks(); ++i) {
    const Addr cb = bcb_pool_->block_at(i);
    if (space_.ld_covered(cb + bl::kState) == layout::kBcb && space_.ld_covered(cb + bl::kOwner) == tcb) {
      release_blk(self, cb);
      ++released;
    }
  }
  // Proxies before real messages: a proxy never outlives its real message.
  // (The broken variant scans once, taking each kind as it comes.)
  const bool one_pass = config_.bugs.delete_frees_real_before_proxies;
  for (const std::uint32_t kind : {layout::kMcbProxy, layout::kMcbReal}) {
    for (std::uint32_t i = 0; i < mcb_pool_->blocks(); ++i) {
      const Addr cb = mcb_pool_->block_at(i);
      const std::uint32_t state = space_.ld_covered(cb + ml::kState);
      const bool wanted = one_pass ? state == layout::kMcbProxy || state == layout::kMcbReal : state == kind;
      if (wanted && space_.ld_covered(cb + ml::kOwner) == tcb) {
        release_msg(self, cb);
        ++released;
      }
    }
    if (one_pass) break;
  }
  return released;
}

void Rtos::reap_dead_tasks(const sim::Actor& self) {
  for (std::uint32_t slot = 0; slot < tasks_.size(); ++slot) {
    TaskSlot& t = tasks_[slot];
    if (!t.live || world_->alive(t.actor)) continue;
    const std::uint32_t released = config_.bugs.delete_leaks_owned ? 0 : release_owned(self, t.tcb);
    const sim::ActorId task = t.actor.id;
    free_task(slot);
    if (world_->tracing()) {
      world_->emit("rtos.task.delete", tcb_pool_->id(),
                   {{"rtos", id_}, {"task", task}, {"by", self.id}, {"released", released}, {"reason", "reaped"}});
    }
  }
}

void Rtos::DeleteOp::apply(sim::World& w, sim::Actor& self) {
  Rtos& os = *os_;
  const char* service = exit_ ? "TaskExit" : "TaskDelete";
  os.enter(service, os.config_.costs.task_delete);
  const sim::ActorId target = exit_ ? self.id : task_.actor.id;
  const auto slot = os.slot_of(target);
  if (exit_) {
    if (!slot) return;  // already deleted or reaped
  } else {
    if (!os.tcb_pool_->is_block(task_.tcb)) {
      os.refuse(self, service, "actor " + w.describe_actor(target) + " is not a task of this RTOS");
    }
    if (target == self.id) os.refuse(self, service, "a task deletes itself by returning from its body");
    if (!slot || os.tasks_[*slot].tcb != task_.tcb) return;  // gone already
    if (w.alive(task_.actor)) w.kill(task_.actor, "deleted by " + self.name);
  }
  const Addr tcb = os.tasks_[*slot].tcb;
  done_.deleted = true;
  done_.released = os.config_.bugs.delete_leaks_owned ? 0 : os.release_owned(self, tcb);
  w.charge(self, os.config_.costs.msg_rel * done_.released);
  os.free_task(*slot);
  if (w.tracing()) {
    w.emit("rtos.task.delete", os.tcb_pool_->id(),
           {{"rtos", os.id_},
            {"task", target},
            {"by", self.id},
            {"released", done_.released},
            {"reason", exit_ ? "exit" : "delete"}});
  }
}

}  // namespace ipcsim::rtos

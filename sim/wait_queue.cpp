#include "sim/wait_queue.hpp"

#include "sim/actor.hpp"
#include "sim/world.hpp"

namespace ipcsim::sim {

Waitable::Waitable(World& world, std::string_view type, std::string name, WaitQueue::Order order)
    : world_(&world), id_(world.register_object(type, std::move(name))), waiters_(order) {
  world.register_waitable(*this);
}

Waitable::~Waitable() {
  world_->forget_waitable(*this);
  // An object destroyed under its waiters (a primitive that lived in a killed
  // actor's frame, say) is a usage error; the waiters are unlinked so that
  // nothing points at the dead object.
  if (waiters_.empty()) return;
  std::string names;
  while (Actor* a = waiters_.pop_front()) {
    if (!names.empty()) names += ", ";
    names += world_->describe_actor(*a);
    a->blocked_on = nullptr;
  }
  world_->fail(std::string(world_->object_type(id_)) + " '" + std::string(name()) +
               "' was destroyed while actors waited on it: " + names);
}

std::string_view Waitable::name() const { return world_->object_name(id_); }

void Waitable::holders(std::vector<ActorId>&) const {}

void Waitable::digest(StateHash&) const {}

}  // namespace ipcsim::sim

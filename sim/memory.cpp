#include "sim/memory.hpp"

#include <algorithm>

#include "sim/world.hpp"

namespace ipcsim::sim {

Memory::Memory(World& world, ObjectId id, std::string name, std::size_t bytes, MemoryCost cost, bool shared,
               std::vector<CpuId> cpus)
    : world_(&world), id_(id), name_(std::move(name)), bytes_(bytes), cost_(cost), shared_(shared),
      cpus_(std::move(cpus)) {
  IPCSIM_ASSERT(!cpus_.empty());
  IPCSIM_ASSERT(shared_ || cpus_.size() == 1);
}

bool Memory::mapped_to(CpuId cpu) const { return std::find(cpus_.begin(), cpus_.end(), cpu) != cpus_.end(); }

Actor& Memory::check(std::string_view what, std::uint64_t offset, std::size_t len) {
  Actor& a = world_->require_actor(what);
  if (!mapped_to(a.cpu->id())) {
    world_->usage_error("actor " + world_->describe_actor(a) + " touched " +
                        (shared_ ? "shared region '" : "nonshared memory '") + name_ + "', which is not mapped into " +
                        std::string(a.cpu->name()));
  }
  if (offset > bytes_.size() || len > bytes_.size() - offset) {
    world_->usage_error("actor " + world_->describe_actor(a) + " accessed '" + name_ + "' at [" +
                        std::to_string(offset) + ", " + std::to_string(offset + len) + ") beyond its " +
                        std::to_string(bytes_.size()) + " bytes");
  }
  return a;
}

void Memory::read(std::uint64_t offset, std::span<std::byte> out) {
  Actor& a = check("memory read", offset, out.size());
  std::memcpy(out.data(), bytes_.data() + offset, out.size());
  world_->touch(id_, AccessMode::Read, offset, offset + out.size());
  world_->charge(a, cost_.cost(out.size()));
}

void Memory::write(std::uint64_t offset, std::span<const std::byte> in) {
  Actor& a = check("memory write", offset, in.size());
  std::memcpy(bytes_.data() + offset, in.data(), in.size());
  world_->touch(id_, AccessMode::Write, offset, offset + in.size());
  world_->charge(a, cost_.cost(in.size()));
}

bool Memory::peek(std::uint64_t offset, std::span<std::byte> out) const {
  IPCSIM_ASSERT(offset <= bytes_.size() && out.size() <= bytes_.size() - offset);
  if (lost_) return false;
  std::memcpy(out.data(), bytes_.data() + offset, out.size());
  return true;
}

void Memory::poke(std::uint64_t offset, std::span<const std::byte> in) {
  IPCSIM_ASSERT(offset <= bytes_.size() && in.size() <= bytes_.size() - offset);
  IPCSIM_ASSERT(!lost_);
  std::memcpy(bytes_.data() + offset, in.data(), in.size());
}

void Memory::lose() {
  IPCSIM_ASSERT(!shared_);
  lost_ = true;
  // Poison the bytes too: nothing may read the old contents, even by mistake.
  std::fill(bytes_.begin(), bytes_.end(), std::byte{0xDE});
}

void Memory::renew() {
  std::fill(bytes_.begin(), bytes_.end(), std::byte{0});
  lost_ = false;
  ++incarnation_;
}

}  // namespace ipcsim::sim

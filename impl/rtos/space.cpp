#include "impl/rtos/space.hpp"

namespace ipcsim::rtos {

Space::Space(sim::World& world, sim::Memory& memory, SpaceRange range)
    : world_(&world), memory_(&memory), bytes_(memory.raw().data()) {
  const std::size_t size = memory.raw().size();
  IPCSIM_ASSERT_MSG(size <= UINT32_MAX, "an RTOS memory is addressed with 32 bits");
  IPCSIM_ASSERT_MSG(range.base <= size, "the RTOS range starts beyond its memory");
  const std::size_t avail = size - range.base;
  const std::size_t bytes = range.bytes == 0 ? avail : range.bytes;
  IPCSIM_ASSERT_MSG(bytes <= avail, "the RTOS range ends beyond its memory");
  // Address 0 is null: never hand it out, even when the range starts there.
  begin_ = range.base == 0 ? 8 : range.base;
  end_ = static_cast<Addr>(range.base + bytes);
  IPCSIM_ASSERT(begin_ <= end_);
  next_ = begin_;
}

Addr Space::carve(std::uint32_t bytes, std::uint32_t align, std::string_view what) {
  IPCSIM_ASSERT(align != 0 && (align & (align - 1)) == 0);
  const std::uint64_t at = (static_cast<std::uint64_t>(next_) + align - 1) & ~static_cast<std::uint64_t>(align - 1);
  if (at + bytes > end_) {
    world_->usage_error("RTOS memory '" + std::string(memory_->name()) + "' is too small for " + std::string(what) +
                        ": " + std::to_string(bytes) + " bytes wanted, " + std::to_string(at > end_ ? 0 : end_ - at) +
                        " left");
  }
  next_ = static_cast<Addr>(at + bytes);
  return static_cast<Addr>(at);
}

void Space::fill(Addr a, std::uint32_t len, std::byte value) {
  IPCSIM_ASSERT(inside(a, len));
  std::memset(bytes_ + a, static_cast<int>(value), len);
  world_->touch(memory_->id(), sim::AccessMode::Write, a, a + len);
}

}  // namespace ipcsim::rtos

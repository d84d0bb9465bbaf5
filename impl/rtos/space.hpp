// Space: the RTOS's view of the simulated memory it manages.
//
// Everything the RTOS keeps (pool and heap control blocks, the blocks
// themselves, BCBs, MCBs, TCBs, exchange and pipe control blocks) is a record
// of real bytes in one sim::Memory: a CPU's nonshared memory or a shared
// region. Handles and data-block pointers are addresses in it (Addr, the
// offset in the Memory; 0 is null). A Space carves that memory at set-up and
// gives word accesses that record the step's footprint (memory object, byte
// range) exactly as sim::Memory::get/put would, but without a call per access:
// the mapping check and the CPU-time charge are done once per RTOS operation
// (Rtos::enter), which is what lets a bare BlockGet cost a few nanoseconds.
//
//   Space s(world, cpu.memory(), {.base = 0, .bytes = 16 * 1024});
//   Addr pcb = s.carve(32);          // set-up
//   s.st(pcb + 4, 64);               // inside an actor's step (or at set-up)
//   std::uint32_t v = s.ld(pcb + 4);
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "sim/check.hpp"
#include "sim/memory.hpp"
#include "sim/world.hpp"

namespace ipcsim::rtos {

// An address in the RTOS's memory (an offset in its sim::Memory); 0 is null.
using Addr = std::uint32_t;
inline constexpr Addr kNull = 0;

struct SpaceRange {
  std::uint32_t base = 0;   // first byte the RTOS may use (0 is kept unused: null)
  std::uint32_t bytes = 0;  // 0: up to the end of the memory
};

class Space {
 public:
  Space(sim::World& world, sim::Memory& memory, SpaceRange range = {});

  sim::World& world() const { return *world_; }
  sim::Memory& memory() const { return *memory_; }
  sim::ObjectId memory_id() const { return memory_->id(); }
  Addr begin() const { return begin_; }
  Addr end() const { return end_; }
  std::uint32_t carved() const { return next_ - begin_; }
  std::uint32_t left() const { return end_ - next_; }

  // Set-up: the next `bytes` of the range, aligned (a power of two). A range too
  // small for the configuration is a usage error naming what did not fit.
  Addr carve(std::uint32_t bytes, std::uint32_t align, std::string_view what);
  // Forgets every carving (the memory was renewed after a crash).
  void reset_carving() { next_ = begin_; }

  bool inside(Addr a, std::uint32_t len) const { return a >= begin_ && a <= end_ && len <= end_ - a; }

  // Word accesses. In a step they land in the footprint; outside one (set-up,
  // tests) they are plain. Out-of-range addresses are ipcsim bugs: every
  // address given by a user is validated before it reaches here.
  std::uint32_t ld(Addr a) const {
    IPCSIM_ASSERT(inside(a, 4));
    std::uint32_t v;
    std::memcpy(&v, bytes_ + a, 4);
    world_->touch(memory_->id(), sim::AccessMode::Read, a, a + 4);
    return v;
  }
  // A word read whose footprint the caller has recorded already, as one range
  // (reads_range): a scan of a whole control-block pool would otherwise add
  // one footprint entry per block, which the model checker pays for per step.
  std::uint32_t ld_covered(Addr a) const {
    IPCSIM_ASSERT(inside(a, 4));
    std::uint32_t v;
    std::memcpy(&v, bytes_ + a, 4);
    return v;
  }
  void reads_range(Addr lo, Addr hi) const {
    IPCSIM_ASSERT(lo <= hi && inside(lo, hi - lo));
    world_->touch(memory_->id(), sim::AccessMode::Read, lo, hi);
  }
  void st(Addr a, std::uint32_t v) {
    IPCSIM_ASSERT(inside(a, 4));
    std::memcpy(bytes_ + a, &v, 4);
    world_->touch(memory_->id(), sim::AccessMode::Write, a, a + 4);
  }
  void read(Addr a, std::span<std::byte> out) const {
    IPCSIM_ASSERT(inside(a, static_cast<std::uint32_t>(out.size())));
    std::memcpy(out.data(), bytes_ + a, out.size());
    world_->touch(memory_->id(), sim::AccessMode::Read, a, a + out.size());
  }
  void write(Addr a, std::span<const std::byte> in) {
    IPCSIM_ASSERT(inside(a, static_cast<std::uint32_t>(in.size())));
    std::memcpy(bytes_ + a, in.data(), in.size());
    world_->touch(memory_->id(), sim::AccessMode::Write, a, a + in.size());
  }
  void fill(Addr a, std::uint32_t len, std::byte value);

  // The hot path of block pools: unchecked word access to addresses the
  // caller has validated, and one footprint record per range touched instead
  // of one per word (the byte ranges are the same).
  std::byte* bytes() const { return bytes_; }
  static std::uint32_t load(const std::byte* at) {
    std::uint32_t v;
    std::memcpy(&v, at, 4);
    return v;
  }
  static void store(std::byte* at, std::uint32_t v) { std::memcpy(at, &v, 4); }
  void touched(sim::AccessMode mode, Addr lo, Addr hi) const { world_->touch(memory_->id(), mode, lo, hi); }

  // Whether an actor on `cpu` may touch this memory (checked once per operation).
  bool mapped(const sim::Cpu& cpu) {
    if (cpu.id() == last_mapped_cpu_) return true;
    if (!memory_->mapped_to(cpu.id())) return false;
    last_mapped_cpu_ = cpu.id();
    return true;
  }

 private:
  sim::World* world_;
  sim::Memory* memory_;
  std::byte* bytes_;
  Addr begin_;
  Addr end_;
  Addr next_;
  sim::CpuId last_mapped_cpu_ = sim::kNoCpu;
};

}  // namespace ipcsim::rtos

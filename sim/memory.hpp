// Simulated memory: real bytes with an access-cost model.
//
// Each CPU has a nonshared Memory that only its own actors may touch and that is
// lost when the CPU crashes. A shared region is mapped into a chosen set of CPUs
// and survives their crashes. Accesses by actors are checked (bounds, mapping),
// recorded in the step's footprint and charged to the actor as CPU time at the
// end of its step (MemoryCost). Copies really copy bytes, so corruption shows.
//
//   Memory& m = cpu.memory();
//   m.put<std::uint32_t>(0, 42);                   // plain access, inside local code
//   auto v = co_await shared.load<std::uint32_t>(8);  // an access that is its own step
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/footprint.hpp"
#include "sim/ids.hpp"
#include "sim/op.hpp"
#include "sim/time.hpp"

namespace ipcsim::sim {

class World;
struct Actor;

struct MemoryCost {
  Duration per_access{0};          // fixed cost of any access
  std::uint32_t bytes_per_ns = 0;  // transfer rate; 0 means size costs nothing
  Duration cost(std::size_t bytes) const {
    Duration c = per_access;
    if (bytes_per_ns != 0) c += Duration{static_cast<std::int64_t>((bytes + bytes_per_ns - 1) / bytes_per_ns)};
    return c;
  }
};

class Memory {
 public:
  ObjectId id() const { return id_; }
  std::string_view name() const { return name_; }
  std::size_t size() const { return bytes_.size(); }
  bool shared() const { return shared_; }
  bool lost() const { return lost_; }
  std::uint32_t incarnation() const { return incarnation_; }
  bool mapped_to(CpuId cpu) const;
  const MemoryCost& cost() const { return cost_; }

  // Accesses by the stepping actor: part of its local code.
  void read(std::uint64_t offset, std::span<std::byte> out);
  void write(std::uint64_t offset, std::span<const std::byte> in);
  template <class T>
  T get(std::uint64_t offset) {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    read(offset, std::as_writable_bytes(std::span<T, 1>(&v, 1)));
    return v;
  }
  template <class T>
  void put(std::uint64_t offset, const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    write(offset, std::as_bytes(std::span<const T, 1>(&v, 1)));
  }

  // Accesses that are scheduling points of their own, for racy algorithms whose
  // interleavings at every load and store matter (message-list scans).
  template <class T>
  class [[nodiscard]] LoadOp final : public OpAwaiter<LoadOp<T>> {
   public:
    LoadOp(World& w, Memory& m, std::uint64_t offset) : OpAwaiter<LoadOp<T>>(w), m_(&m), offset_(offset) {}
    void apply(World&, Actor&) override { value_ = m_->get<T>(offset_); }
    std::string describe(const World&) const override { return "load from " + std::string(m_->name()); }
    T result() const { return value_; }

   private:
    Memory* m_;
    std::uint64_t offset_;
    T value_{};
  };
  template <class T>
  class [[nodiscard]] StoreOp final : public OpAwaiter<StoreOp<T>> {
   public:
    StoreOp(World& w, Memory& m, std::uint64_t offset, T v)
        : OpAwaiter<StoreOp<T>>(w), m_(&m), offset_(offset), value_(v) {}
    void apply(World&, Actor&) override { m_->put<T>(offset_, value_); }
    std::string describe(const World&) const override { return "store to " + std::string(m_->name()); }
    void result() const {}

   private:
    Memory* m_;
    std::uint64_t offset_;
    T value_;
  };
  template <class T>
  LoadOp<T> load(std::uint64_t offset) {
    return LoadOp<T>(*world_, *this, offset);
  }
  template <class T>
  StoreOp<T> store(std::uint64_t offset, T v) {
    return StoreOp<T>(*world_, *this, offset, v);
  }

  // Outside the simulation (set-up, tests, monitors): no cost, no footprint, no
  // mapping check. peek answers false when the memory was lost in a crash.
  bool peek(std::uint64_t offset, std::span<std::byte> out) const;
  void poke(std::uint64_t offset, std::span<const std::byte> in);

  // The bytes themselves, for a mechanism that accounts for its own accesses
  // (a mapping check per operation, World::touch for footprints, World::charge
  // for cost) because a call per access would dominate it: an RTOS BlockGet is
  // a few nanoseconds. The span stays valid for the memory's life; after a
  // crash it holds poison until the restart.
  std::span<std::byte> raw() { return bytes_; }

  Memory(World& world, ObjectId id, std::string name, std::size_t bytes, MemoryCost cost, bool shared,
         std::vector<CpuId> cpus);

 private:
  friend class World;
  Actor& check(std::string_view what, std::uint64_t offset, std::size_t len);
  void lose();    // the owning CPU crashed
  void renew();   // the owning CPU restarted: fresh, zeroed

  World* world_;
  ObjectId id_;
  std::string name_;
  std::vector<std::byte> bytes_;
  MemoryCost cost_;
  bool shared_;
  std::vector<CpuId> cpus_;  // the CPUs it is mapped into (one for nonshared)
  bool lost_ = false;
  std::uint32_t incarnation_ = 1;
};

}  // namespace ipcsim::sim

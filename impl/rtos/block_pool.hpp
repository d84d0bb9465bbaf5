// Block pools: fixed-size blocks carved from the RTOS's memory, with a free
// list threaded through the blocks' own bytes (word 0 of a free block is the
// address of the next one), and a pool control block (PCB) in memory that holds
// the geometry, the free-list head and the free count.
//
// A BodySource is where a data block comes from and must go back to: a block
// pool or a heap. A BCB or MCB records its body's source by handle (the PCB or
// HCB address), so a release never needs the caller to know it (the seed's
// "pool of origin").
//
// Pools are made by Rtos::create_pool; the RTOS's own BCB, MCB and TCB pools
// are block pools too. take() and put() are the bare fast path; they do no
// charging or argument checks (the Rtos services around them do), but each
// records, when the run is traced, the block that really left or entered the
// free list (rtos.pool.take / rtos.pool.put): the pool's own word, against
// which monitors check the services' claims about where a block went.
//
//   BlockPool& rx = os.create_pool("rx", 256, 32);
//   Addr dbp = os.block_get_bare_now(rx);   // from an ISR
//   os.block_rel_bare_now(rx, dbp);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "impl/rtos/layout.hpp"
#include "impl/rtos/space.hpp"

namespace ipcsim::rtos {

enum class PoolKind : std::uint32_t { Base = 1, Bcb = 2, Mcb = 3, Tcb = 4 };
const char* to_string(PoolKind k);

class BodySource {
 public:
  enum class Kind : std::uint8_t { Pool, Heap };
  virtual ~BodySource() = default;
  BodySource(const BodySource&) = delete;
  BodySource& operator=(const BodySource&) = delete;

  Kind kind() const { return kind_; }
  Addr handle() const { return handle_; }  // PCB or HCB address: what control blocks record
  sim::ObjectId id() const { return id_; }
  sim::ObjectId rtos() const { return rtos_; }  // the RTOS whose records name it
  const std::string& name() const { return name_; }
  std::uint32_t index() const { return index_; }

  // Whether `dbp` is the start of a data block of this source that is in use
  // (a heap checks the chunk header; a pool, the geometry only: a pool cannot
  // tell a free block from a used one without walking its free list).
  virtual bool owns(Addr dbp) const = 0;
  // The data bytes of the block at dbp.
  virtual std::uint32_t bytes_of(Addr dbp) const = 0;
  // Returns the block; no checks (callers validated it, or are a broken variant).
  virtual void release(Addr dbp) = 0;

 protected:
  BodySource(Space& space, Kind kind, sim::ObjectId rtos, sim::ObjectId id, std::string name, std::uint32_t index)
      : space_(&space), kind_(kind), rtos_(rtos), id_(id), name_(std::move(name)), index_(index) {}
  Space* space_;
  Kind kind_;
  Addr handle_ = kNull;
  sim::ObjectId rtos_;
  sim::ObjectId id_;
  std::string name_;
  std::uint32_t index_;
};

class BlockPool final : public BodySource {
 public:
  // Carves the PCB and `blocks` blocks of `block_size` bytes (each rounded up
  // to 8 for alignment) and formats them.
  BlockPool(Space& space, sim::ObjectId rtos, sim::ObjectId id, std::string name, PoolKind pool_kind,
            std::uint32_t block_size, std::uint32_t blocks, std::uint32_t index);
  // The bytes a pool of these dimensions carves (its PCB and its blocks).
  static std::size_t bytes_needed(std::uint32_t block_size, std::uint32_t blocks) {
    return layout::pcb::kSize + static_cast<std::size_t>((block_size + 7) & ~7u) * blocks;
  }

  PoolKind pool_kind() const { return pool_kind_; }
  std::uint32_t block_size() const { return block_size_; }
  std::uint32_t stride() const { return stride_; }
  std::uint32_t blocks() const { return blocks_; }
  Addr first() const { return first_; }
  Addr limit() const { return limit_; }

  // Writes the PCB and threads every block onto the free list (set-up, restart).
  void format();

  // Pops the free list: a block, or 0 when the pool is exhausted. A free-list
  // head that is not a block of this pool (a block released to the wrong pool,
  // overwritten after release) is corruption: the pool then reads as empty and
  // corrupted_link() names the bad link until the next format.
  Addr take() {
    static_assert(layout::pcb::kFreeCount == layout::pcb::kFreeHead + 4, "one footprint range covers both");
    std::byte* const mem = space_->bytes();
    std::byte* const pcb = mem + handle_;
    const Addr head = Space::load(pcb + layout::pcb::kFreeHead);
    if (head == kNull) {
      space_->touched(sim::AccessMode::Read, handle_ + layout::pcb::kFreeHead, handle_ + layout::pcb::kFreeHead + 4);
      return kNull;
    }
    if (!is_block(head)) [[unlikely]]
      return corrupted(head);
    const Addr next = Space::load(mem + head);
    const std::uint32_t count = Space::load(pcb + layout::pcb::kFreeCount);
    Space::store(pcb + layout::pcb::kFreeHead, next);
    Space::store(pcb + layout::pcb::kFreeCount, count - 1);
    touched_pcb_and(head, sim::AccessMode::Read);
    if (space_->world().tracing()) [[unlikely]]
      trace("rtos.pool.take", head);
    return head;
  }
  // Pushes `block` on the free list. No checks: see BodySource::release.
  void put(Addr block) {
    IPCSIM_ASSERT(space_->inside(block, 4));
    std::byte* const mem = space_->bytes();
    std::byte* const pcb = mem + handle_;
    const Addr head = Space::load(pcb + layout::pcb::kFreeHead);
    const std::uint32_t count = Space::load(pcb + layout::pcb::kFreeCount);
    Space::store(mem + block, head);
    Space::store(pcb + layout::pcb::kFreeHead, block);
    Space::store(pcb + layout::pcb::kFreeCount, count + 1);
    touched_pcb_and(block, sim::AccessMode::Write);
    if (space_->world().tracing()) [[unlikely]]
      trace("rtos.pool.put", block);
  }

  // Geometry: an address inside the pool's blocks, at a block boundary.
  bool is_block(Addr a) const {
    const std::uint32_t off = a - first_;  // wraps for a < first_, then fails the bound
    return off < limit_ - first_ && is_multiple(off);
  }
  // The block number of a block address.
  std::uint32_t block_index(Addr a) const { return (a - first_) / stride_; }
  Addr block_at(std::uint32_t i) const { return first_ + i * stride_; }

  bool owns(Addr dbp) const override { return is_block(dbp); }
  std::uint32_t bytes_of(Addr) const override { return block_size_; }
  void release(Addr dbp) override { put(dbp); }

  std::uint32_t free_count() const;  // outside a step too: reads the PCB
  Addr corrupted_link() const { return corrupted_link_; }

  // Walks the free list (tests, property checks): "" when it is a proper list
  // of distinct blocks of this pool whose length is the free count; otherwise
  // what is wrong. Not an RTOS service: no footprint, no cost.
  std::string check_free_list() const;

 private:
  // The footprint of take/put: the PCB's free-list words, and the link word of the block.
  void touched_pcb_and(Addr block, sim::AccessMode link_mode) const {
    space_->touched(sim::AccessMode::Write, handle_ + layout::pcb::kFreeHead, handle_ + layout::pcb::kFreeCount + 4);
    space_->touched(link_mode, block, block + 4);
  }
  Addr corrupted(Addr head);
  void trace(const char* kind, Addr block) const;
  bool is_multiple(std::uint32_t off) const {
    // Lemire's divisibility test: one multiply instead of a division.
    return static_cast<std::uint64_t>(off) * stride_magic_ <= stride_magic_ - 1;
  }

  PoolKind pool_kind_;
  std::uint32_t block_size_;
  std::uint32_t stride_;
  std::uint64_t stride_magic_;
  std::uint32_t blocks_;
  Addr first_ = kNull;
  Addr limit_ = kNull;
  Addr corrupted_link_ = kNull;
};

}  // namespace ipcsim::rtos

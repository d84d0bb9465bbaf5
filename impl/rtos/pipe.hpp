// A pipe of words: how an ISR hands bare blocks (their dbps) to a task.
//
// An ISR may not wait, so it cannot send to an exchange that might make it
// wait, and it has no time to make messages. It puts the dbp of each filled
// block into a pipe (put_now never blocks: a full pipe refuses, and the ISR
// releases the block itself); a driver task gets dbps from the pipe, waiting
// when it is empty, and makes them messages. The ring lives in the RTOS's
// memory (a control block and `capacity` slots), like everything else.
//
//   rtos::Pipe& rx = os.create_pipe("rx", 8);
//   if (!rx.put_now(dbp)) os.block_rel_bare_now(pool, dbp);   // in the ISR
//   rtos::Addr dbp = co_await rx.get();                        // in the task
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "impl/rtos/layout.hpp"
#include "impl/rtos/service_op.hpp"
#include "impl/rtos/space.hpp"
#include "sim/actor.hpp"
#include "sim/op.hpp"
#include "sim/wait_queue.hpp"

namespace ipcsim::rtos {

class Rtos;

class Pipe final : public sim::Waitable {
 public:
  Pipe(Rtos& os, std::string name, std::uint32_t capacity);
  // The ring is carved 8-aligned, like everything in the space.
  static std::size_t bytes_needed(std::uint32_t capacity) {
    return layout::pipe::kSize + (4 * std::size_t{capacity} + 7) / 8 * 8;
  }

  Addr handle() const { return pcb_; }
  std::uint32_t capacity() const { return capacity_; }  // limit: words held at once
  std::uint32_t count() const;

  // Local form, ISR-safe: hands the word to a waiting task or queues it;
  // false (and traced) when the pipe is full.
  bool put_now(Addr word);
  auto put(Addr word) {
    return make_service_op(world(), "PipePut", id(), [this, word] { return put_now(word); });
  }

  class [[nodiscard]] GetOp final : public sim::OpAwaiter<GetOp> {
   public:
    GetOp(Pipe& p, std::optional<sim::Duration> timeout, bool try_only)
        : OpAwaiter(p.world()), p_(&p), timeout_(timeout), try_only_(try_only) {}
    void apply(sim::World& w, sim::Actor& self) override;
    std::string describe(const sim::World& w) const override;
    // The word, or 0 on a timeout (or an empty pipe, for try_get).
    Addr result() const { return word_; }

   private:
    friend class Pipe;
    Pipe* p_;
    std::optional<sim::Duration> timeout_;
    bool try_only_;
    Addr word_ = kNull;
  };
  GetOp get() { return GetOp(*this, std::nullopt, false); }
  GetOp get_for(sim::Duration timeout) { return GetOp(*this, timeout, false); }
  GetOp try_get() { return GetOp(*this, std::nullopt, true); }

 private:
  friend class Rtos;
  void format();
  // Ring slots are one word each.
  Addr slot(std::uint32_t i) const { return ring_ + 4 * i; }

  Rtos* os_;
  std::uint32_t capacity_;
  Addr pcb_ = kNull;
  Addr ring_ = kNull;
  // Trace bookkeeping, not RTOS state (layout.hpp): the flow id of each slot's put.
  std::vector<std::uint64_t> flows_;
};

}  // namespace ipcsim::rtos

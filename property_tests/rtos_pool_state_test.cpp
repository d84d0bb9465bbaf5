// A stateful test (rapidcheck/state.h) of the RTOS's pools against a model.
//
// The model is the simplest account of what a pool owes: how many blocks each
// pool and each control-block pool has free, and which things are out (bare
// blocks, standard blocks, messages, proxies, heap blocks) with their origin.
// Random command sequences run on both; after each command the RTOS must agree
// with the model (a get succeeds exactly when the model says something is
// free, unmake reports the origin the model remembers, free counts match), its
// free lists and heap must be sound, and pool_origin must stay green.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <array>

#include "impl/rtos/rtos.hpp"
#include "model/rtos/pool_origin_monitor.hpp"

namespace ipcsim::rtos {
namespace {

constexpr std::array<std::uint32_t, 2> kBlocks = {4, 3};
constexpr std::array<std::uint32_t, 2> kBlockSize = {32, 96};
constexpr std::uint32_t kMcbs = 6;
constexpr std::uint32_t kBcbs = 3;
constexpr int kHeap = -1;  // the origin of heap blocks in the model

enum class Kind { Bare, Block, Message, Proxy };

struct Item {
  Kind kind = Kind::Bare;
  int origin = 0;  // pool index, or kHeap; unused for a proxy
  std::uint32_t bytes = 0;
};

struct Model {
  std::array<std::uint32_t, 2> free = kBlocks;
  std::uint32_t mcbs = kMcbs;
  std::uint32_t bcbs = kBcbs;
  std::vector<Item> out;  // in the order the SUT keeps their addresses
};

struct Sut {
  sim::World w{{.seed = 1}};
  model::rtos::PoolOriginMonitor monitor;
  sim::Cpu* cpu = nullptr;
  std::unique_ptr<Rtos> os;
  std::array<BlockPool*, 2> pools{};
  Heap* heap = nullptr;
  std::vector<Addr> handle;  // parallel to Model::out: the handle (or dbp for bare blocks)
  std::vector<Addr> dbp;     // and the body it shows

  Sut() {
    monitor.attach(w);
    cpu = &w.add_cpu({.name = "cpu0"});
    os = std::make_unique<Rtos>(w, cpu->memory(), RtosConfig{.bcbs = kBcbs, .mcbs = kMcbs});
    for (int i = 0; i < 2; ++i) pools[i] = &os->create_pool("p" + std::to_string(i), kBlockSize[i], kBlocks[i]);
    heap = &os->create_heap("heap", 512);
  }
  // Runs `f` inside an actor's step (RTOS services need one) and returns its result.
  template <class F>
  auto step(F f) {
    using R = decltype(f());
    R result{};
    w.spawn(*cpu, "op", [&result, &f](sim::Ctx) -> sim::Task<> {
      result = f();
      co_return;
    });
    const sim::RunResult r = w.run();
    RC_ASSERT(r.outcome == sim::RunOutcome::Quiescent);
    return result;
  }
  void agree(const Model& m) {
    RC_ASSERT(os->check_consistency() == "");
    for (int i = 0; i < 2; ++i) RC_ASSERT(pools[i]->free_count() == m.free[i]);
    RC_ASSERT(os->mcb_pool().free_count() == m.mcbs);
    RC_ASSERT(os->bcb_pool().free_count() == m.bcbs);
    RC_ASSERT(!monitor.violated());
  }
  void erase(std::size_t k) {
    handle.erase(handle.begin() + static_cast<std::ptrdiff_t>(k));
    dbp.erase(dbp.begin() + static_cast<std::ptrdiff_t>(k));
  }
};

using Cmd = rc::state::Command<Model, Sut>;

struct Get : Cmd {
  int pool = *rc::gen::inRange(0, 2);
  Kind kind = *rc::gen::element(Kind::Bare, Kind::Block, Kind::Message);
  bool possible(const Model& m) const {
    if (m.free[pool] == 0) return false;
    if (kind == Kind::Message) return m.mcbs > 0;
    if (kind == Kind::Block) return m.bcbs > 0;
    return true;
  }
  void apply(Model& m) const override {
    if (!possible(m)) return;
    --m.free[pool];
    if (kind == Kind::Message) --m.mcbs;
    if (kind == Kind::Block) --m.bcbs;
    m.out.push_back(Item{kind, pool, kBlockSize[pool]});
  }
  void run(const Model& m, Sut& sut) const override {
    BlockPool& p = *sut.pools[pool];
    const Addr h = sut.step([&] {
      return kind == Kind::Bare    ? sut.os->block_get_bare_now(p)
             : kind == Kind::Block ? sut.os->block_get_now(p)
                                   : sut.os->msg_get_now(p);
    });
    RC_ASSERT((h != kNull) == possible(m));
    if (h != kNull) {
      const Addr body = kind == Kind::Bare    ? h
                        : kind == Kind::Block ? sut.step([&] { return sut.os->block_dbp(h); })
                                              : sut.step([&] { return sut.os->msg_dbp(h); });
      RC_ASSERT(p.is_block(body));
      // Distinct from every body still out (a proxy's may dangle: its real
      // message can be gone, as the seed allows).
      for (std::size_t k = 0; k < sut.dbp.size(); ++k) {
        if (m.out[k].kind != Kind::Proxy) RC_ASSERT(sut.dbp[k] != body);
      }
      sut.handle.push_back(h);
      sut.dbp.push_back(body);
    }
    sut.agree(nextState(m));
  }
  void show(std::ostream& os) const override { os << "Get " << static_cast<int>(kind) << " from p" << pool; }
};

// Whether a heap has room depends on fragmentation, which the model does not
// track, so heap blocks are taken and given back within one command: the heap
// must take the bytes and return to exactly its previous free size.
struct HeapRoundTrip : Cmd {
  std::uint32_t bytes = *rc::gen::inRange<std::uint32_t>(1, 200);
  bool message = *rc::gen::arbitrary<bool>();
  void run(const Model& m, Sut& sut) const override {
    const std::uint32_t free_before = sut.heap->free_bytes();
    const Addr h = sut.step(
        [&] { return message ? sut.os->msg_get_now(*sut.heap, bytes) : sut.os->heap_malloc_now(*sut.heap, bytes); });
    if (h != kNull) {
      RC_ASSERT(sut.heap->free_bytes() < free_before);
      sut.step([&] {
        if (message) {
          sut.os->msg_rel_now(h);
        } else {
          sut.os->heap_free_now(*sut.heap, h);
        }
        return 0;
      });
    }
    RC_ASSERT(sut.heap->free_bytes() == free_before);
    sut.agree(m);
  }
  void show(std::ostream& os) const override {
    os << (message ? "MsgGet+MsgRel heap " : "HeapMalloc+HeapFree ") << bytes;
  }
};

struct Make : Cmd {
  std::uint32_t pick = *rc::gen::arbitrary<std::uint32_t>();
  bool message = *rc::gen::arbitrary<bool>();
  std::size_t which(const Model& m) const {
    std::vector<std::size_t> bare;
    for (std::size_t k = 0; k < m.out.size(); ++k) {
      if (m.out[k].kind == Kind::Bare) bare.push_back(k);
    }
    return bare.empty() ? SIZE_MAX : bare[pick % bare.size()];
  }
  void checkPreconditions(const Model& m) const override {
    RC_PRE(which(m) != SIZE_MAX);
    RC_PRE((message ? m.mcbs > 0 : m.bcbs > 0));
  }
  void apply(Model& m) const override {
    m.out[which(m)].kind = message ? Kind::Message : Kind::Block;
    --(message ? m.mcbs : m.bcbs);
  }
  void run(const Model& m, Sut& sut) const override {
    const std::size_t k = which(m);
    BlockPool& p = *sut.pools[m.out[k].origin];
    const Addr h =
        sut.step([&] { return message ? sut.os->msg_make_now(p, sut.dbp[k]) : sut.os->block_make_now(p, sut.dbp[k]); });
    RC_ASSERT(h != kNull);
    sut.handle[k] = h;
    sut.agree(nextState(m));
  }
  void show(std::ostream& os) const override { os << (message ? "MsgMake " : "BlockMake ") << pick; }
};

struct Proxy : Cmd {
  std::uint32_t pick = *rc::gen::arbitrary<std::uint32_t>();
  std::size_t which(const Model& m) const {
    std::vector<std::size_t> reals;
    for (std::size_t k = 0; k < m.out.size(); ++k) {
      if (m.out[k].kind == Kind::Message) reals.push_back(k);
    }
    return reals.empty() ? SIZE_MAX : reals[pick % reals.size()];
  }
  void checkPreconditions(const Model& m) const override {
    RC_PRE(which(m) != SIZE_MAX);
    RC_PRE(m.mcbs > 0);
  }
  void apply(Model& m) const override {
    --m.mcbs;
    m.out.push_back(Item{Kind::Proxy, 0, 4});
  }
  void run(const Model& m, Sut& sut) const override {
    const std::size_t k = which(m);
    const Addr real = sut.handle[k];
    const Addr p = sut.step([&] { return sut.os->msg_make_proxy_now(real, 0, 4); });
    RC_ASSERT(p != kNull);
    sut.handle.push_back(p);
    sut.dbp.push_back(sut.dbp[k]);
    sut.agree(nextState(m));
  }
  void show(std::ostream& os) const override { os << "Proxy of " << pick; }
};

struct Unmake : Cmd {
  std::uint32_t pick = *rc::gen::arbitrary<std::uint32_t>();
  std::size_t which(const Model& m) const {
    std::vector<std::size_t> made;
    for (std::size_t k = 0; k < m.out.size(); ++k) {
      if (m.out[k].kind == Kind::Message || m.out[k].kind == Kind::Block) made.push_back(k);
    }
    return made.empty() ? SIZE_MAX : made[pick % made.size()];
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(which(m) != SIZE_MAX); }
  void apply(Model& m) const override {
    Item& it = m.out[which(m)];
    ++(it.kind == Kind::Message ? m.mcbs : m.bcbs);
    it.kind = Kind::Bare;
  }
  void run(const Model& m, Sut& sut) const override {
    const std::size_t k = which(m);
    const Item& it = m.out[k];
    const Unmade u = sut.step([&] {
      return it.kind == Kind::Message ? sut.os->msg_unmake_now(sut.handle[k]) : sut.os->block_unmake_now(sut.handle[k]);
    });
    RC_ASSERT(u.dbp == sut.dbp[k]);
    RC_ASSERT(u.pool == sut.pools[it.origin]->handle());  // the origin the model remembers
    sut.handle[k] = u.dbp;
    sut.agree(nextState(m));
  }
  void show(std::ostream& os) const override { os << "Unmake " << pick; }
};

struct Release : Cmd {
  std::uint32_t pick = *rc::gen::arbitrary<std::uint32_t>();
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.out.empty()); }
  void apply(Model& m) const override {
    const std::size_t k = pick % m.out.size();
    const Item it = m.out[k];
    if (it.kind != Kind::Proxy) ++m.free[it.origin];
    if (it.kind == Kind::Message || it.kind == Kind::Proxy) ++m.mcbs;
    if (it.kind == Kind::Block) ++m.bcbs;
    m.out.erase(m.out.begin() + static_cast<std::ptrdiff_t>(k));
  }
  void run(const Model& m, Sut& sut) const override {
    const std::size_t k = pick % m.out.size();
    const Item it = m.out[k];
    const Addr h = sut.handle[k];
    sut.step([&] {
      switch (it.kind) {
        case Kind::Bare:
          sut.os->block_rel_bare_now(*sut.pools[it.origin], h);
          break;
        case Kind::Block:
          sut.os->block_rel_now(h);
          break;
        case Kind::Message:
        case Kind::Proxy:
          sut.os->msg_rel_now(h);
          break;
      }
      return 0;
    });
    sut.erase(k);
    sut.agree(nextState(m));
  }
  void show(std::ostream& os) const override { os << "Release " << pick; }
};

RC_GTEST_PROP(RtosPoolState, PoolsAgreeWithTheModel, ()) {
  Sut sut;
  rc::state::check(Model{}, sut, rc::state::gen::execOneOfWithArgs<Get, HeapRoundTrip, Make, Proxy, Unmake, Release>());
}

}  // namespace
}  // namespace ipcsim::rtos

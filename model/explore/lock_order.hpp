// Lock-order checking in the style of Linux lockdep.
//
// A lock class is a mutex's object name (mutexes of one name form one class, as
// lockdep groups locks by their initialisation site). Whenever an actor that
// holds locks acquires (or starts waiting for) another, the graph gets an edge
// held -> acquired for each held class. A cycle in that graph is a potential
// deadlock, even if no run deadlocked: two actors taking A then B and B then A
// at different times never block each other, but some timing would. The graph
// persists across runs (all executions of an exploration, all runs of a fuzz
// campaign), so the two halves of an inversion may come from different runs.
//
//   LockOrderGraph graph;                       // lives as long as the campaign
//   for (each run) {
//     LockOrderMonitor lockdep(graph, run_index);  // property "lock_order"
//     world.attach(lockdep);  ... world.run() ...
//     if (lockdep.violated()) ... lockdep.violation()->message names both sites
//   }
//
// Input: "mutex.lock" records (actor = the new owner, object = the mutex,
// field site = "file.cpp:line"), "mutex.unlock" (actor = the releaser),
// "mutex.recover" (field dead = the ended owner whose lock a survivor released),
// "sim.block" on a mutex (an attempt, op = "lock mutex 'm' at file.cpp:line"),
// "sim.exit" and "sim.kill" (the actor holds nothing any more), and the names
// from "sim.object" and "sim.spawn". Self-edges (locking two mutexes of one
// class, or relocking one) are reported like lockdep's "possible recursive
// locking" unless LockOrderGraph::Options::report_self_edges is false.
//
// The graph is a Boost.Graph adjacency_list kept in lock_order.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/monitor.hpp"

namespace ipcsim::explore {

// Where one edge held -> acquired was first seen.
struct LockEdge {
  std::string held;           // lock class held
  std::string acquired;       // lock class being acquired
  std::string held_site;      // where the held lock was acquired ("a.cpp:10")
  std::string acquired_site;  // where the second one is acquired
  std::string actor;          // who did it, as messages name it: "'slave2' (#5)"
  std::uint64_t run = 0;      // the run (execution) it was first seen in
};

struct LockCycle {
  std::vector<LockEdge> edges;  // edges[k].acquired == edges[k+1].held, and round
  std::string message;          // names every class and both sites of each edge
};

class LockOrderGraph {
 public:
  struct Options {
    bool report_self_edges = true;
  };
  LockOrderGraph();
  explicit LockOrderGraph(Options options);
  ~LockOrderGraph();
  LockOrderGraph(const LockOrderGraph&) = delete;
  LockOrderGraph& operator=(const LockOrderGraph&) = delete;

  // Adds the edge (a no-op when held -> acquired is already known). Returns the
  // cycle it closes, if it closes one: the new edge, then the known path back.
  std::optional<LockCycle> add(const LockEdge& edge);

  std::size_t class_count() const;
  std::size_t edge_count() const;
  // Every edge, in the order they were first added.
  std::vector<LockEdge> edges() const;
  // Every cycle found so far, in order.
  const std::vector<LockCycle>& cycles() const { return cycles_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Options options_;
  std::vector<LockCycle> cycles_;
};

// The per-run side: reads the trace, keeps each actor's held locks, and feeds
// the shared graph. Its property is "lock_order"; the first cycle closed in
// this run is its violation (a later run never reports a cycle again).
class LockOrderMonitor final : public model::Monitor {
 public:
  LockOrderMonitor(LockOrderGraph& graph, std::uint64_t run);

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  struct Held {
    sim::ObjectId mutex;
    std::string site;
  };
  void acquire(const sim::TraceRecord& r, sim::ActorId actor, sim::ObjectId mutex, std::string_view site);
  std::string class_of(sim::ObjectId mutex) const;

  LockOrderGraph* graph_;
  std::uint64_t run_;
  std::map<sim::ObjectId, std::string> mutex_names_;  // type "mutex" objects only
  std::map<sim::ActorId, std::vector<Held>> held_;
};

// "lock mutex 'm' at a.cpp:12" -> "a.cpp:12" (empty when there is no site).
std::string_view site_of_lock_op(std::string_view op);

}  // namespace ipcsim::explore

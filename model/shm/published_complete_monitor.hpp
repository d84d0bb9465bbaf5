// published_complete: published means complete (seed 000 checklist, property
// 2; the claims' "signal before set-up finishes" trap). When a registrant
// signals the engine that it is registered, and when the engine caches a
// process's record, that process's registration has stored its handles
// (shm.handles), its registry record (shm.registry.store) and an assigned
// manager (shm.manager.assign); the engine caches only a record whose
// registered flag is set (shm.registered).
//
// Keeps its own account of each registration's steps since its
// shm.register.begin, from the registrant's records; trusts no field that
// reports completeness.
#pragma once

#include <map>

#include "model/shm/shm_monitor.hpp"

namespace ipcsim::model::shm {

class PublishedCompleteMonitor final : public ShmMonitor {
 public:
  PublishedCompleteMonitor() : ShmMonitor("published_complete") {}
  std::uint64_t caches_checked() const { return caches_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  struct Steps {
    bool handles = false;
    bool stored = false;
    bool assigned = false;
    bool flag = false;
  };
  // What is missing from `s` ("" when nothing): "its manager", "its handles and its registry record".
  static std::string missing(const Steps& s);
  std::map<sim::ActorId, Steps> steps_;
  std::uint64_t caches_ = 0;
};

}  // namespace ipcsim::model::shm

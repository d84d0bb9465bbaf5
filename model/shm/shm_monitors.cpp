#include "model/shm/shm_monitors.hpp"

namespace ipcsim::model::shm {

std::vector<std::unique_ptr<Monitor>> all_shm_monitors() {
  std::vector<std::unique_ptr<Monitor>> out;
  out.push_back(std::make_unique<AdminExclusionMonitor>());
  out.push_back(std::make_unique<PublishedCompleteMonitor>());
  out.push_back(std::make_unique<NoOverlapMonitor>());
  out.push_back(std::make_unique<CoalescedAtEndMonitor>());
  out.push_back(std::make_unique<TwoContendersMonitor>());
  out.push_back(std::make_unique<IsolationMonitor>());
  out.push_back(std::make_unique<TransferIntactMonitor>());
  out.push_back(std::make_unique<NoLossMonitor>());
  out.push_back(std::make_unique<CrashCleanupMonitor>());
  return out;
}

}  // namespace ipcsim::model::shm

#include "model/transport/transport_monitors.hpp"

#include "model/transport/no_altered_monitor.hpp"
#include "model/transport/no_data_before_ready_monitor.hpp"
#include "model/transport/no_loss_monitor.hpp"
#include "model/transport/one_completion_monitor.hpp"
#include "model/transport/refused_resubmitted_monitor.hpp"
#include "model/transport/receiver_bound_monitor.hpp"
#include "model/transport/session_order_monitor.hpp"

namespace ipcsim::model::transport {

const std::vector<PropertyInfo>& properties() {
  static const std::vector<PropertyInfo> all = {
      {"no_loss", "every accepted message is delivered exactly once, reported failed, or still held at the end"},
      {"session_order", "each session's messages are delivered in submission order"},
      {"receiver_bound", "a session's input queue at the server never exceeds its length in bytes"},
      {"no_altered_delivery", "every delivered message is byte for byte one a source submitted"},
      {"one_completion", "every accepted message gets at most one completion, and only accepted ones get any"},
      {"refused_resubmitted",
       "a message refused with queue_full is submitted again once its session's queue has space"},
      {"no_data_before_ready",
       "DATA is sent only after the server answered the session's handshake (and not after a RESET)"},
  };
  return all;
}

std::unique_ptr<Monitor> make_monitor(const std::string& name) {
  if (name == "no_loss") return std::make_unique<NoLossMonitor>();
  if (name == "session_order") return std::make_unique<SessionOrderMonitor>();
  if (name == "receiver_bound") return std::make_unique<ReceiverBoundMonitor>();
  if (name == "no_altered_delivery") return std::make_unique<NoAlteredMonitor>();
  if (name == "one_completion") return std::make_unique<OneCompletionMonitor>();
  if (name == "refused_resubmitted") return std::make_unique<RefusedResubmittedMonitor>();
  if (name == "no_data_before_ready") return std::make_unique<NoDataBeforeReadyMonitor>();
  return nullptr;
}

}  // namespace ipcsim::model::transport

#include "impl/transport/session_state.hpp"

namespace ipcsim::transport {

const char* to_string(SessionState s) {
  switch (s) {
    case SessionState::SendSync: return "CE_SS_SEND_SYNC";
    case SessionState::AppConfirmAcceptAck: return "CE_SS_APP_CONFIRM_ACCEPT_ACK";
    case SessionState::AppCloseSession: return "CE_SS_APP_CLOSE_SESSION";
    case SessionState::ActionRequiringState: return "CE_SS_ACTION_REQUIRING_STATE";
    case SessionState::Null: return "CE_SS_NULL";
    case SessionState::SendingSync: return "CE_SS_SENDING_SYNC";
    case SessionState::WaitingAck: return "CE_SS_WAITING_ACK";
    case SessionState::WaitingForAcceptAck: return "CE_SS_WAITING_FOR_ACCEPT_ACK";
    case SessionState::SendingAppSessionAck: return "CE_SS_SENDING_APP_SESSION_ACK";
    case SessionState::SessionWaitingForSyncComplete: return "CE_SS_SESSION_WAITING_FOR_SYNC_COMPLETE";
    case SessionState::SendingFin: return "CE_SS_SENDING_FIN";
    case SessionState::SessionClosed: return "CE_SS_SESSION_CLOSED";
    case SessionState::SessionReady: return "CE_SS_SESSION_READY";
  }
  return "?";
}

}  // namespace ipcsim::transport

// The seed's session states (TABLE 1, CE_SESSION_STATE), in its order, and the
// parameters of CSession::Init.
//
// The seed lists the states but gives no transitions; the ones used here (each
// an assumption, README.md) are:
//   sender:   NULL -> SEND_SYNC (CreateSession) -> SENDING_SYNC (a dispatcher
//             writes the SYNC) -> SESSION_WAITING_FOR_SYNC_COMPLETE (written,
//             the write not yet complete) -> WAITING_ACK (write complete) ->
//             SESSION_READY (SYNC ACK from the server) -> APP_CLOSE_SESSION
//             (the app closed it) -> SENDING_FIN -> SESSION_CLOSED (FIN ACK).
//   receiver: NULL -> WAITING_FOR_ACCEPT_ACK (SYNC arrived, the app must
//             accept) -> APP_CONFIRM_ACCEPT_ACK (accepted) ->
//             SENDING_APP_SESSION_ACK -> SESSION_READY -> SESSION_CLOSED (FIN).
//   A refused or failed handshake ends in SESSION_CLOSED; a server that lost
//   the session (it restarted) sends the sender back to SEND_SYNC.
// CE_SS_ACTION_REQUIRING_STATE is kept as the seed has it: a marker between the
// states that need an action and the others; no session is ever in it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ipcsim::transport {

enum class SessionState : std::uint8_t {
  SendSync,                     // CE_SS_SEND_SYNC: needs to send SYNC
  AppConfirmAcceptAck,          // CE_SS_APP_CONFIRM_ACCEPT_ACK: needs to send the app's ACK
  AppCloseSession,              // CE_SS_APP_CLOSE_SESSION: needs to send FIN
  ActionRequiringState,         // CE_SS_ACTION_REQUIRING_STATE: the marker, never a state
  Null,                         // CE_SS_NULL
  SendingSync,                  // CE_SS_SENDING_SYNC
  WaitingAck,                   // CE_SS_WAITING_ACK: for the server's ACK
  WaitingForAcceptAck,          // CE_SS_WAITING_FOR_ACCEPT_ACK: for the app to accept
  SendingAppSessionAck,         // CE_SS_SENDING_APP_SESSION_ACK
  SessionWaitingForSyncComplete,// CE_SS_SESSION_WAITING_FOR_SYNC_COMPLETE: the SYNC write
  SendingFin,                   // CE_SS_SENDING_FIN
  SessionClosed,                // CE_SS_SESSION_CLOSED
  SessionReady,                 // CE_SS_SESSION_READY
};
inline constexpr int kSessionStateCount = 13;

// "CE_SS_SEND_SYNC", ...
const char* to_string(SessionState s);
// True for the states before the marker: the engine owes an action.
constexpr bool needs_action(SessionState s) { return s < SessionState::ActionRequiringState; }

// CSession::Init's arguments.
struct SessionParams {
  std::string address = "175.1.1.10";
  std::uint16_t port = 33701;
  std::string principal = "DLS_SERVER_1";
  std::uint64_t output_queue_bytes = 2 * 1024 * 1024;
  std::uint64_t input_queue_bytes = 4 * 1024 * 1024;
  std::vector<std::byte> context;  // "GUID_REPLICA"
  bool encrypt = false;            // seal each message (the seed's "may be encrypted", asked per session)
};

}  // namespace ipcsim::transport

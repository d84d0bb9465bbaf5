// What a transport engine is built with: its timing and retry policy, and the
// broken variants (each a literal or careless reading of seed 004 that a
// property of model/transport catches).
#pragma once

#include <cstdint>

#include "sim/time.hpp"

namespace ipcsim::transport {

struct Bugs {
  // The sender keeps sending when the receiver advertised a window of 0: the
  // receiver's input queue overflows its bound (receiver_bound).
  bool ignore_window = false;
  // A retry goes out as a new message (a fresh sequence number), a literal
  // reading of "Message may be retransmitted to the input/output buffer": when
  // the first copy did arrive, the receiver stores both (no_loss: delivered twice).
  bool retry_new_seq = false;
  // The last timeout removes the message from the output queue without telling
  // its session (no_loss: neither delivered nor reported failed nor pending).
  bool timeout_forgets = false;
  // The receiver does not check signatures: an altered message is delivered
  // (no_altered_delivery).
  bool skip_verify = false;
  // Trap "departure is not delivery": the message is retired as delivered when
  // its write completes (the IOCP completion), before any receiver ACK; a loss
  // after that is reported as success (no_loss).
  bool departure_is_delivery = false;
  // Trap "zero-window deadlock": no probe. A message the server holds waits
  // for the WndSize=1 update (or the ACK saying it was stored) alone; when the
  // link loses that ACK, both ends wait forever (deadlock_free).
  bool no_probe = false;
  // Trap "refused, then waiting": after queue_full the source waits for a
  // notice that space opened, and the notice is edge-triggered (it wakes only
  // those already waiting). When the last outstanding message completes
  // between the refusal and the wait, the notice is lost and the source waits
  // forever with its message never submitted again (refused_resubmitted).
  bool edge_triggered_space = false;
  // Trap "timeout against a late completion": a message's timer runs from the
  // start of its write, and a message whose time is up is taken out of the
  // queue (reported failed, its space freed) even while its write goes on;
  // the write then finishes, the storage takes it, and its ACK completes it a
  // second time (one_completion).
  bool retire_during_write = false;
  // Trap "early use of a session": CreateSession returns at once, so the
  // source submits at once, and the engine sends data before the handshake
  // made the session READY (no_data_before_ready).
  bool data_before_ready = false;
};

struct EngineConfig {
  // A message whose delivery is not confirmed this long after it left is sent
  // again (or probed for, once the receiver holds it), at most max_retries
  // times, then reported failed to its session. The seed's example: 1 minute.
  sim::Duration timeout = std::chrono::minutes(1);
  std::uint32_t max_retries = 3;
  Bugs bugs{};
};

}  // namespace ipcsim::transport

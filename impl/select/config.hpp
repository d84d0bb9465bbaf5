// Configuration of the distributed select() system (seed 002): pipe sizes,
// the agents' liveness-check period, and the deliberately broken variants.
//
//   select::System sys(world, cpus, bus, {.check_period = 20us, .bugs = {.no_dedupe = true}});
#pragma once

#include <chrono>
#include <cstdint>

#include "sim/time.hpp"

namespace ipcsim::select {

using namespace std::chrono_literals;

// Deliberately broken variants (DESIGN.md): each is caught by a monitor of
// model/select. All off is the correct protocol.
struct Bugs {
  // The kernel hands every remote select to the agent, which sends an interest
  // message even when one for the same (pipe, event) is outstanding (claims 2,
  // 23, 24 ignored). Caught by one_request.
  bool no_dedupe = false;
  // The distributor posts a notification to the first recorded waiter only;
  // the others sleep on although their FD is ready. Caught by no_lost_wakeup.
  bool notify_first_only = false;
  // Agents never check that the CPUs they depend on are alive: a waiter
  // without a timeout on a crashed CPU's pipe sleeps forever. Caught by
  // crash_progress.
  bool no_liveness = false;
  // Schedule-dependent, the seed's T10 read literally: the home agent checks
  // whether the pipe is ready, and "if the FD is not ready" records the
  // interest in a later step. A write between the two makes the pipe ready
  // with nobody recorded to notify. Caught by no_lost_wakeup.
  bool record_after_check = false;
  // Schedule-dependent, the "dedupe versus re-arming" trap: the distributor
  // posts a notification to the waiters it has, and clears the outstanding
  // request a step later. A select on the same (pipe, event) arriving in
  // between is suppressed ("no need to send another message") and then
  // dropped with the entry: never notified. Caught by no_lost_wakeup.
  bool rearm_after_fanout = false;
  // The "stale ready list" trap: ready-list entries are not tagged with the
  // select they answer, and a select that ends leaves its waits registered at
  // the agent. A notification for an abandoned select is posted all the same
  // and satisfies the process's next select, although the FD is no longer
  // ready. Caught by no_stale_wakeup.
  bool untagged_ready_list = false;
  // The "per-CPU interest" trap, the tempting fix for stale interest: a select
  // that times out cancels its remote interest (kCancel) and clears the
  // outstanding request, though other waiters of the same CPU still wait on
  // it: they are stranded until their own timeouts. Caught by no_lost_wakeup.
  bool cancel_on_timeout = false;
  // The "edge or level" trap: the home forgets an interest once it has
  // notified, but the asking CPU never clears its outstanding request: every
  // later select on that (pipe, event) is suppressed and never notified.
  // Caught by no_lost_wakeup.
  bool outstanding_never_cleared = false;
  // Sockets, the mode-switch trap read literally: when a second memory space
  // attaches to a socket, the I/O process switches to contention mode without
  // draining the shadow that forwarding filled. Packets held there are
  // overtaken by newer ones read elsewhere. Caught by packet_delivery.
  bool no_drain_at_switch = false;
  // The drain at the switch copies the shadow's packets back to the real
  // socket instead of moving them, and the shadow goes on serving its local
  // readers from what it holds: a packet can be read from the shadow and
  // delivered again from the real socket (double delivery). Caught by
  // packet_delivery.
  bool recall_keeps_copies = false;
  // Schedule-dependent, the "check-then-sleep" trap read literally: the
  // kernel scans the ready list in one step and suspends the caller in the
  // next ("the kernel suspends the calling process again"), with a scheduling
  // point between. A notification the agent posts in between finds the caller
  // not yet asleep: the entry is on the ready list but nobody looks at it
  // until the timeout. Caught by no_lost_wakeup.
  bool check_then_sleep = false;
  // The "shadow before real" trap read literally: socket() makes the shadow
  // (S8) and returns its FD before the remote create (S12) answered; the
  // shadow is bound to the real socket when the answer comes. A refused
  // create finds nothing waiting for the answer ("wakes the user if
  // waiting"): it is dropped, and the user of the shadow selects and reads on
  // a socket that does not exist, never told. Caught by refusal_reported.
  bool shadow_before_real = false;
  // The "crash detection" trap read literally: a peer that has not answered
  // one ping by the next check is declared dead, whatever `suspect_after`
  // says. A peer whose ping or pong the bus delays beyond a check period is
  // alive but declared dead, and everything waiting on it is woken with
  // errors. Caught by no_false_suspicion.
  bool suspect_on_first_miss = false;
  // "A crash of a CPU holding ends is not a close", read literally: the
  // home keeps the open descriptions a crashed (or restarted) CPU held, and
  // does not watch the CPUs that hold them. A reader whose last writer was on
  // the crashed CPU never sees end of file (a writer whose last reader was
  // there never sees EPIPE): it waits for ever. Caught by crash_progress.
  bool crash_keeps_ends = false;
  // Sockets, leaving contention mode read literally: when only one memory
  // space is left, the I/O process simply forwards each packet again ("as
  // soon as data is received ... sends the message"), without telling the
  // remaining shadow first. The shadow learns the mode from the first
  // forwarded packet, and a select there that asked the real socket for read
  // readiness before the switch is never told: the I/O process no longer
  // notifies, and the forwarded packet wakes only local waiters. Caught by
  // no_lost_wakeup.
  bool silent_switch_back = false;
  // Out-of-band data, T10 for the exception event read as the old model had
  // it ("exceptional conditions" meaning only a dead peer): the I/O process
  // answers an interest in a socket's exceptional condition when urgent data
  // is pending, and otherwise records nothing, so a select waiting for urgent
  // data that arrives later is never told. Caught by no_lost_wakeup.
  bool except_not_recorded = false;
  // Outbound data, the old model's "a socket is always writable" kept at the
  // I/O process: a write that finds the send buffer full is answered as
  // accepted in full, and what does not fit is dropped. The writer is told
  // its bytes went out; they never leave. Caught by outbound_delivery.
  bool drop_when_full = false;
};

struct SelectConfig {
  std::uint32_t pipe_capacity = 64;  // bytes a pipe buffers
  // PIPE_BUF: a write of at most this many bytes is all or nothing, and a pipe
  // is writable while this many bytes fit (1: the byte model, where any room
  // is room; Linux: 4096 in a pipe of 65536, room counted in pages).
  std::uint32_t pipe_buf = 1;
  // How often an agent with something outstanding at a remote CPU checks that
  // it is alive (the seed: "from time to time"). A peer that has not answered
  // one ping by the next check is declared dead.
  sim::Duration check_period = 50us;
  // A peer is declared dead only when this many checks in a row found its
  // ping unanswered (each miss sends another ping; any pong clears them). A
  // crash is detected within suspect_after + 1 check periods; a live peer is
  // suspected only if suspect_after pings in a row, or their pongs, each take
  // longer than a check period.
  std::uint32_t suspect_after = 2;
  // On a bus that may lose messages: an interest outstanding this long with
  // someone waiting on it is sent again (at the agent's next check), so a
  // lost interest or notification delays a wake-up instead of stranding it.
  // 0: never (the seed's messaging system loses nothing).
  sim::Duration resend_period{0};
  // Outbound socket data: the real socket's send buffer (bytes written and not
  // yet sent out of the network port; a socket is writable while one byte
  // fits), and the network's time per byte (0: the port sends at once).
  std::uint32_t sock_send_buffer = 64;
  sim::Duration net_byte_time{0};
  Bugs bugs{};
};

}  // namespace ipcsim::select

// The properties of the distributed select() system (seed 002), each an
// independent witness that reads the trace (impl/select/trace_schema.md) and
// keeps its own books:
//
//   one_return      each select() returns exactly once; its count is the number
//                   of bits it returns, and every returned bit was asked for
//   no_lost_wakeup  a select returns by its timeout at the latest, and early
//                   whenever an FD it asked for was ready longer than a
//                   notification takes (0 for a pipe in its own memory space,
//                   two bus latencies for one in another), as the pipe's own
//                   level (bytes written and taken) says, or for a socket
//                   where its packets are (at the reader's shadow, or at the
//                   real socket when that shadow reads there)
//   no_stale_wakeup every bit a select returns for a pipe was true at some
//                   moment of the call, give or take a notification's delay
//   one_request     at most one interest message outstanding per (pipe, event,
//                   CPU): duplicates are suppressed (claims 2, 23, 24)
//   crash_progress  a select waiting on a pipe whose CPU crashed returns within
//                   two check periods and two bus latencies (nothing waits forever)
//   no_loss         every byte written into a pipe is taken or still buffered
//                   at the end (as the pipe's inventory shows), and every byte
//                   taken for a CPU is read there
//   refusal_reported a socket() whose connect the I/O process refused is
//                   reported to every user: socket() returns -1, or else
//                   every select on the FD returns within two bus latencies of
//                   the refusal and no read of it returns "no packet" after
//   no_false_suspicion a CPU is declared dead only if it crashed since the
//                   declaring CPU last heard from it (a slow peer is not dead)
//   packet_delivery each socket packet is read at most once across all CPUs,
//                   none leaves the real socket for a contention read while an
//                   older one waits in a shadow (arrival order), and at the end
//                   every packet is read or still held (real socket or shadow)
//   outbound_delivery every byte written to a socket and accepted leaves by the
//                   network port once, in acceptance order; each writer is told
//                   what the I/O process took; none is lost at the end
#pragma once

#include <deque>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "model/select/select_monitor.hpp"

namespace ipcsim::model::select {

class OneReturnMonitor final : public SelectMonitor {
 public:
  OneReturnMonitor() : SelectMonitor("one_return") {}

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  struct Pending {
    std::uint64_t call;
    sim::CpuId cpu;
    std::uint64_t in[3];
  };
  std::map<sim::ActorId, Pending> pending_;
};

class LostWakeupMonitor final : public SelectMonitor {
 public:
  LostWakeupMonitor() : SelectMonitor("no_lost_wakeup") {}

 protected:
  void watch(const sim::TraceRecord& r) override;
  void ended(const Call& c, const sim::TraceRecord* ret) override;
  void crashed(sim::CpuId cpu, sim::Instant at) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Level {
    std::uint64_t bytes = 0;
    std::uint32_t capacity = 0;
    sim::CpuId home = sim::kNoCpu;
    bool gone = false;
    bool eof = false;  // every write end closed: readable for good
    bool broken = false;  // every read end closed: writable (an error, EPIPE) for good
    std::vector<std::pair<sim::Instant, bool>> ready[2];  // transitions of read and write readiness
    // The monitor's own books of the open descriptions of each end (0 read,
    // 1 write) per CPU, from select.end.open / select.end.close: with every
    // description of the write ends closed the pipe is readable (end of file),
    // of the read ends writable (EPIPE), whatever the home says, once the last
    // close could reach the home and the notification come back. A crashed
    // CPU's descriptions stay in these books (crash_progress judges those).
    std::map<sim::CpuId, std::int64_t> ends[2];
    bool had[2] = {false, false};
    std::vector<std::pair<sim::Instant, bool>> closed[2];  // transitions: [0] read-ready, [1] write-ready by the books
  };
  void ends_changed(Level& l, sim::Instant at);
  void set_level(Level& l, std::uint64_t bytes, sim::Instant at);
  // "" when `c` up to `until` is fine; else what went wrong.
  std::string judge(const Call& c, sim::Instant until, bool returned) const;
  std::map<std::uint64_t, Level> pipes_;

  // Sockets: a reader on CPU x can read when x's shadow holds a packet, or
  // when x's shadow reads at the real socket (contention) and a packet is
  // there and not being drained.
  struct Sock {
    sim::CpuId io = sim::kNoCpu;
    std::int64_t real = 0;
    bool recalling = false;
    bool gone = false;
    std::map<sim::CpuId, std::int64_t> held;    // per shadow
    std::map<sim::CpuId, bool> contention;      // per shadow
    std::map<sim::CpuId, std::vector<std::pair<sim::Instant, bool>>> ready;  // per shadow's readers
    std::int64_t oob = 0;  // urgent packets held at the real socket (out-of-band data: every CPU's alike)
    std::vector<std::pair<sim::Instant, bool>> except_ready;  // transitions of exceptional readiness
    std::int64_t out = 0;          // bytes accepted into the send buffer and not yet sent out of the port
    std::int64_t send_buffer = 0;  // its capacity (0: unknown, not judged)
    std::vector<std::pair<sim::Instant, bool>> write_ready;  // transitions of write readiness (every CPU's alike)
  };
  void sock_changed(Sock& s, sim::Instant at);
  void watch_socket(const sim::TraceRecord& r);
  std::map<std::uint64_t, Sock> socks_;
};

// No stale wake-up (the checklist's property 8): every read or write bit a
// select returns for a pipe was true, by the pipe's own level, at some moment
// between the call (less the time a notification may take) and the return.
class StaleWakeupMonitor final : public SelectMonitor {
 public:
  StaleWakeupMonitor() : SelectMonitor("no_stale_wakeup") {}

 protected:
  void watch(const sim::TraceRecord& r) override;
  void ended(const Call& c, const sim::TraceRecord* ret) override;
  void crashed(sim::CpuId cpu, sim::Instant at) override;

 private:
  struct Level {
    std::uint64_t bytes = 0;
    std::uint32_t capacity = 0;
    bool gone = false;
    std::optional<sim::Instant> eof;  // every write end closed: readable from then on
    std::optional<sim::Instant> broken;  // every read end closed: writable (EPIPE) from then on
    std::vector<std::pair<sim::Instant, std::uint64_t>> history;  // (from, bytes)
  };
  std::map<std::uint64_t, Level> pipes_;
};

class OneRequestMonitor final : public SelectMonitor {
 public:
  OneRequestMonitor() : SelectMonitor("one_request") {}

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  std::map<std::tuple<std::uint64_t, int, sim::CpuId>, sim::Instant> outstanding_;  // (pipe, event, cpu) -> sent at
};

// Progress after a crash (the checklist's property 7): a select waiting on a
// pipe whose home crashed, or on a pipe whose last open write ends (for a
// read) or read ends (for a write) were held by a CPU that crashed, returns
// within the crash bound. The monitor keeps its own books of which CPU holds
// which open descriptions of which pipe's ends (`select.end.open` /
// `select.end.close` on the holder's CPU; a crash closes all of that CPU's).
class CrashProgressMonitor final : public SelectMonitor {
 public:
  CrashProgressMonitor() : SelectMonitor("crash_progress") {}

 protected:
  void watch(const sim::TraceRecord& r) override;
  void crashed(sim::CpuId cpu, sim::Instant at) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Due {
    sim::Instant by{};
    std::uint64_t pipe = 0;
    std::string why;  // what the crash did to the pipe
  };
  // The instant by which `c` must have returned, if it waits on what a crash took.
  std::optional<Due> deadline(const Call& c) const;
  std::map<std::uint64_t, sim::Instant> created_;
  struct Ends {
    std::map<sim::CpuId, std::int64_t> held[2];  // open descriptions of the read (0) and write (1) ends, per CPU
    std::optional<sim::Instant> orphaned[2];     // a crash closed the last of that end, then
    sim::CpuId by[2] = {sim::kNoCpu, sim::kNoCpu};  // the CPU whose crash did
  };
  std::map<std::uint64_t, Ends> ends_;
};

class NoLossMonitor final : public SelectMonitor {
 public:
  NoLossMonitor() : SelectMonitor("no_loss") {}

 protected:
  void watch(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Books {
    sim::Instant created{};
    std::uint64_t written = 0;
    std::uint64_t taken = 0;
    std::optional<std::uint64_t> inventory;
    std::map<sim::CpuId, std::uint64_t> taken_for;
    std::map<sim::CpuId, std::uint64_t> read_at;
  };
  std::map<std::uint64_t, Books> pipes_;
};

class PacketDeliveryMonitor final : public SelectMonitor {
 public:
  PacketDeliveryMonitor() : SelectMonitor("packet_delivery") {}

 protected:
  void watch(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  enum class Where : std::uint8_t { Real, ToShadow, Shadow, Returning, ToReader, Read };
  struct Packet {
    std::uint64_t sock = 0;
    std::uint64_t order = 0;  // arrival index at its socket
    Where where = Where::Real;
    sim::CpuId cpu = sim::kNoCpu;  // the shadow's or the reader's CPU
    std::string read_by;           // who read it, when
  };
  std::string name(std::uint64_t packet) const;
  std::map<std::uint64_t, Packet> packets_;  // by packet id
  std::map<std::uint64_t, std::uint64_t> arrivals_;  // per socket
  std::map<std::uint64_t, sim::CpuId> io_cpu_;       // socket -> the I/O process's CPU
  std::map<std::uint64_t, std::vector<std::uint64_t>> held_;  // inventories: socket -> packets held anywhere
};

// Outbound socket data: every byte a user wrote to a socket and was told the
// socket accepted leaves by the I/O process's network port exactly once, in
// the order the I/O process accepted the writes; the count a writer is told
// is the count the I/O process took; at the end every accepted byte has left
// or is still in the send buffer (its inventory). Books: the writes the I/O
// process accepted (select.sock.send), in order, per socket; the segments
// sent out of the port (select.sock.transmit); what each writer was told
// (select.sock.write).
class OutboundDeliveryMonitor final : public SelectMonitor {
 public:
  OutboundDeliveryMonitor() : SelectMonitor("outbound_delivery") {}

 protected:
  void watch(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Segment {
    sim::CpuId cpu;
    std::uint64_t req;
    std::uint64_t bytes;
  };
  std::map<std::uint64_t, std::deque<Segment>> queued_;  // per socket, accepted and not yet sent, oldest first
  std::map<std::pair<sim::CpuId, std::uint64_t>, std::uint64_t> accepted_;  // (writer's CPU, req) -> bytes taken
  std::map<std::uint64_t, sim::CpuId> io_cpu_;
  std::map<std::uint64_t, std::uint64_t> inventory_;  // per socket: bytes still in the send buffer at the end
};

// The "shadow before real" trap: a failed remote create must reach whoever
// already uses the shadow. Learns the sockets socket() handed out (with the
// request that asked for them) and the I/O process's refusals, by request.
class RefusalReportedMonitor final : public SelectMonitor {
 public:
  RefusalReportedMonitor() : SelectMonitor("refusal_reported") {}

 protected:
  void watch(const sim::TraceRecord& r) override;
  void ended(const Call& c, const sim::TraceRecord* ret) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Refused {
    sim::Instant at{};
    std::uint32_t port = 0;
  };
  // The instant by which `c` must have returned, if it waits on a refused socket.
  std::optional<std::pair<sim::Instant, std::uint64_t>> deadline(const Call& c) const;
  std::string describe(std::uint64_t sock) const;
  std::map<std::uint64_t, std::uint64_t> sock_of_req_;  // socket() requests that returned an FD -> its socket
  std::map<std::uint64_t, Refused> refused_req_;         // refused requests
  std::map<std::uint64_t, Refused> refused_;             // sockets handed out whose create was refused
};

// The "crash detection" trap: a peer slower than a check period is not dead.
// Learns from each CPU's agent whom it last heard from when, and from the
// world which CPUs crashed when.
class FalseSuspicionMonitor final : public SelectMonitor {
 public:
  FalseSuspicionMonitor() : SelectMonitor("no_false_suspicion") {}

 protected:
  void watch(const sim::TraceRecord& r) override;

 private:
  // (observer, peer) -> when the latest message it received from the peer was sent
  std::map<std::pair<sim::CpuId, sim::CpuId>, sim::Instant> heard_;
  std::map<std::uint64_t, sim::Instant> sent_;  // bus message id -> when its sender sent it
};

}  // namespace ipcsim::model::select

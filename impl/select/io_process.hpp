// The I/O process of the socket case (the seed's I/O_PROCESS_A, claims 7, 8,
// 19, 22): a continuously running process on one CPU, built for distribution,
// that owns a network port and the real sockets bound to it. External packets
// arrive on its port (System::inject_packet: a device, outside any step).
//
// socket() on any CPU reaches it through that CPU's agent (kConnect); it
// makes the real socket (S12) and remembers which memory spaces have a shadow
// of it. With one space, forwarding mode: each packet is sent at once to that
// space's agent, which stores it at the shadow and wakes readers (S14-S22,
// claim 13). When a second space attaches (socket() there, or a fork of a
// holder onto another CPU), contention mode (claim 14): the shadow that
// forwarding filled is drained back first (kRecall/kReturn: the packets go
// back to the front of the real socket, in order), packets stay at the real
// socket, "data ready" goes to the CPUs that asked (remote interest, as for
// pipes), and each read() on a shadow asks for one packet. Leaving
// contention mode is never described by the seed; here a space detaches when
// its last open of the socket closes (kDetach), and when one space is left
// the I/O process tells it (kForward) and forwards to it again.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <utility>

#include "impl/select/kernel.hpp"

namespace ipcsim::select {

struct RealSock {
  PipeKey key;
  std::uint32_t port = 0;
  std::set<sim::CpuId> attached;       // the memory spaces with a shadow of it
  bool contention = false;
  sim::CpuId forward_to = sim::kNoCpu;  // forwarding mode: the one space
  std::uint64_t forwarded = 0;          // packets sent to it, each numbered
  std::deque<std::uint64_t> queue;     // packets held here, oldest first
  std::set<sim::CpuId> read_interest;  // contention mode: CPUs to tell when data is ready
  std::uint32_t recalling = 0;         // recalls sent whose shadows' packets are not back yet
  std::multiset<sim::CpuId> recalled;  // the CPUs those recalls went to
  std::deque<std::pair<sim::CpuId, std::uint64_t>> pending_reads;  // (cpu, req) parked while recalling
  // Out-of-band data: urgent packets, held here in both modes (never
  // forwarded), oldest first; the socket is exceptional while any is held.
  std::deque<std::uint64_t> oob;
  std::set<sim::CpuId> except_interest;  // CPUs to tell when out-of-band data arrives
  // Outbound: writes accepted into the send buffer and not yet sent out of
  // the network port, oldest first (who wrote them, which request, how many bytes).
  struct Segment {
    sim::CpuId cpu;
    std::uint64_t req;
    std::uint32_t bytes;
  };
  std::deque<Segment> out;
  std::uint32_t out_bytes = 0;
  std::set<sim::CpuId> write_interest;  // CPUs to tell when the send buffer has room
  bool writable(std::uint32_t capacity) const { return out_bytes + 1 <= capacity; }
};

class IoProcess {
 public:
  IoProcess(System& sys, sim::Cpu& cpu);
  sim::Cpu& cpu() const { return *cpu_; }
  sim::Port& port() const { return *port_; }
  sim::ObjectId object() const { return object_; }
  // Formats it again after a restart of its CPU (the sockets died with it).
  void reset();
  const std::map<std::uint32_t, RealSock>& sockets() const { return socks_; }
  // Nothing listens on `port`: a connect to it is refused (kConnected with
  // socket 0), and its packets are dropped. Configuration, kept across restarts.
  void close_port(std::uint32_t port) { closed_.insert(port); }
  void digest(sim::StateHash& h) const;
  // The memory spaces attached to sockets in contention mode: the agent of
  // this CPU checks that they live (Kernel::dependencies).
  std::set<sim::CpuId> contention_spaces() const;
  // That agent declared a space dead (crashed, or restarted as a new
  // incarnation): it detaches from every socket, without a recall (what its
  // shadow held died with it). Called in the agent's step on this CPU.
  void space_dead(sim::CpuId cpu);

  sim::Task<> run(sim::Ctx cx);

 private:
  RealSock* lookup(PipeKey key);
  // `told`: the CPU learns the mode from the answer to its connect; a fork's
  // attach that makes it the one space is told by kForward.
  void attach(RealSock& s, sim::CpuId cpu, bool told);
  void detach(RealSock& s, sim::CpuId cpu);
  // Contention mode with one space left (and no recall out): forwarding again.
  void leave_contention_if_alone(RealSock& s);
  void start_forwarding(RealSock& s, sim::CpuId cpu);
  // A read from the forwarding space, sent before it learned the switch.
  void answer_moved(RealSock& s, sim::CpuId cpu, std::uint64_t req);
  void pump(RealSock& s);
  void serve(RealSock& s, sim::CpuId cpu, std::uint64_t req);
  void serve_oob(RealSock& s, sim::CpuId cpu, std::uint64_t req);
  void accept_write(RealSock& s, sim::CpuId cpu, std::uint64_t req, std::uint32_t n);
  // The network port sends the oldest segment of a socket's send buffer; it
  // is out after its bytes times net_byte_time (at once when that is 0).
  void start_transmit();
  void handle(const sim::Message& m);
  void kick();  // wakes the I/O process to send what a call from its CPU's agent queued
  // On a lossy bus (resend_period > 0): a request asked again gets the
  // answer it got the first time (kept by (CPU, request)), and is not applied twice.
  bool answer_again(const sim::Message& m);
  void keep_answer(const sim::Message& m, std::size_t outbox_before);
  void end_transmit();
  void send(sim::CpuId to, std::uint32_t tag, Words body);
  void touch() const;

  System* sys_;
  sim::Cpu* cpu_;
  sim::Port* port_;
  sim::ObjectId object_;
  std::uint32_t incarnation_ = 1;
  std::uint32_t next_ = 0;
  std::map<std::uint32_t, RealSock> socks_;        // by number
  std::map<std::uint32_t, std::uint32_t> by_port_;  // port -> socket number
  std::deque<Outgoing> outbox_;
  std::set<std::uint32_t> closed_;  // ports nothing listens on
  std::map<std::pair<sim::CpuId, std::uint64_t>, Outgoing> answered_;  // lossy bus: answers by (CPU, request)
  std::uint32_t tx_sock_ = 0;       // the socket whose segment is on the wire (0: the port is idle)
  sim::Instant tx_until_{};
};

}  // namespace ipcsim::select

// Small shared vocabulary of impl/select: events, bitmasks, pipe keys, and the
// agents' message tags and codec.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "sim/ids.hpp"

namespace ipcsim::select {

using Pid = sim::ActorId;  // a process is an actor

// Error is not one of select()'s masks: it is what a read bit asked of a
// pipe's write end waits for (Linux's POLLERR, every read end closed, which
// select reports as readable and writable), between kernels and agents only;
// it is posted to the caller as Read.
enum class Ev : std::uint8_t { Read = 0, Write = 1, Except = 2, Error = 3 };
inline const char* to_string(Ev e) {
  return e == Ev::Read ? "read" : e == Ev::Write ? "write" : e == Ev::Except ? "except" : "error";
}

// select()'s three bitmasks: bit fd of each set is that FD (FDs 0..63).
struct Masks {
  std::uint64_t r = 0;
  std::uint64_t w = 0;
  std::uint64_t e = 0;
  std::uint64_t& of(Ev ev) { return ev == Ev::Read ? r : ev == Ev::Write ? w : e; }
  std::uint64_t of(Ev ev) const { return ev == Ev::Read ? r : ev == Ev::Write ? w : e; }
  friend bool operator==(const Masks&, const Masks&) = default;
};
inline constexpr int kMaxFds = 64;

// TTY line n is the Telnet server's connection number kTtyBase + n, beside
// the network ports 1..65535 of the sockets it also serves.
inline constexpr std::uint32_t kTtyBase = 0x10000;

// A pipe's name in the whole machine: the CPU whose kernel holds the real
// pipe, that CPU's incarnation when it was made, and its number there.
struct PipeKey {
  sim::CpuId home = sim::kNoCpu;
  std::uint32_t incarnation = 0;
  std::uint32_t number = 0;
  // Decimal, so that people can read it in traces: CPU + 1, then three digits
  // of incarnation, then four of number (pipe 1 of cpu0's first life: 10010001).
  std::uint64_t packed() const {
    return static_cast<std::uint64_t>(home + 1) * 10'000'000 + std::uint64_t{incarnation} * 10'000 + number;
  }
  static PipeKey unpack(std::uint64_t v) {
    return {static_cast<sim::CpuId>(v / 10'000'000 - 1), static_cast<std::uint32_t>(v / 10'000 % 1000),
            static_cast<std::uint32_t>(v % 10'000)};
  }
  static constexpr std::uint32_t kMaxNumber = 9'999;
  static constexpr std::uint32_t kMaxIncarnation = 999;
  friend auto operator<=>(const PipeKey&, const PipeKey&) = default;
};

// Agent-to-agent messages over the bus (sim::Message::tag), and the local kick
// a kernel delivers to its own agent's port when it has something to send.
enum Tag : std::uint32_t {
  kInterest = 1,   // pipe, event: notify me when it is ready
  kNotify = 2,     // pipe, event, dead: it is ready (or gone)
  kRead = 3,       // pipe, req, max
  kReadReply = 4,  // req, status (bytes, or -1), then the bytes
  kWrite = 5,      // pipe, req, then the bytes
  kWriteAck = 6,   // req, accepted (or -1)
  kPing = 7,       // (nothing)
  kPong = 8,       // incarnation
  // Sockets: agents and the I/O process that owns the real sockets.
  kConnect = 9,         // port, req: socket() (to the I/O process)
  kConnected = 10,      // req, socket (0: refused), contention
  kAttach = 11,         // socket: a shadow of it now exists on the sender's CPU (a fork)
  kData = 12,           // socket, packet, number: forwarding mode, the packet for the shadow (numbered from 1)
  kRecall = 13,         // socket, forwarded: contention starts, give back what the shadow holds once all are in
  kReturn = 14,         // socket, n, packets: what the shadow held, oldest first
  kSockRead = 15,       // socket, req, oob (1: a read of out-of-band data, in either mode): a read in contention mode
  kSockReadReply = 16,  // req, status (1 a packet, 0 none, -1 error), packet
  kPacket = 17,         // external: port, packet id, urgent (a device delivers it to the I/O process)
  kQuery = 18,          // pipe or socket, event, req: is it ready now? (a zero-timeout select)
  kQueryReply = 19,     // req, ready (1), not (0), gone (2)
  kCancel = 20,         // pipe, event: forget my interest (broken variant cancel_on_timeout only)
  kOpen = 21,           // pipe, end (1 write, 0 read), holder CPU, its incarnation, req: one more open description
  kClose = 22,          // pipe, end, holder CPU (the sender), its incarnation, req: one open description closed
  kCountAck = 23,       // req: a kOpen or kClose was counted (only with re-sends: resend_period > 0)
  kSendFd = 24,         // socketpair way, req, kind, passed pipe: one byte carrying an FD (SCM_RIGHTS)
  kRecvFd = 25,         // socketpair way, req, receiver's incarnation: take one byte and the FD it carries
  // Sockets, leaving contention mode (numbered apart from the pipes' tags).
  kDetach = 40,         // socket: the sender's space closed its last open of it (its shadow leaves)
  kForward = 41,        // socket, base: forwarding mode again, to you; the next packets are numbered from base + 1
  kSockWrite = 42,      // socket, req, n: a write of n bytes to the real socket's send buffer (answered by kWriteAck)
  kKick = 100,     // local: the kernel's outbox has messages
};
const char* tag_name(std::uint32_t tag);

// Message bodies: 64-bit words, then raw bytes.
struct Words {
  std::vector<std::byte> bytes;
  Words& word(std::uint64_t v) {
    const std::size_t at = bytes.size();
    bytes.resize(at + 8);
    std::memcpy(bytes.data() + at, &v, 8);
    return *this;
  }
  Words& raw(std::span<const std::byte> b) {
    bytes.insert(bytes.end(), b.begin(), b.end());
    return *this;
  }
};
inline std::uint64_t word_at(std::span<const std::byte> b, std::size_t i) {
  std::uint64_t v = 0;
  if (b.size() >= (i + 1) * 8) std::memcpy(&v, b.data() + i * 8, 8);
  return v;
}

}  // namespace ipcsim::select

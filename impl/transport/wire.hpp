// Frames on a connection: a fixed header, the payload, and a tag over both.
//
// Every frame is signed with the key of the principal it names, so the
// receiver learns who sent it and that no byte changed on the way; SYNC's
// payload is the session's context and its tag is the authentication.
//
//   header (little-endian): type u8, conn u16, principal u16, session u32,
//     seq u64, window u32, stored u64, ack_no u64, user u64, payload_len u32
//   payload (payload_len bytes), tag (32 bytes)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "impl/transport/crypto.hpp"

namespace ipcsim::transport {

enum class FrameType : std::uint8_t {
  Sync = 1,     // sender -> server: open a session (payload: context)
  SyncAck,      // server -> sender: accepted (window, stored = resume point)
  Refuse,       // server -> sender: unknown principal or bad authentication
  Data,         // sender -> server: one whole message (seq, user, payload)
  Ack,          // server -> sender: seq received (0: a window update), window, stored
  Probe,        // sender -> server: answer with an Ack (window, stored)
  Reset,        // server -> sender: no such session here (it restarted)
  Fin,          // sender -> server: close
  FinAck,       // server -> sender: closed
};
const char* to_string(FrameType t);

struct Frame {
  FrameType type = FrameType::Data;
  std::uint16_t conn = 0;  // the pipe has up to 1024 connections (the seed: about 1000)
  std::uint16_t principal = 0;  // index in the server's table of principals
  std::uint32_t session = 0;
  std::uint64_t seq = 0;
  std::uint32_t window = 0;
  std::uint64_t stored = 0;
  std::uint64_t ack_no = 0;
  std::uint64_t user = 0;
  std::vector<std::byte> payload;
};

inline constexpr std::size_t kHeaderBytes = 1 + 2 + 2 + 4 + 8 + 4 + 8 + 8 + 8 + 4;

// The frame's bytes, signed with `key`.
std::vector<std::byte> encode(const Frame& f, const Key& key);
// The header alone, unchecked (to find the principal whose key verifies it);
// nullopt when the bytes are too short or inconsistent to be a frame.
std::optional<Frame> peek(std::span<const std::byte> bytes);
// True when `bytes` carry a valid tag under `key`.
bool authentic(std::span<const std::byte> bytes, const Key& key);

}  // namespace ipcsim::transport

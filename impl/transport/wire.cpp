#include "impl/transport/wire.hpp"

#include <cstring>
#include <span>

namespace ipcsim::transport {
namespace {

void put(std::vector<std::byte>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
}

std::uint64_t get(std::span<const std::byte> in, std::size_t& at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(in[at + i]) << (8 * i);
  at += bytes;
  return v;
}

}  // namespace

const char* to_string(FrameType t) {
  switch (t) {
    case FrameType::Sync: return "SYNC";
    case FrameType::SyncAck: return "SYNC_ACK";
    case FrameType::Refuse: return "REFUSE";
    case FrameType::Data: return "DATA";
    case FrameType::Ack: return "ACK";
    case FrameType::Probe: return "PROBE";
    case FrameType::Reset: return "RESET";
    case FrameType::Fin: return "FIN";
    case FrameType::FinAck: return "FIN_ACK";
  }
  return "?";
}

std::vector<std::byte> encode(const Frame& f, const Key& key) {
  std::vector<std::byte> out;
  out.reserve(kHeaderBytes + f.payload.size() + kTagBytes);
  put(out, static_cast<std::uint8_t>(f.type), 1);
  put(out, f.conn, 2);
  put(out, f.principal, 2);
  put(out, f.session, 4);
  put(out, f.seq, 8);
  put(out, f.window, 4);
  put(out, f.stored, 8);
  put(out, f.ack_no, 8);
  put(out, f.user, 8);
  put(out, f.payload.size(), 4);
  out.insert(out.end(), f.payload.begin(), f.payload.end());
  const Tag t = sign(key, out);
  for (unsigned char c : t) out.push_back(static_cast<std::byte>(c));
  return out;
}

std::optional<Frame> peek(std::span<const std::byte> in) {
  if (in.size() < kHeaderBytes + kTagBytes) return std::nullopt;
  Frame f;
  std::size_t at = 0;
  const auto type = get(in, at, 1);
  if (type < 1 || type > static_cast<std::uint64_t>(FrameType::FinAck)) return std::nullopt;
  f.type = static_cast<FrameType>(type);
  f.conn = static_cast<std::uint16_t>(get(in, at, 2));
  f.principal = static_cast<std::uint16_t>(get(in, at, 2));
  f.session = static_cast<std::uint32_t>(get(in, at, 4));
  f.seq = get(in, at, 8);
  f.window = static_cast<std::uint32_t>(get(in, at, 4));
  f.stored = get(in, at, 8);
  f.ack_no = get(in, at, 8);
  f.user = get(in, at, 8);
  const std::uint64_t len = get(in, at, 4);
  if (len != in.size() - kHeaderBytes - kTagBytes) return std::nullopt;
  f.payload.assign(in.begin() + static_cast<std::ptrdiff_t>(at), in.begin() + static_cast<std::ptrdiff_t>(at + len));
  return f;
}

bool authentic(std::span<const std::byte> in, const Key& key) {
  if (in.size() < kTagBytes) return false;
  Tag t{};
  std::memcpy(t.data(), in.data() + in.size() - kTagBytes, kTagBytes);
  return verify(key, std::span(in.data(), in.size() - kTagBytes), t);
}

}  // namespace ipcsim::transport

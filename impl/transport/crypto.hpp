// Message authentication with libsodium (crypto_auth: HMAC-SHA-512-256).
//
// Keys are derived from the run's seed and a principal's name, never drawn at
// random: one seed, one run, byte for byte. Both ends derive the same key for
// a principal the server knows (the stand-in for a shared Kerberos secret);
// a sender that claims a principal without its key cannot make a valid tag.
//
//   Keyring k(seed);
//   Key key = k.key_for("DLS_SERVER_1");
//   Tag t = sign(key, bytes);   bool ok = verify(key, bytes, t);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ipcsim::transport {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kTagBytes = 32;
using Key = std::array<unsigned char, kKeyBytes>;
using Tag = std::array<unsigned char, kTagBytes>;

class Keyring {
 public:
  explicit Keyring(std::uint64_t seed);
  // The principal's signing key.
  Key key_for(std::string_view principal) const;
  // The principal's encryption key (another derivation: one key, one use).
  Key seal_key_for(std::string_view principal) const;

 private:
  Key master_{};
};

Tag sign(const Key& key, std::span<const std::byte> data);
bool verify(const Key& key, std::span<const std::byte> data, const Tag& tag);

// Encryption with libsodium crypto_secretbox (XSalsa20-Poly1305). The nonce
// is the message's identity (session, sequence number), so a retry of a
// message is the same ciphertext and no two messages share a nonce.
inline constexpr std::size_t kSealOverhead = 16;
std::vector<std::byte> seal(const Key& key, std::uint32_t session, std::uint64_t seq, std::span<const std::byte> plain);
// The plaintext, or nullopt when the bytes were altered or sealed otherwise.
std::optional<std::vector<std::byte>> open(const Key& key, std::uint32_t session, std::uint64_t seq,
                                           std::span<const std::byte> sealed);

}  // namespace ipcsim::transport

#include "impl/transport/crypto.hpp"

#include <sodium.h>

#include <stdexcept>

namespace ipcsim::transport {
namespace {

void init_sodium() {
  static const int ok = sodium_init();  // thread-safe once; idempotent
  if (ok < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

Keyring::Keyring(std::uint64_t seed) {
  init_sodium();
  unsigned char in[24] = {'i', 'p', 'c', 's', 'i', 'm', '.', 't', 'r', 'a', 'n', 's', 'p', 'o', 'r', 't'};
  for (int i = 0; i < 8; ++i) in[16 + i] = static_cast<unsigned char>(seed >> (8 * i));
  crypto_generichash(master_.data(), master_.size(), in, sizeof in, nullptr, 0);
}

Key Keyring::key_for(std::string_view principal) const {
  Key k{};
  crypto_generichash(k.data(), k.size(), reinterpret_cast<const unsigned char*>(principal.data()), principal.size(),
                     master_.data(), master_.size());
  return k;
}

Key Keyring::seal_key_for(std::string_view principal) const {
  Key named = key_for(principal);
  Key k{};
  static const unsigned char domain[] = "ipcsim.transport.seal";
  crypto_generichash(k.data(), k.size(), domain, sizeof domain - 1, named.data(), named.size());
  return k;
}

namespace {
void nonce_of(unsigned char (&n)[crypto_secretbox_NONCEBYTES], std::uint32_t session, std::uint64_t seq) {
  for (auto& c : n) c = 0;
  for (int i = 0; i < 4; ++i) n[i] = static_cast<unsigned char>(session >> (8 * i));
  for (int i = 0; i < 8; ++i) n[4 + i] = static_cast<unsigned char>(seq >> (8 * i));
}
}  // namespace

std::vector<std::byte> seal(const Key& key, std::uint32_t session, std::uint64_t seq, std::span<const std::byte> plain) {
  static_assert(crypto_secretbox_KEYBYTES == kKeyBytes && crypto_secretbox_MACBYTES == kSealOverhead);
  init_sodium();
  unsigned char n[crypto_secretbox_NONCEBYTES];
  nonce_of(n, session, seq);
  std::vector<std::byte> out(plain.size() + kSealOverhead);
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), n, key.data());
  return out;
}

std::optional<std::vector<std::byte>> open(const Key& key, std::uint32_t session, std::uint64_t seq,
                                           std::span<const std::byte> sealed) {
  init_sodium();
  if (sealed.size() < kSealOverhead) return std::nullopt;
  unsigned char n[crypto_secretbox_NONCEBYTES];
  nonce_of(n, session, seq);
  std::vector<std::byte> out(sealed.size() - kSealOverhead);
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(), n,
                                 key.data()) != 0) {
    return std::nullopt;
  }
  return out;
}

Tag sign(const Key& key, std::span<const std::byte> data) {
  static_assert(crypto_auth_KEYBYTES == kKeyBytes && crypto_auth_BYTES == kTagBytes);
  init_sodium();
  Tag t{};
  crypto_auth(t.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size(), key.data());
  return t;
}

bool verify(const Key& key, std::span<const std::byte> data, const Tag& tag) {
  init_sodium();
  return crypto_auth_verify(tag.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                            key.data()) == 0;
}

}  // namespace ipcsim::transport

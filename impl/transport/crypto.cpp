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

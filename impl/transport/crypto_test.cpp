#include "impl/transport/crypto.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ipcsim::transport {
namespace {

std::vector<std::byte> bytes(const char* s) {
  std::vector<std::byte> b;
  for (; *s != 0; ++s) b.push_back(static_cast<std::byte>(*s));
  return b;
}

TEST(TransportCrypto, KeysFollowFromTheSeedAndThePrincipalOnly) {
  EXPECT_EQ(Keyring(7).key_for("DLS_SERVER_1"), Keyring(7).key_for("DLS_SERVER_1"));
  EXPECT_NE(Keyring(7).key_for("DLS_SERVER_1"), Keyring(8).key_for("DLS_SERVER_1"));
  EXPECT_NE(Keyring(7).key_for("DLS_SERVER_1"), Keyring(7).key_for("DLS_SERVER_2"));
}

TEST(TransportCrypto, AFlippedBitOrAnotherKeyFailsVerification) {
  const Key k = Keyring(1).key_for("a");
  auto data = bytes("a whole message");
  const Tag t = sign(k, data);
  EXPECT_TRUE(verify(k, data, t));
  EXPECT_FALSE(verify(Keyring(2).key_for("a"), data, t));
  data[3] ^= std::byte{1};
  EXPECT_FALSE(verify(k, data, t));
}

}  // namespace
}  // namespace ipcsim::transport

#include "impl/transport/crypto.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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

TEST(TransportCrypto, SealedBytesHideTheMessageAndOpenOnlyAsTheyWereSealed) {
  const Keyring ring(1);
  const Key k = ring.seal_key_for("a");
  EXPECT_NE(k, ring.key_for("a"));
  const auto plain = bytes("a whole message, in clear");
  const auto sealed = seal(k, 1, 7, plain);
  ASSERT_EQ(sealed.size(), plain.size() + kSealOverhead);
  EXPECT_EQ(std::search(sealed.begin(), sealed.end(), plain.begin() + 8, plain.begin() + 20), sealed.end());
  EXPECT_EQ(sealed, seal(k, 1, 7, plain));  // a retry is the same ciphertext
  EXPECT_NE(sealed, seal(k, 1, 8, plain));  // another message, another nonce
  EXPECT_EQ(open(k, 1, 7, sealed), plain);
  EXPECT_FALSE(open(k, 1, 8, sealed));                      // not the message it claims to be
  EXPECT_FALSE(open(ring.seal_key_for("b"), 1, 7, sealed));  // not our key
  auto altered = sealed;
  altered[5] ^= std::byte{1};
  EXPECT_FALSE(open(k, 1, 7, altered));
}

}  // namespace
}  // namespace ipcsim::transport

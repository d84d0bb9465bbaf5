#include "impl/transport/wire.hpp"

#include <gtest/gtest.h>

namespace ipcsim::transport {
namespace {

TEST(TransportWire, AFrameRoundTripsAndItsTagCoversEveryByte) {
  const Key k = Keyring(3).key_for("p");
  Frame f;
  f.type = FrameType::Ack;
  f.conn = 2;
  f.principal = 1;
  f.session = 9;
  f.seq = 12345678901ULL;
  f.window = 3;
  f.stored = 11;
  f.ack_no = 5;
  f.user = 77;
  f.payload = {std::byte{1}, std::byte{2}, std::byte{3}};
  const auto bytes = encode(f, k);
  ASSERT_EQ(bytes.size(), kHeaderBytes + 3 + kTagBytes);
  const auto g = peek(bytes);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->type, FrameType::Ack);
  EXPECT_EQ(g->conn, 2);
  EXPECT_EQ(g->principal, 1);
  EXPECT_EQ(g->session, 9u);
  EXPECT_EQ(g->seq, 12345678901ULL);
  EXPECT_EQ(g->window, 3u);
  EXPECT_EQ(g->stored, 11u);
  EXPECT_EQ(g->ack_no, 5u);
  EXPECT_EQ(g->user, 77u);
  EXPECT_EQ(g->payload, f.payload);
  EXPECT_TRUE(authentic(bytes, k));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto t = bytes;
    t[i] ^= std::byte{0x10};
    EXPECT_FALSE(authentic(t, k)) << "byte " << i;
  }
}

TEST(TransportWire, TruncatedOrInconsistentBytesAreNotAFrame) {
  const Key k = Keyring(3).key_for("p");
  auto bytes = encode(Frame{}, k);
  EXPECT_FALSE(peek(std::vector<std::byte>(bytes.begin(), bytes.end() - 1)));
  bytes[0] = std::byte{99};
  EXPECT_FALSE(peek(bytes));
}

}  // namespace
}  // namespace ipcsim::transport

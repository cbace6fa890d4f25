#include <gtest/gtest.h>

#include "common/bus/crc32.h"
#include "common/bus/frame.h"

namespace setls::bus {
namespace {

TEST(Crc32, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32(as_bytes("123456789")), 0xCBF43926u);
  EXPECT_EQ(crc32({}), 0u);
}

Bytes sample_frame(ByteView payload = as_bytes("hello")) {
  return encode_frame({kCommandMarker, 0, 7, 0x0010, payload});
}

TEST(Frame, RoundTrips) {
  Bytes raw = sample_frame();
  auto f = decode_frame(raw, kCommandMarker);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->seq, 7);
  EXPECT_EQ(f->code, 0x0010);
  EXPECT_EQ(Bytes(f->payload.begin(), f->payload.end()), Bytes(as_bytes("hello").begin(), as_bytes("hello").end()));
}

TEST(Frame, EveryFlippedBitIsDetected) {
  Bytes raw = sample_frame();
  for (size_t bit = 0; bit < raw.size() * 8; ++bit) {
    Bytes damaged = raw;
    damaged[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(decode_frame(damaged, kCommandMarker).ok()) << "bit " << bit;
  }
}

TEST(Frame, TruncatedAndExtendedFramesFail) {
  Bytes raw = sample_frame();
  for (size_t n = 0; n < raw.size(); ++n)
    EXPECT_FALSE(decode_frame(ByteView(raw).first(n), kCommandMarker).ok()) << n;
  Bytes longer = raw;
  longer.push_back(0);
  EXPECT_FALSE(decode_frame(longer, kCommandMarker).ok());
}

TEST(Frame, WrongMarkerOrUnknownFlagsAreRefused) {
  EXPECT_EQ(decode_frame(sample_frame(), kResponseMarker).status(), Status::BusMagic);
  Bytes raw = encode_frame({kCommandMarker, 0x80, 1, 1, {}});
  EXPECT_EQ(decode_frame(raw, kCommandMarker).status(), Status::BusMagic);
}

TEST(Frame, PayloadLimitIsTwoKiB) {
  Bytes max(kMaxPayload, 0x42);
  EXPECT_FALSE(sample_frame(max).empty());
  Bytes over(kMaxPayload + 1, 0x42);
  EXPECT_TRUE(sample_frame(over).empty());
}

}  // namespace
}  // namespace setls::bus

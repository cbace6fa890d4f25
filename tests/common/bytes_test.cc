#include <gtest/gtest.h>

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"

namespace setls {
namespace {

TEST(Reader, ReadsBigEndianIntegers) {
  Bytes data = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
  Reader r(data);
  uint8_t a;
  uint16_t b;
  uint32_t c;
  ASSERT_TRUE(r.u8(a));
  ASSERT_TRUE(r.u16(b));
  ASSERT_TRUE(r.u24(c));
  EXPECT_EQ(a, 0x01);
  EXPECT_EQ(b, 0x0203);
  EXPECT_EQ(c, 0x040506u);
  EXPECT_EQ(r.remaining(), 4u);
}

TEST(Reader, TruncationFailsWithoutMoving) {
  Bytes data = {0x01};
  Reader r(data);
  uint16_t v;
  EXPECT_FALSE(r.u16(v));
  EXPECT_EQ(r.error(), ParseError::Truncated);
  EXPECT_EQ(r.position(), 0u);
}

TEST(Reader, PrefixedChildEndsAtItsLength) {
  Bytes data = {0x00, 0x02, 0xaa, 0xbb, 0xcc};
  Reader r(data), child;
  ASSERT_TRUE(r.prefixed16(child));
  EXPECT_EQ(child.remaining(), 2u);
  EXPECT_EQ(r.remaining(), 1u);
  EXPECT_FALSE(r.expect_end());
  EXPECT_EQ(r.error(), ParseError::TrailingBytes);
}

TEST(Reader, PrefixedLengthPastEndIsTruncated) {
  Bytes data = {0x05, 0xaa};
  Reader r(data), child;
  EXPECT_FALSE(r.prefixed8(child));
  EXPECT_EQ(r.error(), ParseError::Truncated);
  EXPECT_EQ(r.position(), 0u);
}

TEST(Reader, PrefixedBoundsAreEnforced) {
  Bytes data = {0x00, 0x01, 0xaa};
  Reader r(data), child;
  EXPECT_FALSE(r.prefixed16(child, 2, 10));
  EXPECT_EQ(r.error(), ParseError::BadLength);
}

TEST(Writer, BackPatchesNestedLengths) {
  Bytes out;
  Writer w(out);
  w.prefixed16([](Writer& outer) {
    outer.u8(1);
    outer.prefixed8([](Writer& inner) { inner.u16(0xabcd); });
  });
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(out, (Bytes{0x00, 0x04, 0x01, 0x02, 0xab, 0xcd}));
}

TEST(Writer, RefusesToGrowPastItsLimit) {
  Bytes out;
  Writer w(out, 3);
  w.u16(1).u16(2);
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(out.size(), 2u);
}

TEST(Writer, BlockLargerThanItsPrefixFails) {
  Bytes out;
  Writer w(out);
  Bytes big(300, 0);
  w.vec8(big);
  EXPECT_FALSE(w.ok());
}

TEST(Hex, RoundTrips) {
  Bytes b;
  ASSERT_TRUE(from_hex("00ffA5", b));
  EXPECT_EQ(to_hex(b), "00ffa5");
  EXPECT_FALSE(from_hex("abc", b));
  EXPECT_FALSE(from_hex("zz", b));
}

}  // namespace
}  // namespace setls

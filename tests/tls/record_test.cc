#include <gtest/gtest.h>

#include "common/tls/record.h"
#include "tests/tls/codec_checks.h"

namespace setls::tls {
namespace {

using test::cat;

Bytes header(uint8_t type, uint16_t version, uint16_t length) {
  Bytes out;
  Writer w(out);
  w.u8(type).u16(version).u16(length);
  return out;
}

TEST(RecordHeader, ParsesAndWritesTheFiveBytes) {
  Bytes h = header(22, kTls12, 300);
  auto parsed = parse_record_header(h);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->type, ContentType::Handshake);
  EXPECT_EQ(parsed->version, kTls12);
  EXPECT_EQ(parsed->length, 300);
  Bytes again;
  Writer w(again);
  write_record_header(w, *parsed);
  EXPECT_EQ(again, h);
}

TEST(RecordHeader, KnownContentTypesOnly) {
  for (unsigned t = 0; t < 256; ++t) {
    auto parsed = parse_record_header(header(static_cast<uint8_t>(t), kTls12, 1));
    bool known = t >= 20 && t <= 23;
    EXPECT_EQ(parsed.ok(), known) << t;
    if (!known) {
      EXPECT_EQ(parsed.status(), Status::TlsUnexpectedMessage) << t;
    }
  }
}

TEST(RecordHeader, ShortInputIsADecodeError) {
  Bytes h = header(23, kTls12, 5);
  for (size_t n = 0; n < h.size(); ++n)
    EXPECT_EQ(parse_record_header(ByteView(h).first(n)).status(), Status::TlsDecode) << n;
}

TEST(FrameRecord, AsksForTheRestOfTheHeaderThenTheBody) {
  Bytes record = cat({header(23, kTls12, 4), Bytes{1, 2, 3, 4}, Bytes{22}});  // and one byte of the next
  for (size_t n = 0; n < kRecordHeaderSize; ++n) {
    auto f = frame_record(ByteView(record).first(n), kMaxCiphertext13);
    ASSERT_TRUE(f.ok()) << n;
    EXPECT_FALSE(f->complete());
    EXPECT_EQ(f->missing, kRecordHeaderSize - n);
  }
  for (size_t n = kRecordHeaderSize; n < 9; ++n) {
    auto f = frame_record(ByteView(record).first(n), kMaxCiphertext13);
    ASSERT_TRUE(f.ok()) << n;
    EXPECT_FALSE(f->complete());
    EXPECT_EQ(f->missing, 9 - n);
    EXPECT_EQ(f->header.length, 4);
  }
  auto f = frame_record(record, kMaxCiphertext13);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->complete());
  EXPECT_EQ(f->size, 9u);
  EXPECT_EQ(test::to_bytes(f->fragment), (Bytes{1, 2, 3, 4}));
}

TEST(FrameRecord, RefusesGarbageFromTheFirstByte) {
  Bytes http = test::to_bytes(as_bytes("HTTP/1.1 400 Bad Request"));
  auto f = frame_record(ByteView(http).first(1), kMaxCiphertext13);
  EXPECT_EQ(f.status(), Status::TlsUnexpectedMessage);
}

TEST(FrameRecord, RefusesAnOversizedRecordBeforeItsBody) {
  for (size_t limit : {kMaxPlaintext, kMaxCiphertext13, kMaxCiphertext12, size_t{512 + 256}}) {
    auto at_limit = frame_record(header(23, kTls12, static_cast<uint16_t>(limit)), limit);
    ASSERT_TRUE(at_limit.ok()) << limit;
    EXPECT_EQ(at_limit->missing, limit);
    auto over = frame_record(header(23, kTls12, static_cast<uint16_t>(limit + 1)), limit);
    EXPECT_EQ(over.status(), Status::TlsRecordOverflow) << limit;
  }
  EXPECT_EQ(kMaxCiphertext13, 16384u + 256u);
  EXPECT_EQ(kMaxCiphertext12, 16384u + 2048u);
}

TEST(FrameRecord, EmptyRecordIsFramed) {
  // Zero-length rules depend on the content type: the record layer's call.
  auto f = frame_record(header(23, kTls12, 0), kMaxCiphertext13);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->complete());
  EXPECT_EQ(f->size, kRecordHeaderSize);
}

TEST(Alert, RoundTripsAndChecksTheLevel) {
  Alert a = test::expect_round_trip<Alert>(Bytes{2, 50});
  EXPECT_EQ(a.level, AlertLevel::Fatal);
  EXPECT_EQ(a.description, static_cast<uint8_t>(AlertDescription::DecodeError));
  test::expect_round_trip<Alert>(Bytes{1, 0});
  test::expect_round_trip<Alert>(Bytes{2, 255});  // unknown descriptions are kept
  test::expect_strict_framing<Alert>(Bytes{1, 0});
  EXPECT_EQ(test::decode_failure<Alert>(Bytes{0, 0}), Status::TlsIllegalParameter);
  EXPECT_EQ(test::decode_failure<Alert>(Bytes{3, 0}), Status::TlsIllegalParameter);
  EXPECT_TRUE(test::encoder_refuses(Alert{static_cast<AlertLevel>(7), 0}));
}

}  // namespace
}  // namespace setls::tls

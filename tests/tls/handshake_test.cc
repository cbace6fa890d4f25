#include <gtest/gtest.h>

#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "common/tls/record.h"
#include "tests/tls/codec_checks.h"

namespace setls::tls {
namespace {

using test::cat;
using test::to_bytes;

Bytes message(HandshakeType type, size_t body_size, uint8_t fill) {
  Bytes out;
  Writer w(out);
  write_handshake(w, type, [&](Writer& b) {
    for (size_t i = 0; i < body_size; ++i) b.u8(static_cast<uint8_t>(fill + i));
  });
  return out;
}

TEST(Handshake, WriteAndParseOneMessage) {
  Bytes raw = message(HandshakeType::Finished, 12, 0xa0);
  EXPECT_EQ(raw.size(), kHandshakeHeaderSize + 12);
  EXPECT_EQ(to_hex(ByteView(raw).first(4)), "1400000c");
  auto m = parse_handshake(raw);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->type, HandshakeType::Finished);
  EXPECT_EQ(m->body.size(), 12u);
  EXPECT_EQ(to_bytes(m->raw), raw);
}

TEST(Handshake, WriteMessageUsesTheStructsType) {
  KeyUpdate ku{KeyUpdate::kUpdateRequested};
  Bytes raw;
  Writer w(raw);
  write_message(w, ku);
  EXPECT_EQ(to_hex(raw), "1800000101");
  auto m = parse_handshake(raw);
  ASSERT_TRUE(m.ok());
  auto back = decode_message<KeyUpdate>(*m);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->request_update, 1);
  EXPECT_EQ(decode_message<Finished>(*m).status(), Status::TlsUnexpectedMessage);
}

// Feeds `stream` in pieces of the given sizes (cycled) and collects messages.
std::vector<Bytes> assemble(HandshakeAssembler& a, ByteView stream, std::vector<size_t> pieces, bool& ok) {
  std::vector<Bytes> out;
  ok = true;
  size_t at = 0, k = 0;
  while (at < stream.size()) {
    size_t n = std::min(pieces[k++ % pieces.size()], stream.size() - at);
    if (!a.feed(stream.subspan(at, n)).ok()) {
      ok = false;
      return out;
    }
    at += n;
    while (auto m = a.next()) out.push_back(to_bytes(m->raw));
  }
  return out;
}

TEST(HandshakeAssembler, MessagesSplitAcrossManyFragments) {
  Bytes big = message(HandshakeType::Certificate, 5000, 1);
  for (size_t piece : {size_t{1}, size_t{2}, size_t{3}, size_t{4}, size_t{5}, size_t{999}, size_t{4999}}) {
    HandshakeAssembler a(8192);
    bool ok = false;
    auto got = assemble(a, big, {piece}, ok);
    ASSERT_TRUE(ok);
    ASSERT_EQ(got.size(), 1u) << piece;
    EXPECT_EQ(got[0], big);
    EXPECT_TRUE(a.empty());
    EXPECT_FALSE(a.partial_pending());
  }
}

TEST(HandshakeAssembler, SeveralMessagesPerFragment) {
  std::vector<Bytes> msgs = {message(HandshakeType::ServerHello, 70, 1), message(HandshakeType::Certificate, 300, 2),
                             message(HandshakeType::ServerKeyExchange, 100, 3),
                             message(HandshakeType::ServerHelloDone, 0, 4), message(HandshakeType::Finished, 12, 5)};
  Bytes stream;
  for (const Bytes& m : msgs) append(stream, m);
  for (std::vector<size_t> pieces : std::vector<std::vector<size_t>>{
           {stream.size()}, {1}, {7, 1, 300}, {74}, {75, 2}, {3, 500}, {4}, {5, 6, 7, 8}}) {
    HandshakeAssembler a(1024);
    bool ok = false;
    auto got = assemble(a, stream, pieces, ok);
    ASSERT_TRUE(ok);
    EXPECT_EQ(got, msgs);
    EXPECT_TRUE(a.empty());
  }
}

TEST(HandshakeAssembler, ReportsPartialAndPendingMessages) {
  Bytes a1 = message(HandshakeType::ServerHello, 10, 1);
  Bytes a2 = message(HandshakeType::EncryptedExtensions, 10, 2);
  HandshakeAssembler a(100);
  EXPECT_TRUE(a.empty());
  // A ServerHello and the start of the next message in one record: taking
  // the ServerHello leaves bytes behind, so a key change here is refused.
  ASSERT_TRUE(a.feed(cat({a1, ByteView(a2).first(3)})).ok());
  EXPECT_TRUE(a.partial_pending());
  auto m = a.next();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(to_bytes(m->raw), a1);
  EXPECT_FALSE(a.next().has_value());
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a.partial_pending());
  ASSERT_TRUE(a.feed(ByteView(a2).subspan(3)).ok());
  EXPECT_FALSE(a.partial_pending());
  EXPECT_FALSE(a.empty());  // a complete, unread message
  m = a.next();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(to_bytes(m->raw), a2);
  EXPECT_TRUE(a.empty());

  // Two whole messages in one record: after the first, the second is pending.
  HandshakeAssembler b(100);
  ASSERT_TRUE(b.feed(cat({a1, a2})).ok());
  ASSERT_TRUE(b.next().has_value());
  EXPECT_FALSE(b.partial_pending());
  EXPECT_FALSE(b.empty());
}

TEST(HandshakeAssembler, MessagesStayValidUntilTheNextFeed) {
  Bytes m1 = message(HandshakeType::Certificate, 20, 1);
  Bytes m2 = message(HandshakeType::CertificateVerify, 20, 2);
  HandshakeAssembler a(100);
  ASSERT_TRUE(a.feed(cat({m1, m2})).ok());
  auto first = a.next();
  auto second = a.next();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(to_bytes(first->raw), m1);
  EXPECT_EQ(to_bytes(second->raw), m2);
}

TEST(HandshakeAssembler, RefusesATooLargeMessageFromItsHeader) {
  HandshakeAssembler a(1000);
  Bytes header = {static_cast<uint8_t>(HandshakeType::Certificate), 0x00, 0x03, 0xe9};  // 1001
  // Refused on the header alone, before any body byte arrives.
  ASSERT_TRUE(a.feed(ByteView(header).first(3)).ok());
  EXPECT_EQ(a.feed(ByteView(header).subspan(3)).status(), Status::TlsMessageTooLarge);
  // Sticky.
  EXPECT_EQ(a.feed(Bytes{1}).status(), Status::TlsMessageTooLarge);
  a.reset();
  Bytes fits = message(HandshakeType::Certificate, 1000, 0);
  bool ok = false;
  auto got = assemble(a, fits, {700}, ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(got.size(), 1u);
}

TEST(HandshakeAssembler, RefusesEmptyAndOversizedFragments) {
  HandshakeAssembler a(100);
  EXPECT_EQ(a.feed({}).status(), Status::TlsDecode);
  HandshakeAssembler b(100);
  Bytes huge(kMaxPlaintext + 1, 0);
  EXPECT_EQ(b.feed(huge).status(), Status::TlsRecordOverflow);
}

TEST(HandshakeAssembler, BoundedWhenTheCallerNeverDrains) {
  HandshakeAssembler a(16);
  Bytes record(kMaxPlaintext, 0);  // 4096 empty HelloRequests
  ASSERT_TRUE(a.feed(record).ok());
  EXPECT_EQ(a.feed(record).status(), Status::Internal);
}

TEST(HandshakeAssembler, ManyEmptyMessagesInOneRecord) {
  HandshakeAssembler a(16);
  Bytes record(kMaxPlaintext, 0);
  ASSERT_TRUE(a.feed(record).ok());
  size_t n = 0;
  while (auto m = a.next()) {
    EXPECT_EQ(m->type, HandshakeType::HelloRequest);
    EXPECT_TRUE(m->body.empty());
    ++n;
  }
  EXPECT_EQ(n, kMaxPlaintext / kHandshakeHeaderSize);
  EXPECT_TRUE(a.empty());
}

}  // namespace
}  // namespace setls::tls

#include <gtest/gtest.h>

#include <array>

#include "common/tls/extensions.h"
#include "tests/tls/codec_checks.h"
#include "tests/tls/rfc8448_trace.h"

namespace setls::tls {
namespace {

// Test bytes that outlive their statement (parsed structs are views).
ByteView hex(std::string_view spaced) { return test::keep(setls::test::rfc8448::hex(spaced)); }
using test::decode_failure;
using test::encoder_refuses;
using test::expect_round_trip;
using test::expect_strict_framing;
using test::to_bytes;

// ------------------------------------------------------------- the block

ExtensionList parse_block(ByteView block, bool& ok) {
  Reader r(block);
  ExtensionList list;
  ok = ExtensionList::parse(r, list) && r.expect_end();
  return list;
}

TEST(ExtensionList, KeepsTheOrderAndFindsByType) {
  ByteView block = hex("00 0f  00 2b 00 02 03 04  ff 01 00 01 00  00 17 00 00");
  bool ok = false;
  ExtensionList list = parse_block(block, ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(list.size(), 3u);
  std::vector<uint16_t> types;
  for (const Extension& e : list) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<uint16_t>{43, 0xff01, 23}));
  EXPECT_EQ(to_bytes(*list.find(ExtensionType::SupportedVersions)), to_bytes(hex("03 04")));
  EXPECT_TRUE(list.find(ExtensionType::ExtendedMasterSecret)->empty());
  EXPECT_FALSE(list.find(ExtensionType::KeyShare).has_value());
  EXPECT_EQ(list.last_type(), 23);
  Bytes again;
  Writer w(again);
  list.encode(w);
  EXPECT_EQ(again, to_bytes(block));
}

TEST(ExtensionList, DuplicatesAreRefused) {
  ByteView block = hex("00 0c  00 17 00 00  00 2a 00 00  00 17 00 00");
  Reader r(block);
  ExtensionList list;
  EXPECT_FALSE(ExtensionList::parse(r, list));
  EXPECT_EQ(r.error(), ParseError::BadValue);
  EXPECT_EQ(ExtensionList::from_contents(ByteView(block).subspan(2)).status(), Status::TlsIllegalParameter);
  // Nor will the encoder write them.
  std::array<Extension, 2> twice = {Extension{23, {}}, Extension{23, {}}};
  Bytes out;
  Writer w(out);
  ExtensionList(twice).encode(w);
  EXPECT_FALSE(w.ok());
}

TEST(ExtensionList, BoundsAndTruncation) {
  bool ok = false;
  parse_block(hex("00 00"), ok);
  EXPECT_TRUE(ok);
  parse_block(hex("00 06  00 00 00 05 00 00"), ok);
  EXPECT_FALSE(ok);  // the extension says 5 bytes, the block has 2 left
  ByteView good = hex("00 08  00 00 00 00  00 17 00 00");
  for (size_t n = 0; n < good.size(); ++n) {
    Reader r(ByteView(good).first(n));
    ExtensionList list;
    EXPECT_FALSE(ExtensionList::parse(r, list) && r.expect_end()) << n;
  }
  // A minimum length, as CertificateRequest uses.
  Reader r(hex("00 00"));
  ExtensionList list;
  EXPECT_FALSE(ExtensionList::parse(r, list, 2, 0xffff));
  EXPECT_EQ(r.error(), ParseError::BadLength);
}

TEST(ExtensionList, TooManyAreRefused) {
  Bytes contents;
  Writer w(contents);
  for (uint16_t t = 0; t <= ExtensionList::kMaxExtensions; ++t) w.u16(static_cast<uint16_t>(1000 + t)).u16(0);
  EXPECT_EQ(ExtensionList::from_contents(contents).status(), Status::TlsDecode);
  Bytes fewer = Bytes(contents.begin(), contents.end() - 4);
  auto list = ExtensionList::from_contents(fewer);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), ExtensionList::kMaxExtensions);
}

TEST(ExtensionList, BuiltWithWriteExtension) {
  Bytes contents;
  Writer w(contents);
  write_extension(w, SupportedVersionsClient{U16List(std::span<const uint16_t>())});  // refused: empty
  EXPECT_FALSE(w.ok());
  contents.clear();
  Writer w2(contents);
  std::array<uint16_t, 2> v = {kTls13, kTls12};
  write_extension(w2, SupportedVersionsClient{U16List(v)});
  write_extension(w2, ExtendedMasterSecret{});
  write_extension(w2, ExtensionType::RenegotiationInfo, [](Writer& b) { b.u8(0); });
  ASSERT_TRUE(w2.ok());
  EXPECT_EQ(to_hex(contents), "002b00050403040303" "00170000" "ff01000100");
  auto list = ExtensionList::from_contents(contents);
  ASSERT_TRUE(list.ok());
  auto sv = find_extension<SupportedVersionsClient>(*list);
  ASSERT_TRUE(sv.ok() && sv->has_value());
  EXPECT_EQ(to_hex(to_bytes(*list->find(ExtensionType::SupportedVersions))), "0403040303");
  EXPECT_EQ((*sv)->versions.size(), 2u);
  EXPECT_TRUE((*sv)->versions.contains(kTls12));
}

TEST(ExtensionList, FindExtensionReportsAMalformedBody) {
  auto list = ExtensionList::from_contents(hex("00 1c 00 02 00 10"));  // record_size_limit 16
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(find_extension<RecordSizeLimit>(*list).status(), Status::TlsIllegalParameter);
  auto absent = find_extension<Cookie>(*list);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

// ------------------------------------------------------------ the bodies

TEST(Extensions, SupportedVersions) {
  auto c = expect_round_trip<SupportedVersionsClient>(hex("04 03 04 03 03"));
  EXPECT_EQ(c.versions[0], kTls13);
  expect_strict_framing<SupportedVersionsClient>(hex("04 03 04 03 03"));
  EXPECT_EQ(decode_failure<SupportedVersionsClient>(hex("00")), Status::TlsDecode);        // < 2
  EXPECT_EQ(decode_failure<SupportedVersionsClient>(hex("03 03 04 03")), Status::TlsDecode);  // odd
  EXPECT_EQ(decode_failure<SupportedVersionsClient>(Bytes(256, 0xff)), Status::TlsDecode);   // > 254
  auto s = expect_round_trip<SupportedVersionsServer>(hex("03 04"));
  EXPECT_EQ(s.selected_version, kTls13);
  expect_strict_framing<SupportedVersionsServer>(hex("03 04"));
}

TEST(Extensions, SupportedGroups) {
  auto g = expect_round_trip<SupportedGroups>(hex("00 04 00 17 00 18"));
  EXPECT_EQ(g.groups.size(), 2u);
  expect_strict_framing<SupportedGroups>(hex("00 04 00 17 00 18"));
  EXPECT_EQ(decode_failure<SupportedGroups>(hex("00 00")), Status::TlsDecode);
}

TEST(Extensions, KeyShare) {
  Bytes point(65, 0x04);
  Bytes client = test::cat({hex("00 49 00 17 00 41"), point, hex("00 1d 00 02 aa bb")});
  client[1] = static_cast<uint8_t>(client.size() - 2);
  auto c = expect_round_trip<KeyShareClient>(client);
  ASSERT_EQ(c.shares.size(), 2u);
  EXPECT_EQ(c.shares[0].group, 23);
  EXPECT_EQ(c.shares[0].key_exchange.size(), 65u);
  expect_strict_framing<KeyShareClient>(client);
  expect_round_trip<KeyShareClient>(hex("00 00"));  // empty: asking for an HRR
  // The same group twice.
  EXPECT_EQ(decode_failure<KeyShareClient>(hex("00 0a 00 17 00 01 aa 00 17 00 01 bb")), Status::TlsIllegalParameter);
  // An empty key_exchange.
  EXPECT_EQ(decode_failure<KeyShareClient>(hex("00 04 00 17 00 00")), Status::TlsDecode);

  auto s = expect_round_trip<KeyShareServer>(test::cat({hex("00 17 00 41"), point}));
  EXPECT_EQ(s.share.group, 23);
  expect_strict_framing<KeyShareServer>(test::cat({hex("00 17 00 41"), point}));
  auto hrr = expect_round_trip<KeyShareHelloRetry>(hex("00 18"));
  EXPECT_EQ(hrr.selected_group, 24);
  expect_strict_framing<KeyShareHelloRetry>(hex("00 18"));

  std::array<KeyShareEntry, 2> dup = {KeyShareEntry{23, point}, KeyShareEntry{23, point}};
  EXPECT_TRUE(encoder_refuses(KeyShareClient{List<KeyShareEntry>(dup)}));
}

TEST(Extensions, SignatureAlgorithms) {
  auto s = expect_round_trip<SignatureAlgorithms>(hex("00 04 04 03 05 03"));
  EXPECT_TRUE(s.schemes.contains(uint16_t{0x0503}));
  expect_strict_framing<SignatureAlgorithms>(hex("00 04 04 03 05 03"));
  EXPECT_EQ(decode_failure<SignatureAlgorithms>(hex("00 00")), Status::TlsDecode);
  auto c = expect_round_trip<SignatureAlgorithmsCert>(hex("00 02 04 01"));
  EXPECT_EQ(SignatureAlgorithmsCert::kType, ExtensionType::SignatureAlgorithmsCert);
  EXPECT_EQ(c.schemes[0], 0x0401);
}

TEST(Extensions, ServerName) {
  auto c = expect_round_trip<ServerNameClient>(hex("00 09 00 00 06 73 65 72 76 65 72"));
  EXPECT_EQ(to_bytes(c.host_name), to_bytes(as_bytes("server")));
  expect_strict_framing<ServerNameClient>(hex("00 09 00 00 06 73 65 72 76 65 72"));
  EXPECT_EQ(decode_failure<ServerNameClient>(hex("00 03 00 00 00")), Status::TlsDecode);   // empty name
  EXPECT_EQ(decode_failure<ServerNameClient>(hex("00 04 01 00 01 61")), Status::TlsIllegalParameter);  // type 1
  EXPECT_EQ(decode_failure<ServerNameClient>(hex("00 08 00 00 01 61 00 00 01 62")), Status::TlsIllegalParameter);
  expect_round_trip<ServerNameAck>({});
  EXPECT_EQ(decode_failure<ServerNameAck>(hex("00")), Status::TlsDecode);
}

TEST(Extensions, Alpn) {
  ByteView list = hex("00 0c 02 68 32 08 68 74 74 70 2f 31 2e 31");
  auto c = expect_round_trip<AlpnProtocols>(list);
  ASSERT_EQ(c.protocols.size(), 2u);
  EXPECT_EQ(to_bytes(c.protocols[1].name), to_bytes(as_bytes("http/1.1")));
  EXPECT_TRUE(c.protocols.contains(ProtocolName{as_bytes("h2")}));
  expect_strict_framing<AlpnProtocols>(list);
  EXPECT_EQ(decode_failure<AlpnProtocols>(hex("00 01 00")), Status::TlsDecode);  // empty name
  auto s = expect_round_trip<AlpnSelected>(hex("00 03 02 68 32"));
  EXPECT_EQ(to_bytes(s.protocol), to_bytes(as_bytes("h2")));
  expect_strict_framing<AlpnSelected>(hex("00 03 02 68 32"));
  EXPECT_EQ(decode_failure<AlpnSelected>(list), Status::TlsIllegalParameter);  // two names
  EXPECT_TRUE(encoder_refuses(AlpnSelected{}));
}

TEST(Extensions, RecordSizeLimitAndMaxFragmentLength) {
  EXPECT_EQ(expect_round_trip<RecordSizeLimit>(hex("00 40")).limit, 64);
  EXPECT_EQ(expect_round_trip<RecordSizeLimit>(hex("40 01")).limit, 0x4001);
  EXPECT_EQ(decode_failure<RecordSizeLimit>(hex("00 3f")), Status::TlsIllegalParameter);
  expect_strict_framing<RecordSizeLimit>(hex("40 01"));
  EXPECT_TRUE(encoder_refuses(RecordSizeLimit{63}));

  for (uint8_t code = 1; code <= 4; ++code) {
    auto m = expect_round_trip<MaxFragmentLength>(Bytes{code});
    EXPECT_EQ(m.bytes(), size_t{1} << (8 + code));
  }
  EXPECT_EQ(decode_failure<MaxFragmentLength>(Bytes{0}), Status::TlsIllegalParameter);
  EXPECT_EQ(decode_failure<MaxFragmentLength>(Bytes{5}), Status::TlsIllegalParameter);
  expect_strict_framing<MaxFragmentLength>(Bytes{2});
  EXPECT_TRUE(encoder_refuses(MaxFragmentLength{9}));
}

TEST(Extensions, PskModesAndPreSharedKey) {
  auto m = expect_round_trip<PskKeyExchangeModes>(hex("02 01 07"));
  EXPECT_TRUE(m.modes.contains(uint8_t{1}));
  EXPECT_EQ(decode_failure<PskKeyExchangeModes>(hex("00")), Status::TlsDecode);

  Bytes binder(32, 0xbb);
  Bytes psk = test::cat({hex("00 0a 00 04 11 22 33 44 00 00 00 07  00 21 20"), binder});
  auto c = expect_round_trip<PreSharedKeyClient>(psk);
  ASSERT_EQ(c.identities.size(), 1u);
  EXPECT_EQ(c.identities[0].obfuscated_ticket_age, 7u);
  EXPECT_EQ(c.binders_size(), 35u);
  expect_strict_framing<PreSharedKeyClient>(psk);
  // A binder shorter than 32 bytes.
  EXPECT_EQ(decode_failure<PreSharedKeyClient>(hex("00 0a 00 04 11 22 33 44 00 00 00 07  00 02 01 aa")),
            Status::TlsDecode);
  // Two identities, one binder.
  Bytes two = test::cat({hex("00 14 00 04 11 22 33 44 00 00 00 07 00 04 55 66 77 88 00 00 00 01 00 21 20"), binder});
  EXPECT_EQ(decode_failure<PreSharedKeyClient>(two), Status::TlsIllegalParameter);

  EXPECT_EQ(expect_round_trip<PreSharedKeyServer>(hex("00 00")).selected_identity, 0);
  expect_strict_framing<PreSharedKeyServer>(hex("00 01"));
}

TEST(Extensions, CookieAndEarlyData) {
  EXPECT_EQ(expect_round_trip<Cookie>(hex("00 03 01 02 03")).cookie.size(), 3u);
  expect_strict_framing<Cookie>(hex("00 03 01 02 03"));
  EXPECT_EQ(decode_failure<Cookie>(hex("00 00")), Status::TlsDecode);
  expect_round_trip<EarlyDataIndication>({});
  EXPECT_EQ(expect_round_trip<MaxEarlyDataSize>(hex("00 00 40 00")).max_early_data_size, 0x4000u);
  expect_strict_framing<MaxEarlyDataSize>(hex("00 00 40 00"));
}

TEST(Extensions, Tls12Extensions) {
  auto f = expect_round_trip<EcPointFormats>(hex("01 00"));
  EXPECT_TRUE(f.formats.contains(EcPointFormats::kUncompressed));
  EXPECT_EQ(decode_failure<EcPointFormats>(hex("00")), Status::TlsDecode);
  expect_strict_framing<EcPointFormats>(hex("02 00 01"));
  expect_round_trip<ExtendedMasterSecret>({});
  EXPECT_EQ(decode_failure<ExtendedMasterSecret>(hex("00")), Status::TlsDecode);
  EXPECT_TRUE(expect_round_trip<RenegotiationInfo>(hex("00")).renegotiated_connection.empty());
  EXPECT_EQ(expect_round_trip<RenegotiationInfo>(hex("0c 00 01 02 03 04 05 06 07 08 09 0a 0b"))
                .renegotiated_connection.size(),
            12u);
  expect_strict_framing<RenegotiationInfo>(hex("02 aa bb"));
  EXPECT_TRUE(expect_round_trip<SessionTicket>({}).ticket.empty());
  EXPECT_EQ(expect_round_trip<SessionTicket>(hex("01 02 03")).ticket.size(), 3u);
}

}  // namespace
}  // namespace setls::tls

// Every message: built from fields, encoded, parsed back to the same bytes;
// every truncation and a trailing byte fail; bounds and forbidden values.
// The RFC 8448 messages are in rfc8448_test.cc.
#include <gtest/gtest.h>

#include <array>

#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "common/tls/messages12.h"
#include "tests/tls/codec_checks.h"
#include "tests/tls/rfc8448_trace.h"

namespace setls::tls {
namespace {

// Test bytes that outlive their statement (parsed structs are views).
ByteView hex(std::string_view spaced) { return test::keep(setls::test::rfc8448::hex(spaced)); }
using test::cat;
using test::decode_failure;
using test::encoder_refuses;
using test::expect_encodes;
using test::expect_round_trip;
using test::expect_strict_framing;
using test::to_bytes;

Random fill_random(uint8_t v) {
  Random r;
  r.fill(v);
  return r;
}

const std::array<uint16_t, 3> kSuites = {0x1301, 0x1302, 0xc02b};
const std::array<uint8_t, 1> kNullCompression = {0};
const Bytes kSessionId(32, 0x5a);

Bytes extension_contents() {
  Bytes out;
  Writer w(out);
  std::array<uint16_t, 1> v13 = {kTls13};
  write_extension(w, SupportedVersionsClient{U16List(v13)});
  write_extension(w, ExtendedMasterSecret{});
  return out;
}

ClientHello sample_client_hello(const ExtensionList& extensions) {
  ClientHello ch;
  ch.random = fill_random(0x11);
  ch.legacy_session_id = kSessionId;
  ch.cipher_suites = U16List(kSuites);
  ch.compression_methods = U8List(kNullCompression);
  ch.extensions = extensions;
  return ch;
}

TEST(ClientHello, RoundTripsWithAndWithoutExtensions) {
  Bytes contents = extension_contents();
  auto ext = ExtensionList::from_contents(contents);
  ASSERT_TRUE(ext.ok());
  Bytes body = expect_encodes(sample_client_hello(*ext));
  size_t no_ext = 2 + 32 + 33 + 8 + 2;
  expect_strict_framing<ClientHello>(body, {no_ext});
  auto ch = decode<ClientHello>(body);
  ASSERT_TRUE(ch.ok());
  EXPECT_TRUE(ch->has_extensions);
  EXPECT_EQ(ch->extensions.size(), 2u);
  EXPECT_EQ(to_bytes(ch->legacy_session_id), kSessionId);

  ClientHello bare = sample_client_hello({});
  bare.has_extensions = false;
  Bytes bare_body = expect_encodes(bare);
  EXPECT_EQ(bare_body.size(), no_ext);
  EXPECT_FALSE(decode<ClientHello>(bare_body)->has_extensions);
  // Absent extensions cannot carry any.
  ClientHello wrong = sample_client_hello(*ext);
  wrong.has_extensions = false;
  EXPECT_TRUE(encoder_refuses(wrong));
  // An empty block is kept as such.
  ClientHello empty_block = sample_client_hello({});
  EXPECT_EQ(expect_encodes(empty_block).size(), no_ext + 2);
}

TEST(ClientHello, Bounds) {
  ClientHello ch = sample_client_hello({});
  Bytes long_id(33, 1);
  ch.legacy_session_id = long_id;
  EXPECT_TRUE(encoder_refuses(ch));
  ch = sample_client_hello({});
  ch.cipher_suites = U16List();
  EXPECT_TRUE(encoder_refuses(ch));
  ch = sample_client_hello({});
  ch.compression_methods = U8List();
  EXPECT_TRUE(encoder_refuses(ch));

  Bytes body = encode_to_bytes(sample_client_hello({}));
  ASSERT_FALSE(body.empty());
  Bytes bad = body;
  bad[34] = 33;  // session id length over 32
  EXPECT_EQ(decode_failure<ClientHello>(bad), Status::TlsDecode);
  bad = body;
  bad[2 + 32 + 33 + 1] = 5;  // odd cipher_suites length
  EXPECT_EQ(decode_failure<ClientHello>(bad), Status::TlsDecode);
}

TEST(ClientHello, ForbiddenValues) {
  // Compression without null.
  std::array<uint8_t, 1> deflate = {1};
  ClientHello ch = sample_client_hello({});
  ch.compression_methods = U8List(deflate);
  EXPECT_TRUE(encoder_refuses(ch));
  Bytes body = encode_to_bytes(sample_client_hello({}));
  Bytes bad = body;
  bad[bad.size() - 3] = 1;  // the only compression method, before the empty block
  EXPECT_EQ(decode_failure<ClientHello>(bad), Status::TlsIllegalParameter);

  // pre_shared_key must be the last extension.
  Bytes binder(32, 0);
  Bytes psk_contents;
  Writer w(psk_contents);
  write_extension(w, ExtensionType::PreSharedKey, [&](Writer& b) {
    b.bytes(hex("00 0a 00 04 11 22 33 44 00 00 00 07 00 21 20")).bytes(binder);
  });
  write_extension(w, ExtendedMasterSecret{});
  auto ext = ExtensionList::from_contents(psk_contents);
  ASSERT_TRUE(ext.ok());
  EXPECT_TRUE(encoder_refuses(sample_client_hello(*ext)));
  ClientHello forged = sample_client_hello({});
  Bytes forged_body = encode_to_bytes(forged);
  forged_body.resize(forged_body.size() - 2);
  Writer fw(forged_body);
  ext->encode(fw);
  EXPECT_EQ(decode_failure<ClientHello>(forged_body), Status::TlsIllegalParameter);
}

TEST(ClientHello, TruncatedSizeForBinders) {
  Bytes binder(48, 0xcd);
  Bytes contents = extension_contents();
  Writer w(contents);
  write_extension(w, ExtensionType::PreSharedKey, [&](Writer& b) {
    b.bytes(hex("00 0a 00 04 11 22 33 44 00 00 00 07 00 31 30")).bytes(binder);
  });
  auto ext = ExtensionList::from_contents(contents);
  ASSERT_TRUE(ext.ok());
  Bytes msg;
  Writer mw(msg);
  write_message(mw, sample_client_hello(*ext));
  ASSERT_TRUE(mw.ok());
  auto size = truncated_client_hello_size(msg);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, msg.size() - 2 - 1 - 48);
  EXPECT_EQ(to_hex(ByteView(msg).subspan(*size, 3)), "003130");
  EXPECT_EQ(truncated_client_hello_size(ByteView(msg).first(10)).status(), Status::TlsDecode);
}

TEST(ServerHello, RoundTripsAndDetectsHelloRetryRequest) {
  Bytes contents;
  Writer w(contents);
  write_extension(w, SupportedVersionsServer{kTls13});
  write_extension(w, KeyShareHelloRetry{24});
  auto ext = ExtensionList::from_contents(contents);
  ASSERT_TRUE(ext.ok());
  ServerHello hrr;
  std::copy(std::begin(kHelloRetryRequestRandom), std::end(kHelloRetryRequestRandom), hrr.random.begin());
  hrr.legacy_session_id_echo = kSessionId;
  hrr.cipher_suite = 0x1301;
  hrr.extensions = *ext;
  Bytes body = expect_encodes(hrr);
  EXPECT_TRUE(decode<ServerHello>(body)->is_hello_retry_request());
  expect_strict_framing<ServerHello>(body, {2 + 32 + 33 + 2 + 1});

  ServerHello sh = hrr;
  sh.random = fill_random(0x22);
  EXPECT_FALSE(decode<ServerHello>(expect_encodes(sh))->is_hello_retry_request());
  sh.has_extensions = false;
  sh.extensions = {};
  EXPECT_FALSE(decode<ServerHello>(expect_encodes(sh))->has_extensions);
}

TEST(ServerHello, CompressionMustBeNull) {
  ServerHello sh;
  sh.cipher_suite = 0xc02b;
  Bytes body = expect_encodes(sh);
  Bytes bad = body;
  bad[2 + 32 + 1 + 2] = 1;
  EXPECT_EQ(decode_failure<ServerHello>(bad), Status::TlsIllegalParameter);
  sh.legacy_compression_method = 1;
  EXPECT_TRUE(encoder_refuses(sh));
}

TEST(EncryptedExtensions, RoundTrip) {
  expect_round_trip<EncryptedExtensions>(hex("00 00"));
  ByteView body = hex("00 0a 00 1c 00 02 40 00 00 00 00 00");
  expect_round_trip<EncryptedExtensions>(body);
  expect_strict_framing<EncryptedExtensions>(body);
  EXPECT_EQ(decode_failure<EncryptedExtensions>(hex("00 08 00 00 00 00 00 00 00 00")), Status::TlsIllegalParameter);
}

TEST(CertificateRequest13, RoundTripAndBounds) {
  ByteView body = hex("00 00 0a 00 0d 00 06 00 04 04 03 05 03");
  auto cr = expect_round_trip<CertificateRequest13>(body);
  EXPECT_TRUE(cr.extensions.contains(ExtensionType::SignatureAlgorithms));
  expect_strict_framing<CertificateRequest13>(body);
  expect_round_trip<CertificateRequest13>(hex("02 ab cd 00 04 00 31 00 00"));
  EXPECT_EQ(decode_failure<CertificateRequest13>(hex("00 00 00")), Status::TlsDecode);  // extensions < 2
  EXPECT_TRUE(encoder_refuses(CertificateRequest13{}));
}

TEST(Certificate13, RoundTripWithEntryExtensions) {
  Bytes cert1(300, 0x30), cert2(20, 0x31);
  Bytes contents;
  Writer w(contents);
  write_extension(w, ExtensionType::StatusRequest, [](Writer& b) { b.u8(1).u24(0); });
  auto ext = ExtensionList::from_contents(contents);
  ASSERT_TRUE(ext.ok());
  std::array<CertificateEntry, 2> entries = {CertificateEntry{cert1, *ext}, CertificateEntry{cert2, {}}};
  Certificate13 c{ByteView(), List<CertificateEntry>(entries)};
  Bytes body = expect_encodes(c);
  auto back = decode<Certificate13>(body);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->entries.size(), 2u);
  EXPECT_EQ(back->entries[0].cert_data.size(), 300u);
  EXPECT_TRUE(back->entries[0].extensions.contains(ExtensionType::StatusRequest));
  EXPECT_EQ(back->entries[1].cert_data.size(), 20u);
  expect_strict_framing<Certificate13>(body);
  // An empty chain (a client without a certificate) and a request context.
  expect_round_trip<Certificate13>(hex("00 00 00 00"));
  expect_round_trip<Certificate13>(hex("01 07 00 00 00"));
  // An empty cert_data.
  EXPECT_EQ(decode_failure<Certificate13>(hex("00 00 00 05 00 00 00 00 00")), Status::TlsDecode);
  // A duplicate extension inside an entry.
  EXPECT_EQ(decode_failure<Certificate13>(hex("00 00 00 0e 00 00 01 aa 00 08 00 05 00 00 00 05 00 00")),
            Status::TlsIllegalParameter);
}

TEST(CertificateVerify, RoundTrip) {
  Bytes sig(71, 0x30);
  Bytes body = expect_encodes(CertificateVerify{0x0403, sig});
  expect_strict_framing<CertificateVerify>(body);
  expect_round_trip<CertificateVerify>(hex("04 03 00 00"));
}

TEST(Finished, LengthBounds) {
  for (size_t n : {size_t{12}, size_t{32}, size_t{48}, size_t{64}}) expect_round_trip<Finished>(Bytes(n, 7));
  EXPECT_EQ(decode_failure<Finished>(Bytes(11, 7)), Status::TlsDecode);
  EXPECT_EQ(decode_failure<Finished>(Bytes(65, 7)), Status::TlsDecode);
  EXPECT_EQ(decode_failure<Finished>({}), Status::TlsDecode);
  Bytes short_data(11, 0);
  EXPECT_TRUE(encoder_refuses(Finished{short_data}));
}

TEST(NewSessionTicket13, RoundTripAndBounds) {
  Bytes ticket(100, 0x77);
  ByteView nonce = hex("00 01");
  Bytes contents;
  Writer w(contents);
  write_extension(w, MaxEarlyDataSize{16384});
  auto ext = ExtensionList::from_contents(contents);
  ASSERT_TRUE(ext.ok());
  NewSessionTicket13 nst{7200, 0x01020304, nonce, ticket, *ext};
  Bytes body = expect_encodes(nst);
  expect_strict_framing<NewSessionTicket13>(body);
  nst.ticket = {};
  EXPECT_TRUE(encoder_refuses(nst));  // ticket <1..2^16-1>
  EXPECT_EQ(decode_failure<NewSessionTicket13>(hex("00 00 00 01 00 00 00 02 00 00 00 00 00")), Status::TlsDecode);
}

TEST(KeyUpdate, OnlyZeroOrOne) {
  EXPECT_EQ(expect_round_trip<KeyUpdate>(Bytes{0}).request_update, 0);
  EXPECT_EQ(expect_round_trip<KeyUpdate>(Bytes{1}).request_update, 1);
  for (unsigned v = 2; v < 256; ++v)
    EXPECT_EQ(decode_failure<KeyUpdate>(Bytes{static_cast<uint8_t>(v)}), Status::TlsIllegalParameter) << v;
  expect_strict_framing<KeyUpdate>(Bytes{1});
  EXPECT_TRUE(encoder_refuses(KeyUpdate{2}));
}

// ---------------------------------------------------------------- TLS 1.2

TEST(CertificateRequest12, RoundTripAndBounds) {
  std::array<uint8_t, 1> types = {64};  // ecdsa_sign
  std::array<uint16_t, 2> schemes = {0x0403, 0x0503};
  Bytes dn1(40, 0x30), dn2(3, 0x30);
  std::array<DistinguishedName, 2> cas = {DistinguishedName{dn1}, DistinguishedName{dn2}};
  CertificateRequest12 cr{U8List(types), U16List(schemes), List<DistinguishedName>(cas)};
  Bytes body = expect_encodes(cr);
  auto back = decode<CertificateRequest12>(body);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->certificate_authorities.size(), 2u);
  EXPECT_EQ(back->signature_algorithms[1], 0x0503);
  expect_strict_framing<CertificateRequest12>(body);
  expect_round_trip<CertificateRequest12>(hex("01 40 00 02 04 03 00 00"));
  EXPECT_EQ(decode_failure<CertificateRequest12>(hex("00 00 02 04 03 00 00")), Status::TlsDecode);  // no types
  EXPECT_EQ(decode_failure<CertificateRequest12>(hex("01 40 00 00 00 00")), Status::TlsDecode);     // no schemes
  EXPECT_EQ(decode_failure<CertificateRequest12>(hex("01 40 00 02 04 03 00 02 00 00")), Status::TlsDecode);  // empty DN
}

TEST(Certificate12, RoundTrip) {
  Bytes leaf(500, 0x30), ca(200, 0x31);
  std::array<Asn1Cert, 2> chain = {Asn1Cert{leaf}, Asn1Cert{ca}};
  Bytes body = expect_encodes(Certificate12{List<Asn1Cert>(chain)});
  EXPECT_EQ(decode<Certificate12>(body)->certificates.size(), 2u);
  expect_strict_framing<Certificate12>(body);
  expect_round_trip<Certificate12>(hex("00 00 00"));
  EXPECT_EQ(decode_failure<Certificate12>(hex("00 00 03 00 00 00")), Status::TlsDecode);
}

TEST(NewSessionTicket12, RoundTrip) {
  Bytes ticket(160, 0x42);
  Bytes body = expect_encodes(NewSessionTicket12{300, ticket});
  expect_strict_framing<NewSessionTicket12>(body);
  expect_round_trip<NewSessionTicket12>(hex("00 00 00 00 00 00"));  // RFC 5077: an empty ticket is allowed
}

TEST(ServerKeyExchangeEcdhe, ParamsAreTheSignedBytes) {
  Bytes point(65, 0x04), sig(72, 0x30);
  ServerKeyExchangeEcdhe ske;
  ske.named_curve = 23;
  ske.public_point = point;
  ske.scheme = 0x0403;
  ske.signature = sig;
  Bytes body = expect_encodes(ske);
  auto back = decode<ServerKeyExchangeEcdhe>(body);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->named_curve, 23);
  EXPECT_EQ(to_hex(back->params), to_hex(cat({hex("03 00 17 41"), point})));
  Bytes params;
  Writer w(params);
  ske.encode_params(w);
  EXPECT_EQ(params, to_bytes(back->params));
  expect_strict_framing<ServerKeyExchangeEcdhe>(body);

  Bytes explicit_curve = body;
  explicit_curve[0] = 1;
  EXPECT_EQ(decode_failure<ServerKeyExchangeEcdhe>(explicit_curve), Status::TlsIllegalParameter);
  ske.curve_type = 2;
  EXPECT_TRUE(encoder_refuses(ske));
  EXPECT_EQ(decode_failure<ServerKeyExchangeEcdhe>(hex("03 00 17 00 04 03 00 00")), Status::TlsDecode);  // empty point
}

TEST(ServerHelloDoneAndClientKeyExchange, RoundTrip) {
  expect_round_trip<ServerHelloDone>({});
  EXPECT_EQ(decode_failure<ServerHelloDone>(Bytes{0}), Status::TlsDecode);
  Bytes point(97, 0x04);
  Bytes body = expect_encodes(ClientKeyExchangeEcdhe{point});
  expect_strict_framing<ClientKeyExchangeEcdhe>(body);
  EXPECT_EQ(decode_failure<ClientKeyExchangeEcdhe>(Bytes{0}), Status::TlsDecode);
}

}  // namespace
}  // namespace setls::tls

// The RFC 8448 trace, checked two ways. First the transcribed vectors are
// re-derived from one another with libcrypto (x25519, HKDF, HMAC, RSA-PSS,
// AES-GCM), so that a typo in rfc8448_trace.h fails here rather than in a
// later key-schedule test. Then the codec parses the real messages, the
// fields are what the RFC shows, and re-encoding gives the exact bytes.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "common/crypto/aead.h"
#include "common/crypto/hash.h"
#include "common/crypto/kdf.h"
#include "common/tls/extension_rules.h"
#include "common/tls/extensions.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"
#include "common/tls/record.h"
#include "tests/tls/codec_checks.h"
#include "tests/tls/rfc8448_trace.h"

namespace setls::tls {
namespace {

namespace v = setls::test::rfc8448;
using test::cat;
using test::to_bytes;
using v::hex;

// ------------------------------------------------------------- crypto aids

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Bytes x25519_public(ByteView priv) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, priv.data(), priv.size()));
  if (!key) return {};
  Bytes out(32);
  size_t n = out.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), out.data(), &n) != 1) return {};
  return out;
}

Bytes x25519_shared(ByteView priv, ByteView peer_pub) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, priv.data(), priv.size()));
  Pkey peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_pub.data(), peer_pub.size()));
  if (!key || !peer) return {};
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.get(), nullptr);
  Bytes out(32);
  size_t n = out.size();
  bool ok = ctx && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, peer.get()) == 1 &&
            EVP_PKEY_derive(ctx, out.data(), &n) == 1;
  EVP_PKEY_CTX_free(ctx);
  return ok ? out : Bytes{};
}

Bytes sha256(ByteView data) { return to_bytes(digest(HashAlg::Sha256, data).view()); }

// HKDF-Expand-Label (RFC 8446 §7.1), the info built with the Writer.
Bytes expand_label(ByteView secret, std::string_view label, ByteView context, size_t length) {
  Bytes info;
  Writer w(info);
  std::string full = "tls13 " + std::string(label);
  w.u16(static_cast<uint16_t>(length)).vec8(as_bytes(full)).vec8(context);
  return to_bytes(hkdf_expand(HashAlg::Sha256, secret, info, length).view());
}
Bytes derive_secret(ByteView secret, std::string_view label, ByteView messages) {
  return expand_label(secret, label, sha256(messages), 32);
}
Bytes extract(ByteView salt, ByteView ikm) { return to_bytes(hkdf_extract(HashAlg::Sha256, salt, ikm).view()); }
Bytes finished_mac(ByteView base_key, ByteView messages) {
  Bytes key = expand_label(base_key, "finished", {}, 32);
  return to_bytes(hmac(HashAlg::Sha256, key, sha256(messages)).view());
}

// The trace's messages, in order, as bytes.
struct Trace {
  Bytes ch = hex(v::kClientHello);
  Bytes sh = hex(v::kServerHello);
  Bytes ee = hex(v::kEncryptedExtensions);
  Bytes ct = hex(v::kCertificate);
  Bytes cv = hex(v::kCertificateVerify);
  Bytes sf = hex(v::kServerFinished);
  Bytes cf = hex(v::kClientFinished);
};

// ---------------------------------------------- the vectors are consistent

TEST(Rfc8448Vectors, EphemeralKeysAndSharedSecret) {
  EXPECT_EQ(x25519_public(hex(v::kClientPrivateKey)), hex(v::kClientPublicKey));
  EXPECT_EQ(x25519_public(hex(v::kServerPrivateKey)), hex(v::kServerPublicKey));
  EXPECT_EQ(x25519_shared(hex(v::kClientPrivateKey), hex(v::kServerPublicKey)), hex(v::kEcdheSharedSecret));
  EXPECT_EQ(x25519_shared(hex(v::kServerPrivateKey), hex(v::kClientPublicKey)), hex(v::kEcdheSharedSecret));
  EXPECT_EQ(x25519_public(hex(v::kResumedClientPrivateKey)), hex(v::kResumedClientPublicKey));
}

TEST(Rfc8448Vectors, KeyScheduleFollowsFromTheMessages) {
  Trace t;
  Bytes zeros(32, 0);
  Bytes early = extract(zeros, zeros);
  EXPECT_EQ(early, hex(v::kEarlySecret));
  Bytes derived_hs = derive_secret(early, "derived", {});
  EXPECT_EQ(derived_hs, hex(v::kDerivedForHandshake));
  Bytes hs = extract(derived_hs, hex(v::kEcdheSharedSecret));
  EXPECT_EQ(hs, hex(v::kHandshakeSecret));

  Bytes ch_sh = cat({t.ch, t.sh});
  EXPECT_EQ(sha256(ch_sh), hex(v::kHashClientHelloToServerHello));
  Bytes c_hs = derive_secret(hs, "c hs traffic", ch_sh);
  Bytes s_hs = derive_secret(hs, "s hs traffic", ch_sh);
  EXPECT_EQ(c_hs, hex(v::kClientHandshakeTrafficSecret));
  EXPECT_EQ(s_hs, hex(v::kServerHandshakeTrafficSecret));
  EXPECT_EQ(expand_label(s_hs, "key", {}, 16), hex(v::kServerHandshakeKey));
  EXPECT_EQ(expand_label(s_hs, "iv", {}, 12), hex(v::kServerHandshakeIv));
  EXPECT_EQ(expand_label(c_hs, "key", {}, 16), hex(v::kClientHandshakeKey));
  EXPECT_EQ(expand_label(c_hs, "iv", {}, 12), hex(v::kClientHandshakeIv));

  Bytes derived_ms = derive_secret(hs, "derived", {});
  EXPECT_EQ(derived_ms, hex(v::kDerivedForMaster));
  Bytes master = extract(derived_ms, zeros);
  EXPECT_EQ(master, hex(v::kMasterSecret));

  // The server Finished covers EE, Certificate and CertificateVerify too.
  EXPECT_EQ(expand_label(s_hs, "finished", {}, 32), hex(v::kServerFinishedKey));
  Bytes through_cv = cat({t.ch, t.sh, t.ee, t.ct, t.cv});
  EXPECT_EQ(cat({hex("14 00 00 20"), finished_mac(s_hs, through_cv)}), t.sf);

  Bytes through_sf = cat({through_cv, t.sf});
  EXPECT_EQ(sha256(through_sf), hex(v::kHashClientHelloToServerFinished));
  Bytes c_ap = derive_secret(master, "c ap traffic", through_sf);
  Bytes s_ap = derive_secret(master, "s ap traffic", through_sf);
  EXPECT_EQ(c_ap, hex(v::kClientApplicationTrafficSecret));
  EXPECT_EQ(s_ap, hex(v::kServerApplicationTrafficSecret));
  EXPECT_EQ(derive_secret(master, "exp master", through_sf), hex(v::kExporterMasterSecret));
  EXPECT_EQ(expand_label(s_ap, "key", {}, 16), hex(v::kServerApplicationKey));
  EXPECT_EQ(expand_label(s_ap, "iv", {}, 12), hex(v::kServerApplicationIv));
  EXPECT_EQ(expand_label(c_ap, "key", {}, 16), hex(v::kClientApplicationKey));
  EXPECT_EQ(expand_label(c_ap, "iv", {}, 12), hex(v::kClientApplicationIv));

  EXPECT_EQ(expand_label(c_hs, "finished", {}, 32), hex(v::kClientFinishedKey));
  EXPECT_EQ(cat({hex("14 00 00 20"), finished_mac(c_hs, through_sf)}), t.cf);
  Bytes through_cf = cat({through_sf, t.cf});
  EXPECT_EQ(sha256(through_cf), hex(v::kHashClientHelloToClientFinished));
  EXPECT_EQ(derive_secret(master, "res master", through_cf), hex(v::kResumptionMasterSecret));
}

TEST(Rfc8448Vectors, CertificateVerifySignatureIsTheServers) {
  Trace t;
  auto cert_msg = parse_handshake(t.ct);
  ASSERT_TRUE(cert_msg.ok());
  auto cert = decode<Certificate13>(cert_msg->body);
  ASSERT_TRUE(cert.ok());
  ByteView der = cert->entries[0].cert_data;
  const uint8_t* p = der.data();
  X509* x509 = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  ASSERT_NE(x509, nullptr);
  auto cv = decode_message<CertificateVerify>(*parse_handshake(t.cv));
  ASSERT_TRUE(cv.ok());

  // RFC 8446 §4.4.3: 64 spaces, the context string, 0, Hash(CH..Certificate).
  Bytes content(64, 0x20);
  append(content, as_bytes("TLS 1.3, server CertificateVerify"));
  content.push_back(0);
  append(content, sha256(cat({t.ch, t.sh, t.ee, t.ct})));

  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), nullptr, X509_get0_pubkey(x509)) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
            EVP_DigestVerify(md, cv->signature.data(), cv->signature.size(), content.data(), content.size()) == 1;
  EVP_MD_CTX_free(md);
  X509_free(x509);
  EXPECT_TRUE(ok);
}

TEST(Rfc8448Vectors, ServerFlightRecordOpensToTheMessages) {
  Trace t;
  Bytes record = hex(v::kServerHandshakeRecord);
  auto frame = frame_record(record, kMaxCiphertext13);
  ASSERT_TRUE(frame.ok());
  ASSERT_TRUE(frame->complete());
  EXPECT_EQ(frame->size, record.size());
  EXPECT_EQ(frame->header.type, ContentType::ApplicationData);
  EXPECT_EQ(frame->header.version, kTls12);

  Aead aead;
  ASSERT_TRUE(aead.init(AeadAlg::Aes128Gcm, hex(v::kServerHandshakeKey)).ok());
  Bytes plain(frame->fragment.size() - aead.tag_size());
  // Sequence number 0: the nonce is the IV itself.
  ASSERT_TRUE(aead.open(hex(v::kServerHandshakeIv), ByteView(record).first(kRecordHeaderSize), frame->fragment,
                        plain)
                  .ok());
  EXPECT_EQ(plain, cat({t.ee, t.ct, t.cv, t.sf, hex("16")}));  // TLSInnerPlaintext: content, type
}

TEST(Rfc8448Vectors, TicketPskAndResumedBinder) {
  Bytes psk = expand_label(hex(v::kResumptionMasterSecret), "resumption", hex("00 00"), 32);
  EXPECT_EQ(psk, hex(v::kResumptionPsk));
  Bytes early = extract(Bytes(32, 0), psk);
  EXPECT_EQ(early, hex(v::kResumedEarlySecret));
  Bytes binder_key = derive_secret(early, "res binder", {});
  EXPECT_EQ(binder_key, hex(v::kResumedBinderKey));
  EXPECT_EQ(expand_label(binder_key, "finished", {}, 32), hex(v::kResumedBinderFinishedKey));

  Bytes ch = hex(v::kResumedClientHello);
  ASSERT_EQ(ch.size(), 512u);
  ByteView prefix = ByteView(ch).first(v::kResumedClientHelloPrefixSize);
  EXPECT_EQ(sha256(prefix), hex(v::kResumedBinderHash));
  EXPECT_EQ(finished_mac(binder_key, prefix), hex(v::kResumedBinder));
}

// ----------------------------------------------------- the codec parses them

TEST(Rfc8448Codec, RecordHeaders) {
  Trace t;
  auto h = parse_record_header(hex(v::kClientHelloRecordHeader));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->type, ContentType::Handshake);
  EXPECT_EQ(h->version, kTls10);
  EXPECT_EQ(h->length, t.ch.size());
  Bytes record = cat({hex(v::kServerHelloRecordHeader), t.sh});
  auto f = frame_record(record, kMaxPlaintext);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->size, 95u);
  EXPECT_EQ(to_bytes(f->fragment), t.sh);
  Bytes again;
  Writer w(again);
  write_record_header(w, f->header);
  EXPECT_EQ(again, hex(v::kServerHelloRecordHeader));
}

TEST(Rfc8448Codec, ClientHello) {
  Trace t;
  auto m = parse_handshake(t.ch);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->type, HandshakeType::ClientHello);
  ClientHello ch = test::expect_round_trip<ClientHello>(m->body);
  EXPECT_EQ(ch.legacy_version, kTls12);
  EXPECT_EQ(to_hex(ch.random), "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7");
  EXPECT_TRUE(ch.legacy_session_id.empty());
  ASSERT_EQ(ch.cipher_suites.size(), 3u);
  EXPECT_EQ(ch.cipher_suites[0], 0x1301);
  EXPECT_EQ(ch.cipher_suites[1], 0x1303);
  EXPECT_EQ(ch.cipher_suites[2], 0x1302);
  ASSERT_EQ(ch.compression_methods.size(), 1u);
  EXPECT_EQ(ch.compression_methods[0], 0);

  std::vector<uint16_t> types;
  for (const Extension& e : ch.extensions) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<uint16_t>{0, 0xff01, 10, 35, 51, 43, 13, 45, 28}));
  EXPECT_TRUE(check_extensions(ExtensionContext::ClientHello, ch.extensions, {}).ok());

  auto sni = find_extension<ServerNameClient>(ch.extensions);
  ASSERT_TRUE(sni.ok() && sni->has_value());
  EXPECT_EQ(to_bytes((*sni)->host_name), to_bytes(as_bytes("server")));

  auto groups = find_extension<SupportedGroups>(ch.extensions);
  ASSERT_TRUE(groups.ok() && groups->has_value());
  std::vector<uint16_t> g((*groups)->groups.begin(), (*groups)->groups.end());
  EXPECT_EQ(g, (std::vector<uint16_t>{0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104}));

  auto shares = find_extension<KeyShareClient>(ch.extensions);
  ASSERT_TRUE(shares.ok() && shares->has_value());
  ASSERT_EQ((*shares)->shares.size(), 1u);
  KeyShareEntry share = (*shares)->shares[0];
  EXPECT_EQ(share.group, static_cast<uint16_t>(NamedGroup::X25519));
  EXPECT_EQ(to_bytes(share.key_exchange), hex(v::kClientPublicKey));

  auto versions = find_extension<SupportedVersionsClient>(ch.extensions);
  ASSERT_TRUE(versions.ok() && versions->has_value());
  ASSERT_EQ((*versions)->versions.size(), 1u);
  EXPECT_EQ((*versions)->versions[0], kTls13);

  auto schemes = find_extension<SignatureAlgorithms>(ch.extensions);
  ASSERT_TRUE(schemes.ok() && schemes->has_value());
  std::vector<uint16_t> s((*schemes)->schemes.begin(), (*schemes)->schemes.end());
  EXPECT_EQ(s, (std::vector<uint16_t>{0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
                                      0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202}));

  auto modes = find_extension<PskKeyExchangeModes>(ch.extensions);
  ASSERT_TRUE(modes.ok() && modes->has_value());
  EXPECT_TRUE((*modes)->modes.contains(uint8_t{1}));
  auto limit = find_extension<RecordSizeLimit>(ch.extensions);
  ASSERT_TRUE(limit.ok() && limit->has_value());
  EXPECT_EQ((*limit)->limit, 0x4001);
  auto reneg = find_extension<RenegotiationInfo>(ch.extensions);
  ASSERT_TRUE(reneg.ok() && reneg->has_value());
  EXPECT_TRUE((*reneg)->renegotiated_connection.empty());
  auto ticket = find_extension<SessionTicket>(ch.extensions);
  ASSERT_TRUE(ticket.ok() && ticket->has_value());
  EXPECT_TRUE((*ticket)->ticket.empty());
  // No pre_shared_key: no binders to compute.
  EXPECT_EQ(truncated_client_hello_size(t.ch).status(), Status::TlsMissingExtension);

  Bytes again;
  Writer w(again);
  write_message(w, ch);
  EXPECT_EQ(again, t.ch);
}

TEST(Rfc8448Codec, ServerHello) {
  Trace t;
  auto ch = decode_message<ClientHello>(*parse_handshake(t.ch));
  ASSERT_TRUE(ch.ok());
  auto m = parse_handshake(t.sh);
  ASSERT_TRUE(m.ok());
  ServerHello sh = test::expect_round_trip<ServerHello>(m->body);
  EXPECT_FALSE(sh.is_hello_retry_request());
  EXPECT_EQ(sh.legacy_version, kTls12);
  EXPECT_EQ(sh.cipher_suite, 0x1301);
  EXPECT_TRUE(sh.legacy_session_id_echo.empty());
  EXPECT_EQ(sh.extensions.size(), 2u);
  EXPECT_TRUE(check_extensions(ExtensionContext::ServerHello, sh.extensions, ch->extensions).ok());
  auto share = find_extension<KeyShareServer>(sh.extensions);
  ASSERT_TRUE(share.ok() && share->has_value());
  EXPECT_EQ((*share)->share.group, 0x1d);
  EXPECT_EQ(to_bytes((*share)->share.key_exchange), hex(v::kServerPublicKey));
  auto version = find_extension<SupportedVersionsServer>(sh.extensions);
  ASSERT_TRUE(version.ok() && version->has_value());
  EXPECT_EQ((*version)->selected_version, kTls13);
  Bytes again;
  Writer w(again);
  write_message(w, sh);
  EXPECT_EQ(again, t.sh);
}

TEST(Rfc8448Codec, EncryptedExtensions) {
  Trace t;
  auto ch = decode_message<ClientHello>(*parse_handshake(t.ch));
  ASSERT_TRUE(ch.ok());
  auto ee = decode_message<EncryptedExtensions>(*parse_handshake(t.ee));
  ASSERT_TRUE(ee.ok());
  test::expect_round_trip<EncryptedExtensions>(parse_handshake(t.ee)->body);
  std::vector<uint16_t> types;
  for (const Extension& e : ee->extensions) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<uint16_t>{10, 28, 0}));
  EXPECT_TRUE(check_extensions(ExtensionContext::EncryptedExtensions, ee->extensions, ch->extensions).ok());
  auto ack = find_extension<ServerNameAck>(ee->extensions);
  EXPECT_TRUE(ack.ok() && ack->has_value());
  auto limit = find_extension<RecordSizeLimit>(ee->extensions);
  ASSERT_TRUE(limit.ok() && limit->has_value());
  EXPECT_EQ((*limit)->limit, 0x4001);
}

TEST(Rfc8448Codec, CertificateVerifyAndFinished) {
  Trace t;
  auto cert = decode_message<Certificate13>(*parse_handshake(t.ct));
  ASSERT_TRUE(cert.ok());
  test::expect_round_trip<Certificate13>(parse_handshake(t.ct)->body);
  EXPECT_TRUE(cert->context.empty());
  ASSERT_EQ(cert->entries.size(), 1u);
  EXPECT_EQ(cert->entries[0].cert_data.size(), 0x1b0u);
  EXPECT_TRUE(cert->entries[0].extensions.empty());

  auto cv = decode_message<CertificateVerify>(*parse_handshake(t.cv));
  ASSERT_TRUE(cv.ok());
  test::expect_round_trip<CertificateVerify>(parse_handshake(t.cv)->body);
  EXPECT_EQ(cv->scheme, static_cast<uint16_t>(SignatureScheme::RsaPssRsaeSha256));
  EXPECT_EQ(cv->signature.size(), 128u);

  for (const Bytes& raw : {t.sf, t.cf}) {
    auto fin = decode_message<Finished>(*parse_handshake(raw));
    ASSERT_TRUE(fin.ok());
    EXPECT_EQ(fin->verify_data.size(), 32u);
    Bytes again;
    Writer w(again);
    write_message(w, *fin);
    EXPECT_EQ(again, raw);
  }
  // A Certificate is not a CertificateVerify.
  EXPECT_EQ(decode_message<CertificateVerify>(*parse_handshake(t.ct)).status(), Status::TlsUnexpectedMessage);
}

TEST(Rfc8448Codec, NewSessionTicket) {
  Bytes raw = hex(v::kNewSessionTicket);
  auto m = parse_handshake(raw);
  ASSERT_TRUE(m.ok());
  NewSessionTicket13 nst = test::expect_round_trip<NewSessionTicket13>(m->body);
  EXPECT_EQ(nst.lifetime, 30u);
  EXPECT_EQ(nst.age_add, 0xfad6aac5u);
  EXPECT_EQ(to_bytes(nst.nonce), hex("00 00"));
  EXPECT_EQ(nst.ticket.size(), 0xb2u);
  EXPECT_TRUE(check_extensions(ExtensionContext::NewSessionTicket, nst.extensions, {}).ok());
  auto early = find_extension<MaxEarlyDataSize>(nst.extensions);
  ASSERT_TRUE(early.ok() && early->has_value());
  EXPECT_EQ((*early)->max_early_data_size, 1024u);
}

TEST(Rfc8448Codec, ResumedClientHelloWithPreSharedKey) {
  Bytes raw = hex(v::kResumedClientHello);
  auto m = parse_handshake(raw);
  ASSERT_TRUE(m.ok());
  ClientHello ch = test::expect_round_trip<ClientHello>(m->body);
  EXPECT_EQ(ch.extensions.last_type(), static_cast<uint16_t>(ExtensionType::PreSharedKey));
  EXPECT_TRUE(ch.extensions.contains(ExtensionType::Padding));
  EXPECT_TRUE(ch.extensions.contains(ExtensionType::EarlyData));
  EXPECT_TRUE(check_extensions(ExtensionContext::ClientHello, ch.extensions, {}).ok());

  auto psk = find_extension<PreSharedKeyClient>(ch.extensions);
  ASSERT_TRUE(psk.ok() && psk->has_value());
  ASSERT_EQ((*psk)->identities.size(), 1u);
  ASSERT_EQ((*psk)->binders.size(), 1u);
  // The identity is the ticket of §3's NewSessionTicket. The parsed ticket is
  // a view into the message bytes, which must outlive it.
  Bytes nst_raw = hex(v::kNewSessionTicket);
  auto nst = decode_message<NewSessionTicket13>(*parse_handshake(nst_raw));
  ASSERT_TRUE(nst.ok());
  EXPECT_EQ(to_bytes((*psk)->identities[0].identity), to_bytes(nst->ticket));
  EXPECT_EQ(to_bytes((*psk)->binders[0].binder), hex(v::kResumedBinder));
  EXPECT_EQ((*psk)->binders_size(), 35u);

  auto size = truncated_client_hello_size(raw);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, v::kResumedClientHelloPrefixSize);
}

TEST(Rfc8448Codec, EveryTruncationFailsCleanly) {
  Trace t;
  // A hello may stop right before its extensions (TLS 1.2): that prefix parses.
  size_t ch_no_ext = 2 + 32 + 1 + 2 + 6 + 1 + 1;
  test::expect_strict_framing<ClientHello>(parse_handshake(t.ch)->body, {ch_no_ext});
  size_t sh_no_ext = 2 + 32 + 1 + 2 + 1;
  test::expect_strict_framing<ServerHello>(parse_handshake(t.sh)->body, {sh_no_ext});
  test::expect_strict_framing<EncryptedExtensions>(parse_handshake(t.ee)->body);
  test::expect_strict_framing<Certificate13>(parse_handshake(t.ct)->body);
  test::expect_strict_framing<CertificateVerify>(parse_handshake(t.cv)->body);
  test::expect_strict_framing<NewSessionTicket13>(parse_handshake(hex(v::kNewSessionTicket))->body);
  Bytes resumed = hex(v::kResumedClientHello);
  test::expect_strict_framing<ClientHello>(parse_handshake(resumed)->body, {ch_no_ext});
  // And at the handshake layer, for every message.
  for (const Bytes& raw : {t.ch, t.sh, t.ee, t.ct, t.cv, t.sf, t.cf, resumed}) {
    for (size_t n = 0; n < raw.size(); ++n)
      EXPECT_EQ(parse_handshake(ByteView(raw).first(n)).status(), Status::TlsDecode) << n;
    Bytes longer = raw;
    longer.push_back(0);
    EXPECT_EQ(parse_handshake(longer).status(), Status::TlsDecode);
  }
}

TEST(Rfc8448Codec, AssemblerSplitsTheServerFlight) {
  Trace t;
  Bytes flight = cat({t.ee, t.ct, t.cv, t.sf});
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{7}, size_t{100}, flight.size()}) {
    HandshakeAssembler a(4096);
    std::vector<Bytes> got;
    for (size_t at = 0; at < flight.size(); at += chunk) {
      ASSERT_TRUE(a.feed(ByteView(flight).subspan(at, std::min(chunk, flight.size() - at))).ok());
      while (auto m = a.next()) got.push_back(to_bytes(m->raw));
    }
    EXPECT_TRUE(a.empty());
    ASSERT_EQ(got.size(), 4u) << chunk;
    EXPECT_EQ(got[0], t.ee);
    EXPECT_EQ(got[1], t.ct);
    EXPECT_EQ(got[2], t.cv);
    EXPECT_EQ(got[3], t.sf);
  }
}

}  // namespace
}  // namespace setls::tls

#include "host/tls/client_hello.h"

#include <algorithm>
#include <array>

#include "common/tls/cipher_suite.h"
#include "common/tls/handshake.h"
#include "common/tls/messages.h"

namespace setls::host {

using namespace setls::tls;

namespace {

constexpr uint16_t kSuites13[] = {
    static_cast<uint16_t>(CipherSuite::Aes128GcmSha256),
    static_cast<uint16_t>(CipherSuite::Aes256GcmSha384),
    static_cast<uint16_t>(CipherSuite::Aes128CcmSha256),
};
// The short-tag CCM-8 only when nothing better is shared (constrained links).
constexpr uint16_t kSuites12[] = {
    static_cast<uint16_t>(CipherSuite::EcdheEcdsaAes128GcmSha256),
    static_cast<uint16_t>(CipherSuite::EcdheEcdsaAes256GcmSha384),
    static_cast<uint16_t>(CipherSuite::EcdheEcdsaAes128Ccm),
    static_cast<uint16_t>(CipherSuite::EcdheEcdsaAes256Ccm),
    static_cast<uint16_t>(CipherSuite::EcdheEcdsaAes128Ccm8),
};
constexpr uint16_t kGroups[] = {static_cast<uint16_t>(NamedGroup::Secp256r1),
                                static_cast<uint16_t>(NamedGroup::Secp384r1)};
constexpr uint16_t kHandshakeSchemes[] = {static_cast<uint16_t>(SignatureScheme::EcdsaSecp256r1Sha256),
                                          static_cast<uint16_t>(SignatureScheme::EcdsaSecp384r1Sha384)};
// Certificates in the server's chain may also be signed with RSA ≥ 2048
// (the chip checks the key size); never SHA-1.
constexpr uint16_t kCertificateSchemes[] = {
    static_cast<uint16_t>(SignatureScheme::EcdsaSecp256r1Sha256),
    static_cast<uint16_t>(SignatureScheme::EcdsaSecp384r1Sha384),
    static_cast<uint16_t>(SignatureScheme::EcdsaSecp521r1Sha512),
    static_cast<uint16_t>(SignatureScheme::RsaPssRsaeSha256),
    static_cast<uint16_t>(SignatureScheme::RsaPssRsaeSha384),
    static_cast<uint16_t>(SignatureScheme::RsaPssRsaeSha512),
    static_cast<uint16_t>(SignatureScheme::RsaPkcs1Sha256),
    static_cast<uint16_t>(SignatureScheme::RsaPkcs1Sha384),
    static_cast<uint16_t>(SignatureScheme::RsaPkcs1Sha512),
};

// Extension bodies are encoded first, then listed in the order they go out.
struct ExtensionBuilder {
  std::vector<uint16_t> types;
  std::vector<Bytes> bodies;
  std::vector<Extension> list;
  bool ok = true;  // false once an encoder refused a value (too long a name…)

  template <class T>
  void add(const T& body) {
    Bytes encoded;
    Writer w(encoded);
    body.encode(w);
    ok = ok && w.ok();
    types.push_back(static_cast<uint16_t>(T::kType));
    bodies.push_back(std::move(encoded));
  }
  ExtensionList finish() {
    list.clear();
    for (size_t i = 0; i < bodies.size(); ++i) list.push_back(Extension{types[i], bodies[i]});
    return ExtensionList(list);
  }
};

size_t key_share_size(uint16_t group) {
  auto curve = group_curve(group);
  return curve == Curve::P384 ? 97 : 65;  // uncompressed points
}

}  // namespace

std::span<const uint16_t> default_suites13() { return kSuites13; }
std::span<const uint16_t> default_suites12() { return kSuites12; }
std::span<const uint16_t> default_groups() { return kGroups; }
std::span<const uint16_t> offered_handshake_schemes() { return kHandshakeSchemes; }
std::span<const uint16_t> offered_certificate_schemes() { return kCertificateSchemes; }

Result<Bytes> client_hello_template(const HelloOffer& offer) {
  bool tls13 = std::find(offer.versions.begin(), offer.versions.end(), kTls13) != offer.versions.end();
  bool tls12 = std::find(offer.versions.begin(), offer.versions.end(), kTls12) != offer.versions.end();
  if (offer.suites.empty() || offer.groups.empty() || (!tls13 && !tls12) || (tls13 && offer.share_groups.empty()))
    return Status::BadArgument;
  ExtensionBuilder ext;

  if (!offer.server_name.empty()) {
    ServerNameClient sni;
    sni.host_name = ByteView(reinterpret_cast<const uint8_t*>(offer.server_name.data()), offer.server_name.size());
    ext.add(sni);
  }
  // A TLS 1.2-only hello says so by legacy_version alone.
  if (tls13) ext.add(SupportedVersionsClient{U16List(offer.versions)});
  ext.add(SupportedGroups{U16List(offer.groups)});

  std::vector<Bytes> zero_shares;
  std::vector<KeyShareEntry> shares;
  for (uint16_t g : offer.share_groups) zero_shares.emplace_back(key_share_size(g), 0);
  for (size_t i = 0; i < offer.share_groups.size(); ++i) shares.push_back({offer.share_groups[i], zero_shares[i]});
  if (tls13) ext.add(KeyShareClient{List<KeyShareEntry>(shares)});

  if (tls12) {
    // RFC 8422 §5.1.2, RFC 7627 (the chip requires it), RFC 5746 (an initial handshake).
    static constexpr uint8_t kUncompressed[] = {EcPointFormats::kUncompressed};
    ext.add(EcPointFormats{U8List(kUncompressed)});
    ext.add(EmptyExtension<ExtensionType::ExtendedMasterSecret>{});
    ext.add(RenegotiationInfo{});
    ext.add(SessionTicket{offer.session_ticket12});  // RFC 5077: resumption without a server cache
  }

  ext.add(SignatureAlgorithms{U16List(kHandshakeSchemes)});
  SignatureAlgorithmsCert cert_schemes;
  cert_schemes.schemes = U16List(kCertificateSchemes);
  ext.add(cert_schemes);

  std::vector<ProtocolName> protocols;
  for (const std::string& p : offer.alpn)
    protocols.push_back({ByteView(reinterpret_cast<const uint8_t*>(p.data()), p.size())});
  if (!protocols.empty()) ext.add(AlpnProtocols{List<ProtocolName>(protocols)});

  if (offer.record_size_limit != 0) ext.add(RecordSizeLimit{offer.record_size_limit});
  if (offer.max_fragment_length != 0) ext.add(MaxFragmentLength{offer.max_fragment_length});
  if (!offer.cookie.empty()) ext.add(Cookie{offer.cookie});

  // Always: a server issues tickets only to clients that name a mode, and
  // psk_dhe_ke keeps forward secrecy on resumption.
  static constexpr uint8_t kModes[] = {static_cast<uint8_t>(PskKeyExchangeMode::PskDheKe)};
  if (tls13) ext.add(PskKeyExchangeModes{U8List(kModes)});

  // pre_shared_key goes last (RFC 8446 §4.2.11).
  Bytes zero_binder(hash_size(offer.ticket_hash), 0);
  PskIdentity identity{offer.ticket, 0};
  PskBinder binder{zero_binder};
  if (!offer.ticket.empty())
    ext.add(PreSharedKeyClient{List<PskIdentity>(std::span(&identity, 1)), List<PskBinder>(std::span(&binder, 1))});

  if (!ext.ok) return Status::BadArgument;

  static constexpr uint8_t kNullCompression[] = {0};
  std::array<uint8_t, kMaxSessionIdSize> zero_session_id{};
  if (offer.session_id12.size() > kMaxSessionIdSize) return Status::BadArgument;
  ClientHello hello;
  hello.legacy_version = kTls12;
  // Zeros for the chip's random one (middlebox compatibility, RFC 8446 §D.4),
  // or the TLS 1.2 session to resume, which the chip checks.
  hello.legacy_session_id = offer.session_id12.empty() ? ByteView(zero_session_id) : ByteView(offer.session_id12);
  hello.cipher_suites = U16List(offer.suites);
  hello.compression_methods = U8List(kNullCompression);
  hello.extensions = ext.finish();

  Bytes out;
  Writer w(out);
  write_message(w, hello);
  if (!w.ok()) return Status::BadArgument;
  return out;
}

}  // namespace setls::host

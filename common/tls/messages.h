// Handshake message bodies shared by TLS 1.2 and 1.3 (the hellos) and those
// of TLS 1.3 (RFC 8446 §4). TLS 1.2-only messages are in messages12.h.
// Conventions (errors, views, encoders) are in codec.h; each struct has
// kType for write_message() / decode_message() in handshake.h.
#pragma once

#include <array>
#include <cstdint>

#include "common/bytes/bytes.h"
#include "common/result.h"
#include "common/tls/codec.h"
#include "common/tls/constants.h"
#include "common/tls/extensions.h"
#include "common/tls/list.h"

namespace setls::tls {

constexpr size_t kRandomSize = 32;
constexpr size_t kMaxSessionIdSize = 32;
using Random = std::array<uint8_t, kRandomSize>;

// RFC 8446 §4.1.2, RFC 5246 §7.4.1.2.
struct ClientHello {
  static constexpr HandshakeType kType = HandshakeType::ClientHello;
  uint16_t legacy_version = kTls12;
  Random random{};
  ByteView legacy_session_id;  // <0..32>
  U16List cipher_suites;       // <2..2^16-2> bytes
  U8List compression_methods;  // <1..2^8-1>; must offer null (0), else BadValue
  // A TLS 1.2 ClientHello may stop before the extensions (RFC 5246 §7.4.1.2).
  bool has_extensions = true;
  // pre_shared_key, when present, must be the last extension (RFC 8446
  // §4.2.11), else BadValue.
  ExtensionList extensions;
  static bool parse(Reader& r, ClientHello& out);
  void encode(Writer& w) const;
};

// The length of the "truncated ClientHello" that PSK binders are computed
// over (RFC 8446 §4.2.11.2): the whole handshake message `client_hello`
// (4-byte header included) up to, not including, the binders list and its
// length. Needs a pre_shared_key extension (else TlsMissingExtension).
Result<size_t> truncated_client_hello_size(ByteView client_hello);

// RFC 8446 §4.1.3, RFC 5246 §7.4.1.3. Also a HelloRetryRequest.
struct ServerHello {
  static constexpr HandshakeType kType = HandshakeType::ServerHello;
  uint16_t legacy_version = kTls12;
  Random random{};
  ByteView legacy_session_id_echo;  // <0..32>
  uint16_t cipher_suite = 0;
  // setls never offers compression: anything but null (0) is BadValue.
  uint8_t legacy_compression_method = 0;
  bool has_extensions = true;  // a TLS 1.2 ServerHello may stop before them
  ExtensionList extensions;
  static bool parse(Reader& r, ServerHello& out);
  void encode(Writer& w) const;
  // RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello with this random.
  bool is_hello_retry_request() const;
};

// RFC 8446 §4.3.1.
struct EncryptedExtensions {
  static constexpr HandshakeType kType = HandshakeType::EncryptedExtensions;
  ExtensionList extensions;  // <0..2^16-1>
  static bool parse(Reader& r, EncryptedExtensions& out);
  void encode(Writer& w) const;
};

// RFC 8446 §4.3.2.
struct CertificateRequest13 {
  static constexpr HandshakeType kType = HandshakeType::CertificateRequest;
  ByteView context;          // <0..2^8-1>
  ExtensionList extensions;  // <2..2^16-1>: signature_algorithms is mandatory
  static bool parse(Reader& r, CertificateRequest13& out);
  void encode(Writer& w) const;
};

// RFC 8446 §4.4.2.
struct CertificateEntry {
  ByteView cert_data;        // <1..2^24-1>, DER
  ExtensionList extensions;  // <0..2^16-1>
  static bool parse(Reader& r, CertificateEntry& out);  // one element
  void encode(Writer& w) const;
};
struct Certificate13 {
  static constexpr HandshakeType kType = HandshakeType::Certificate;
  ByteView context;                // <0..2^8-1>
  List<CertificateEntry> entries;  // <0..2^24-1> bytes, leaf first
  static bool parse(Reader& r, Certificate13& out);
  void encode(Writer& w) const;
};

// RFC 8446 §4.4.3 (and the client's TLS 1.2 CertificateVerify, RFC 5246
// §7.4.8, which has the same shape).
struct CertificateVerify {
  static constexpr HandshakeType kType = HandshakeType::CertificateVerify;
  uint16_t scheme = 0;
  ByteView signature;  // <0..2^16-1>
  static bool parse(Reader& r, CertificateVerify& out);
  void encode(Writer& w) const;
};

// RFC 8446 §4.4.4, RFC 5246 §7.4.9. The exact length (12, or the hash size)
// is the engine's to check; outside 12..64 bytes it cannot be either (TlsDecode).
struct Finished {
  static constexpr HandshakeType kType = HandshakeType::Finished;
  static constexpr size_t kMinSize = 12;
  static constexpr size_t kMaxSize = 64;
  ByteView verify_data;
  static bool parse(Reader& r, Finished& out);
  void encode(Writer& w) const;
};

// RFC 8446 §4.6.1.
struct NewSessionTicket13 {
  static constexpr HandshakeType kType = HandshakeType::NewSessionTicket;
  uint32_t lifetime = 0;  // seconds
  uint32_t age_add = 0;
  ByteView nonce;            // <0..255>
  ByteView ticket;           // <1..2^16-1>
  ExtensionList extensions;  // <0..2^16-2>
  static bool parse(Reader& r, NewSessionTicket13& out);
  void encode(Writer& w) const;
};

// RFC 8446 §4.6.3: request_update is 0 or 1; anything else is BadValue.
struct KeyUpdate {
  static constexpr HandshakeType kType = HandshakeType::KeyUpdate;
  static constexpr uint8_t kUpdateNotRequested = 0;
  static constexpr uint8_t kUpdateRequested = 1;
  uint8_t request_update = kUpdateNotRequested;
  static bool parse(Reader& r, KeyUpdate& out);
  void encode(Writer& w) const;
};

}  // namespace setls::tls

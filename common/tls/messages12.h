// Handshake message bodies that exist only in TLS 1.2 (RFC 5246 §7.4 with
// RFC 8422 for ECDHE, RFC 5077 for tickets), as setls negotiates it:
// ECDHE-ECDSA only. Conventions are in codec.h.
#pragma once

#include <cstdint>

#include "common/bytes/bytes.h"
#include "common/tls/codec.h"
#include "common/tls/constants.h"
#include "common/tls/list.h"

namespace setls::tls {

// RFC 5246 §7.4.4.
struct DistinguishedName {
  ByteView der;  // <1..2^16-1>
  static bool parse(Reader& r, DistinguishedName& out);  // one element
  void encode(Writer& w) const;
};
struct CertificateRequest12 {
  static constexpr HandshakeType kType = HandshakeType::CertificateRequest;
  U8List certificate_types;                       // <1..2^8-1>
  U16List signature_algorithms;                   // <2..2^16-2> bytes
  List<DistinguishedName> certificate_authorities;  // <0..2^16-1> bytes
  static bool parse(Reader& r, CertificateRequest12& out);
  void encode(Writer& w) const;
};

// RFC 5246 §7.4.2.
struct Asn1Cert {
  ByteView der;  // <1..2^24-1>
  static bool parse(Reader& r, Asn1Cert& out);  // one element
  void encode(Writer& w) const;
};
struct Certificate12 {
  static constexpr HandshakeType kType = HandshakeType::Certificate;
  List<Asn1Cert> certificates;  // <0..2^24-1> bytes, leaf first
  static bool parse(Reader& r, Certificate12& out);
  void encode(Writer& w) const;
};

// RFC 5077 §3.3.
struct NewSessionTicket12 {
  static constexpr HandshakeType kType = HandshakeType::NewSessionTicket;
  uint32_t lifetime_hint = 0;  // seconds; 0 = unspecified
  ByteView ticket;             // <0..2^16-1>
  static bool parse(Reader& r, NewSessionTicket12& out);
  void encode(Writer& w) const;
};

// RFC 8422 §5.4 with RFC 5246 §7.4.3's digitally-signed struct: ECDHE
// parameters on a named curve (curve_type 3; the deprecated explicit curves
// are BadValue), then the server's signature over
// client_random + server_random + params.
struct ServerKeyExchangeEcdhe {
  static constexpr HandshakeType kType = HandshakeType::ServerKeyExchange;
  static constexpr uint8_t kNamedCurve = 3;
  uint8_t curve_type = kNamedCurve;
  uint16_t named_curve = 0;
  ByteView public_point;  // <1..2^8-1>
  uint16_t scheme = 0;
  ByteView signature;     // <0..2^16-1>
  // Set by parse(): the exact ServerECDHParams bytes the signature covers.
  ByteView params;
  static bool parse(Reader& r, ServerKeyExchangeEcdhe& out);
  void encode(Writer& w) const;
  // Writes just the ServerECDHParams (what a signer signs after the randoms).
  void encode_params(Writer& w) const;
};

// RFC 5246 §7.4.5: an empty body.
struct ServerHelloDone {
  static constexpr HandshakeType kType = HandshakeType::ServerHelloDone;
  static bool parse(Reader& r, ServerHelloDone& out);
  void encode(Writer& w) const;
};

// RFC 8422 §5.7: the client's ephemeral point.
struct ClientKeyExchangeEcdhe {
  static constexpr HandshakeType kType = HandshakeType::ClientKeyExchange;
  ByteView public_point;  // <1..2^8-1>
  static bool parse(Reader& r, ClientKeyExchangeEcdhe& out);
  void encode(Writer& w) const;
};

}  // namespace setls::tls

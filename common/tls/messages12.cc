#include "common/tls/messages12.h"

namespace setls::tls {

// ---- CertificateRequest

bool DistinguishedName::parse(Reader& r, DistinguishedName& out) { return read_opaque16(r, 1, 0xffff, out.der); }
void DistinguishedName::encode(Writer& w) const { write_opaque16(w, 1, 0xffff, der); }

bool CertificateRequest12::parse(Reader& r, CertificateRequest12& out) {
  return read_vec8(r, 1, 0xff, [&](Reader& c) { return U8List::parse(c, out.certificate_types); }) &&
         read_vec16(r, 2, 0xfffe, [&](Reader& c) { return U16List::parse(c, out.signature_algorithms); }) &&
         read_vec16(r, 0, 0xffff,
                    [&](Reader& c) { return List<DistinguishedName>::parse(c, out.certificate_authorities); }) &&
         r.expect_end();
}
void CertificateRequest12::encode(Writer& w) const {
  write_vec8(w, 1, 0xff, [&](Writer& c) { certificate_types.encode(c); });
  write_vec16(w, 2, 0xfffe, [&](Writer& c) { signature_algorithms.encode(c); });
  write_vec16(w, 0, 0xffff, [&](Writer& c) { certificate_authorities.encode(c); });
}

// ---- Certificate

bool Asn1Cert::parse(Reader& r, Asn1Cert& out) { return read_opaque24(r, 1, 0xffffff, out.der); }
void Asn1Cert::encode(Writer& w) const { write_opaque24(w, 1, 0xffffff, der); }

bool Certificate12::parse(Reader& r, Certificate12& out) {
  return read_vec24(r, 0, 0xffffff, [&](Reader& c) { return List<Asn1Cert>::parse(c, out.certificates); }) &&
         r.expect_end();
}
void Certificate12::encode(Writer& w) const {
  write_vec24(w, 0, 0xffffff, [&](Writer& c) { certificates.encode(c); });
}

// ---- NewSessionTicket

bool NewSessionTicket12::parse(Reader& r, NewSessionTicket12& out) {
  return r.u32(out.lifetime_hint) && read_opaque16(r, 0, 0xffff, out.ticket) && r.expect_end();
}
void NewSessionTicket12::encode(Writer& w) const {
  w.u32(lifetime_hint);
  write_opaque16(w, 0, 0xffff, ticket);
}

// ---- ServerKeyExchange

bool ServerKeyExchangeEcdhe::parse(Reader& r, ServerKeyExchangeEcdhe& out) {
  ByteView start = r.rest();
  if (!r.u8(out.curve_type)) return false;
  // RFC 8422 §5.4: explicit_prime(1) and explicit_char2(2) are deprecated.
  if (out.curve_type != kNamedCurve) return r.fail(ParseError::BadValue);
  if (!r.u16(out.named_curve) || !read_opaque8(r, 1, 0xff, out.public_point)) return false;
  out.params = start.first(start.size() - r.remaining());
  return r.u16(out.scheme) && read_opaque16(r, 0, 0xffff, out.signature) && r.expect_end();
}

void ServerKeyExchangeEcdhe::encode_params(Writer& w) const {
  if (curve_type != kNamedCurve) w.fail();
  w.u8(curve_type).u16(named_curve);
  write_opaque8(w, 1, 0xff, public_point);
}

void ServerKeyExchangeEcdhe::encode(Writer& w) const {
  encode_params(w);
  w.u16(scheme);
  write_opaque16(w, 0, 0xffff, signature);
}

// ---- ServerHelloDone, ClientKeyExchange

bool ServerHelloDone::parse(Reader& r, ServerHelloDone&) { return r.expect_end(); }
void ServerHelloDone::encode(Writer&) const {}

bool ClientKeyExchangeEcdhe::parse(Reader& r, ClientKeyExchangeEcdhe& out) {
  return read_opaque8(r, 1, 0xff, out.public_point) && r.expect_end();
}
void ClientKeyExchangeEcdhe::encode(Writer& w) const { write_opaque8(w, 1, 0xff, public_point); }

}  // namespace setls::tls

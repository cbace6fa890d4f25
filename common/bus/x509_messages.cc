#include "common/bus/x509_messages.h"

namespace setls::bus {

namespace {
bool read_string16(Reader& r, std::string& s) {
  Reader child;
  if (!r.prefixed16(child)) return false;
  ByteView v = child.rest();
  s.assign(v.begin(), v.end());
  return true;
}
}  // namespace

void X509VerifyRequest::encode(Writer& w) const {
  w.u8(static_cast<uint8_t>(name_kind)).vec8(name).u64(unix_time);
  w.u8(static_cast<uint8_t>(chain.size()));
  for (ByteView der : chain) w.vec16(der);
}

bool X509VerifyRequest::parse(Reader& r, X509VerifyRequest& out) {
  uint8_t kind = 0, count = 0;
  Reader name;
  if (!r.u8(kind) || !r.prefixed8(name, 1, 255) || !r.u64(out.unix_time) || !r.u8(count)) return false;
  if (kind != static_cast<uint8_t>(PeerNameKind::Dns) && kind != static_cast<uint8_t>(PeerNameKind::Ip))
    return r.fail(ParseError::BadValue);
  if (count == 0) return r.fail(ParseError::BadLength);
  out.name_kind = static_cast<PeerNameKind>(kind);
  out.name = name.rest();
  out.chain.clear();
  for (uint8_t i = 0; i < count; ++i) {
    Reader der;
    if (!r.prefixed16(der, 1, 0xFFFF)) return false;
    out.chain.push_back(der.rest());
  }
  return true;
}

void X509VerifyResponse::encode(Writer& w) const {
  w.vec16(as_bytes(leaf_subject)).u8(static_cast<uint8_t>(subjects.size()));
  for (const auto& s : subjects) w.vec16(as_bytes(s));
  w.u64(static_cast<uint64_t>(newest_not_before)).vec16(leaf_spki);
}

bool X509VerifyResponse::parse(Reader& r, X509VerifyResponse& out) {
  uint8_t count = 0;
  if (!read_string16(r, out.leaf_subject) || !r.u8(count)) return false;
  if (count == 0) return r.fail(ParseError::BadLength);
  out.subjects.clear();
  for (uint8_t i = 0; i < count; ++i) {
    std::string s;
    if (!read_string16(r, s)) return false;
    out.subjects.push_back(std::move(s));
  }
  uint64_t not_before = 0;
  Reader spki;
  if (!r.u64(not_before) || !r.prefixed16(spki, 1, 1024)) return false;
  out.newest_not_before = static_cast<int64_t>(not_before);
  out.leaf_spki.assign(spki.rest().begin(), spki.rest().end());
  return true;
}

}  // namespace setls::bus

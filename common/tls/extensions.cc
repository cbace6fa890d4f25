#include "common/tls/extensions.h"

#include <algorithm>

namespace setls::tls {

// ---- the block

bool Extension::parse(Reader& r, Extension& out) {
  return r.u16(out.type) && read_opaque16(r, 0, 0xffff, out.data);
}

void Extension::encode(Writer& w) const {
  w.u16(type);
  write_opaque16(w, 0, 0xffff, data);
}

bool ExtensionList::parse(Reader& r, ExtensionList& out, size_t min, size_t max) {
  return read_vec16(r, min, max, [&](Reader& c) {
    return List<Extension>::parse(c, out.list_, kMaxExtensions) &&
           (!out.has_duplicates() || c.fail(ParseError::BadValue));
  });
}

Result<ExtensionList> ExtensionList::from_contents(ByteView contents) {
  Reader r(contents);
  ExtensionList out;
  if (!List<Extension>::parse(r, out.list_, kMaxExtensions)) return decode_status(r.error());
  if (out.has_duplicates()) return Status::TlsIllegalParameter;
  return out;
}

void ExtensionList::encode(Writer& w, size_t min, size_t max) const {
  if (size() > kMaxExtensions || has_duplicates()) {
    w.fail();
    return;
  }
  write_vec16(w, min, max, [&](Writer& c) { list_.encode(c); });
}

std::optional<ByteView> ExtensionList::find(uint16_t type) const {
  for (const Extension& e : list_)
    if (e.type == type) return e.data;
  return std::nullopt;
}

std::optional<uint16_t> ExtensionList::last_type() const {
  std::optional<uint16_t> last;
  for (const Extension& e : list_) last = e.type;
  return last;
}

bool ExtensionList::has_duplicates() const {
  // Quadratic, but over at most kMaxExtensions entries.
  for (auto a = list_.begin(); a != list_.end(); ++a) {
    auto b = a;
    for (++b; b != list_.end(); ++b)
      if (a->type == b->type) return true;
  }
  return false;
}

// ---- supported_versions

bool SupportedVersionsClient::parse(Reader& r, SupportedVersionsClient& out) {
  return read_vec8(r, 2, 254, [&](Reader& c) { return U16List::parse(c, out.versions); }) && r.expect_end();
}
void SupportedVersionsClient::encode(Writer& w) const {
  write_vec8(w, 2, 254, [&](Writer& c) { versions.encode(c); });
}

bool SupportedVersionsServer::parse(Reader& r, SupportedVersionsServer& out) {
  return r.u16(out.selected_version) && r.expect_end();
}
void SupportedVersionsServer::encode(Writer& w) const { w.u16(selected_version); }

// ---- supported_groups

bool SupportedGroups::parse(Reader& r, SupportedGroups& out) {
  return read_vec16(r, 2, 0xffff, [&](Reader& c) { return U16List::parse(c, out.groups); }) && r.expect_end();
}
void SupportedGroups::encode(Writer& w) const {
  write_vec16(w, 2, 0xffff, [&](Writer& c) { groups.encode(c); });
}

// ---- key_share

bool KeyShareEntry::parse(Reader& r, KeyShareEntry& out) {
  return r.u16(out.group) && read_opaque16(r, 1, 0xffff, out.key_exchange);
}
void KeyShareEntry::encode(Writer& w) const {
  w.u16(group);
  write_opaque16(w, 1, 0xffff, key_exchange);
}

namespace {
bool repeats_a_group(const List<KeyShareEntry>& shares) {
  for (auto a = shares.begin(); a != shares.end(); ++a) {
    auto b = a;
    for (++b; b != shares.end(); ++b)
      if (a->group == b->group) return true;
  }
  return false;
}
}  // namespace

bool KeyShareClient::parse(Reader& r, KeyShareClient& out) {
  // RFC 8446 §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values
  // for the same group" and a server may enforce it with illegal_parameter.
  return read_vec16(r, 0, 0xffff,
                    [&](Reader& c) {
                      return List<KeyShareEntry>::parse(c, out.shares, kMaxShares) &&
                             (!repeats_a_group(out.shares) || c.fail(ParseError::BadValue));
                    }) &&
         r.expect_end();
}
void KeyShareClient::encode(Writer& w) const {
  if (shares.size() > kMaxShares || repeats_a_group(shares)) {
    w.fail();
    return;
  }
  write_vec16(w, 0, 0xffff, [&](Writer& c) { shares.encode(c); });
}

bool KeyShareServer::parse(Reader& r, KeyShareServer& out) {
  return KeyShareEntry::parse(r, out.share) && r.expect_end();
}
void KeyShareServer::encode(Writer& w) const { share.encode(w); }

bool KeyShareHelloRetry::parse(Reader& r, KeyShareHelloRetry& out) {
  return r.u16(out.selected_group) && r.expect_end();
}
void KeyShareHelloRetry::encode(Writer& w) const { w.u16(selected_group); }

// ---- signature_algorithms

bool SignatureAlgorithms::parse(Reader& r, SignatureAlgorithms& out) {
  return read_vec16(r, 2, 0xfffe, [&](Reader& c) { return U16List::parse(c, out.schemes); }) && r.expect_end();
}
void SignatureAlgorithms::encode(Writer& w) const {
  write_vec16(w, 2, 0xfffe, [&](Writer& c) { schemes.encode(c); });
}

// ---- server_name

bool ServerNameClient::parse(Reader& r, ServerNameClient& out) {
  return read_vec16(r, 1, 0xffff,
                    [&](Reader& c) {
                      uint8_t name_type = 0;
                      if (!c.u8(name_type)) return false;
                      if (name_type != kHostName) return c.fail(ParseError::BadValue);
                      if (!read_opaque16(c, 1, 0xffff, out.host_name)) return false;
                      return c.empty() || c.fail(ParseError::BadValue);
                    }) &&
         r.expect_end();
}
void ServerNameClient::encode(Writer& w) const {
  write_vec16(w, 1, 0xffff, [&](Writer& c) {
    c.u8(kHostName);
    write_opaque16(c, 1, 0xffff, host_name);
  });
}

// ---- ALPN

bool ProtocolName::parse(Reader& r, ProtocolName& out) { return read_opaque8(r, 1, 0xff, out.name); }
void ProtocolName::encode(Writer& w) const { write_opaque8(w, 1, 0xff, name); }
bool ProtocolName::operator==(const ProtocolName& o) const { return std::ranges::equal(name, o.name); }

bool AlpnProtocols::parse(Reader& r, AlpnProtocols& out) {
  return read_vec16(r, 2, 0xffff, [&](Reader& c) { return List<ProtocolName>::parse(c, out.protocols); }) &&
         r.expect_end();
}
void AlpnProtocols::encode(Writer& w) const {
  write_vec16(w, 2, 0xffff, [&](Writer& c) { protocols.encode(c); });
}

bool AlpnSelected::parse(Reader& r, AlpnSelected& out) {
  // RFC 7301 §3.1: the server's list "MUST contain exactly one" name.
  return read_vec16(r, 2, 0xffff,
                    [&](Reader& c) {
                      ProtocolName name;
                      if (!ProtocolName::parse(c, name)) return false;
                      out.protocol = name.name;
                      return c.empty() || c.fail(ParseError::BadValue);
                    }) &&
         r.expect_end();
}
void AlpnSelected::encode(Writer& w) const {
  write_vec16(w, 2, 0xffff, [&](Writer& c) { ProtocolName{protocol}.encode(c); });
}

// ---- record_size_limit, max_fragment_length

bool RecordSizeLimit::parse(Reader& r, RecordSizeLimit& out) {
  if (!r.u16(out.limit) || !r.expect_end()) return false;
  // RFC 8449 §4: a smaller value "MUST" be treated as illegal_parameter.
  return out.limit >= kMin || r.fail(ParseError::BadValue);
}
void RecordSizeLimit::encode(Writer& w) const {
  if (limit < kMin) w.fail();
  w.u16(limit);
}

bool MaxFragmentLength::parse(Reader& r, MaxFragmentLength& out) {
  if (!r.u8(out.code) || !r.expect_end()) return false;
  // RFC 6066 §4: other values are answered with illegal_parameter.
  return (out.code >= 1 && out.code <= 4) || r.fail(ParseError::BadValue);
}
void MaxFragmentLength::encode(Writer& w) const {
  if (code < 1 || code > 4) w.fail();
  w.u8(code);
}

// ---- psk_key_exchange_modes, pre_shared_key

bool PskKeyExchangeModes::parse(Reader& r, PskKeyExchangeModes& out) {
  return read_vec8(r, 1, 0xff, [&](Reader& c) { return U8List::parse(c, out.modes); }) && r.expect_end();
}
void PskKeyExchangeModes::encode(Writer& w) const {
  write_vec8(w, 1, 0xff, [&](Writer& c) { modes.encode(c); });
}

bool PskIdentity::parse(Reader& r, PskIdentity& out) {
  return read_opaque16(r, 1, 0xffff, out.identity) && r.u32(out.obfuscated_ticket_age);
}
void PskIdentity::encode(Writer& w) const {
  write_opaque16(w, 1, 0xffff, identity);
  w.u32(obfuscated_ticket_age);
}

bool PskBinder::parse(Reader& r, PskBinder& out) { return read_opaque8(r, 32, 0xff, out.binder); }
void PskBinder::encode(Writer& w) const { write_opaque8(w, 32, 0xff, binder); }

bool PreSharedKeyClient::parse(Reader& r, PreSharedKeyClient& out) {
  if (!read_vec16(r, 7, 0xffff, [&](Reader& c) { return List<PskIdentity>::parse(c, out.identities); }) ||
      !read_vec16(r, 33, 0xffff, [&](Reader& c) { return List<PskBinder>::parse(c, out.binders); }) ||
      !r.expect_end())
    return false;
  // RFC 8446 §4.2.11: one binder per offered identity.
  return out.identities.size() == out.binders.size() || r.fail(ParseError::BadValue);
}
void PreSharedKeyClient::encode(Writer& w) const {
  if (identities.size() != binders.size()) w.fail();
  write_vec16(w, 7, 0xffff, [&](Writer& c) { identities.encode(c); });
  write_vec16(w, 33, 0xffff, [&](Writer& c) { binders.encode(c); });
}
size_t PreSharedKeyClient::binders_size() const {
  size_t n = 2;
  for (const PskBinder& b : binders) n += 1 + b.binder.size();
  return n;
}

bool PreSharedKeyServer::parse(Reader& r, PreSharedKeyServer& out) {
  return r.u16(out.selected_identity) && r.expect_end();
}
void PreSharedKeyServer::encode(Writer& w) const { w.u16(selected_identity); }

// ---- cookie, early_data

bool Cookie::parse(Reader& r, Cookie& out) { return read_opaque16(r, 1, 0xffff, out.cookie) && r.expect_end(); }
void Cookie::encode(Writer& w) const { write_opaque16(w, 1, 0xffff, cookie); }

bool MaxEarlyDataSize::parse(Reader& r, MaxEarlyDataSize& out) {
  return r.u32(out.max_early_data_size) && r.expect_end();
}
void MaxEarlyDataSize::encode(Writer& w) const { w.u32(max_early_data_size); }

// ---- TLS 1.2

bool EcPointFormats::parse(Reader& r, EcPointFormats& out) {
  return read_vec8(r, 1, 0xff, [&](Reader& c) { return U8List::parse(c, out.formats); }) && r.expect_end();
}
void EcPointFormats::encode(Writer& w) const {
  write_vec8(w, 1, 0xff, [&](Writer& c) { formats.encode(c); });
}

bool RenegotiationInfo::parse(Reader& r, RenegotiationInfo& out) {
  return read_opaque8(r, 0, 0xff, out.renegotiated_connection) && r.expect_end();
}
void RenegotiationInfo::encode(Writer& w) const { write_opaque8(w, 0, 0xff, renegotiated_connection); }

bool SessionTicket::parse(Reader& r, SessionTicket& out) { return r.bytes(r.remaining(), out.ticket); }
void SessionTicket::encode(Writer& w) const { w.bytes(ticket); }

}  // namespace setls::tls

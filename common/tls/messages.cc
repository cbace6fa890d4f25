#include "common/tls/messages.h"

#include <algorithm>

#include "common/tls/handshake.h"

namespace setls::tls {

namespace {
constexpr uint16_t kPreSharedKey = static_cast<uint16_t>(ExtensionType::PreSharedKey);

bool psk_is_last(const ExtensionList& extensions) {
  return !extensions.contains(kPreSharedKey) || extensions.last_type() == kPreSharedKey;
}

// Extensions are optional in TLS 1.2 hellos: present exactly when bytes follow.
bool read_optional_extensions(Reader& r, bool& present, ExtensionList& out) {
  present = !r.empty();
  out = ExtensionList();
  return !present || ExtensionList::parse(r, out);
}

void write_optional_extensions(Writer& w, bool present, const ExtensionList& extensions) {
  if (present) extensions.encode(w);
  else if (!extensions.empty()) w.fail();
}
}  // namespace

// ---- ClientHello

bool ClientHello::parse(Reader& r, ClientHello& out) {
  if (!r.u16(out.legacy_version) || !r.copy(out.random) ||
      !read_opaque8(r, 0, kMaxSessionIdSize, out.legacy_session_id) ||
      !read_vec16(r, 2, 0xfffe, [&](Reader& c) { return U16List::parse(c, out.cipher_suites); }) ||
      !read_vec8(r, 1, 0xff, [&](Reader& c) { return U8List::parse(c, out.compression_methods); }) ||
      !read_optional_extensions(r, out.has_extensions, out.extensions) || !r.expect_end())
    return false;
  // RFC 5246 §7.4.1.2: the list "MUST contain" null; RFC 8446 §4.2.11: "The
  // "pre_shared_key" extension MUST be the last extension".
  if (!out.compression_methods.contains(uint8_t{0}) || !psk_is_last(out.extensions))
    return r.fail(ParseError::BadValue);
  return true;
}

void ClientHello::encode(Writer& w) const {
  if (!compression_methods.contains(uint8_t{0}) || !psk_is_last(extensions)) w.fail();
  w.u16(legacy_version).bytes(random);
  write_opaque8(w, 0, kMaxSessionIdSize, legacy_session_id);
  write_vec16(w, 2, 0xfffe, [&](Writer& c) { cipher_suites.encode(c); });
  write_vec8(w, 1, 0xff, [&](Writer& c) { compression_methods.encode(c); });
  write_optional_extensions(w, has_extensions, extensions);
}

Result<size_t> truncated_client_hello_size(ByteView client_hello) {
  Result<HandshakeMessage> m = parse_handshake(client_hello);
  if (!m) return m.error();
  Result<ClientHello> hello = decode_message<ClientHello>(*m);
  if (!hello) return hello.error();
  Result<std::optional<PreSharedKeyClient>> psk = find_extension<PreSharedKeyClient>(hello->extensions);
  if (!psk) return psk.error();
  if (!psk->has_value()) return Status::TlsMissingExtension;
  // pre_shared_key is the last extension and the binders its last field, so
  // they are the last bytes of the message.
  return client_hello.size() - (*psk)->binders_size();
}

// ---- ServerHello

bool ServerHello::parse(Reader& r, ServerHello& out) {
  if (!r.u16(out.legacy_version) || !r.copy(out.random) ||
      !read_opaque8(r, 0, kMaxSessionIdSize, out.legacy_session_id_echo) || !r.u16(out.cipher_suite) ||
      !r.u8(out.legacy_compression_method) || !read_optional_extensions(r, out.has_extensions, out.extensions) ||
      !r.expect_end())
    return false;
  // RFC 8446 §4.1.3: "MUST have the value 0"; TLS 1.2: never offered.
  return out.legacy_compression_method == 0 || r.fail(ParseError::BadValue);
}

void ServerHello::encode(Writer& w) const {
  if (legacy_compression_method != 0) w.fail();
  w.u16(legacy_version).bytes(random);
  write_opaque8(w, 0, kMaxSessionIdSize, legacy_session_id_echo);
  w.u16(cipher_suite).u8(legacy_compression_method);
  write_optional_extensions(w, has_extensions, extensions);
}

bool ServerHello::is_hello_retry_request() const {
  return std::equal(random.begin(), random.end(), std::begin(kHelloRetryRequestRandom));
}

// ---- EncryptedExtensions, CertificateRequest

bool EncryptedExtensions::parse(Reader& r, EncryptedExtensions& out) {
  return ExtensionList::parse(r, out.extensions) && r.expect_end();
}
void EncryptedExtensions::encode(Writer& w) const { extensions.encode(w); }

bool CertificateRequest13::parse(Reader& r, CertificateRequest13& out) {
  return read_opaque8(r, 0, 0xff, out.context) && ExtensionList::parse(r, out.extensions, 2, 0xffff) &&
         r.expect_end();
}
void CertificateRequest13::encode(Writer& w) const {
  write_opaque8(w, 0, 0xff, context);
  extensions.encode(w, 2, 0xffff);
}

// ---- Certificate, CertificateVerify, Finished

bool CertificateEntry::parse(Reader& r, CertificateEntry& out) {
  return read_opaque24(r, 1, 0xffffff, out.cert_data) && ExtensionList::parse(r, out.extensions);
}
void CertificateEntry::encode(Writer& w) const {
  write_opaque24(w, 1, 0xffffff, cert_data);
  extensions.encode(w);
}

bool Certificate13::parse(Reader& r, Certificate13& out) {
  return read_opaque8(r, 0, 0xff, out.context) &&
         read_vec24(r, 0, 0xffffff, [&](Reader& c) { return List<CertificateEntry>::parse(c, out.entries); }) &&
         r.expect_end();
}
void Certificate13::encode(Writer& w) const {
  write_opaque8(w, 0, 0xff, context);
  write_vec24(w, 0, 0xffffff, [&](Writer& c) { entries.encode(c); });
}

bool CertificateVerify::parse(Reader& r, CertificateVerify& out) {
  return r.u16(out.scheme) && read_opaque16(r, 0, 0xffff, out.signature) && r.expect_end();
}
void CertificateVerify::encode(Writer& w) const {
  w.u16(scheme);
  write_opaque16(w, 0, 0xffff, signature);
}

bool Finished::parse(Reader& r, Finished& out) {
  if (r.remaining() < kMinSize || r.remaining() > kMaxSize) return r.fail(ParseError::BadLength);
  return r.bytes(r.remaining(), out.verify_data);
}
void Finished::encode(Writer& w) const {
  if (verify_data.size() < kMinSize || verify_data.size() > kMaxSize) w.fail();
  w.bytes(verify_data);
}

// ---- post-handshake

bool NewSessionTicket13::parse(Reader& r, NewSessionTicket13& out) {
  return r.u32(out.lifetime) && r.u32(out.age_add) && read_opaque8(r, 0, 0xff, out.nonce) &&
         read_opaque16(r, 1, 0xffff, out.ticket) && ExtensionList::parse(r, out.extensions, 0, 0xfffe) &&
         r.expect_end();
}
void NewSessionTicket13::encode(Writer& w) const {
  w.u32(lifetime).u32(age_add);
  write_opaque8(w, 0, 0xff, nonce);
  write_opaque16(w, 1, 0xffff, ticket);
  extensions.encode(w, 0, 0xfffe);
}

bool KeyUpdate::parse(Reader& r, KeyUpdate& out) {
  if (!r.u8(out.request_update) || !r.expect_end()) return false;
  // RFC 8446 §4.6.3: any other value is illegal_parameter.
  return out.request_update <= kUpdateRequested || r.fail(ParseError::BadValue);
}
void KeyUpdate::encode(Writer& w) const {
  if (request_update > kUpdateRequested) w.fail();
  w.u8(request_update);
}

}  // namespace setls::tls

#include "common/bus/tls_messages.h"

namespace setls::bus {

namespace {

Bytes copy(ByteView v) { return Bytes(v.begin(), v.end()); }

bool read_vec8(Reader& r, Bytes& out) {
  Reader c;
  if (!r.prefixed8(c)) return false;
  out = copy(c.rest());
  return true;
}
bool read_vec16(Reader& r, Bytes& out) {
  Reader c;
  if (!r.prefixed16(c)) return false;
  out = copy(c.rest());
  return true;
}
bool read_vec24(Reader& r, Bytes& out) {
  Reader c;
  if (!r.prefixed24(c)) return false;
  out = copy(c.rest());
  return true;
}
bool read_string8(Reader& r, std::string& out) {
  Reader c;
  if (!r.prefixed8(c)) return false;
  out.assign(c.rest().begin(), c.rest().end());
  return true;
}

template <class T>
void write_optional(Writer& w, const std::optional<T>& v) {
  w.u8(v ? 1 : 0);
  if (v) v->encode(w);
}

template <class T>
bool read_optional(Reader& r, std::optional<T>& v) {
  uint8_t present = 0;
  if (!r.u8(present) || present > 1) return r.fail(ParseError::BadValue);
  if (present == 0) {
    v.reset();
    return true;
  }
  T value;
  if (!T::parse(r, value)) return false;
  v = std::move(value);
  return true;
}

}  // namespace

void TlsStartRequest::encode(Writer& w) const {
  w.u8(static_cast<uint8_t>(mode)).u8(static_cast<uint8_t>(name_kind)).vec8(as_bytes(name));
  w.u64(unix_time_ms).u16(resume_id).vec16(client_hello);
}

bool TlsStartRequest::parse(Reader& r, TlsStartRequest& out) {
  uint8_t mode = 0, kind = 0;
  if (!r.u8(mode) || !r.u8(kind) || !read_string8(r, out.name) || !r.u64(out.unix_time_ms) ||
      !r.u16(out.resume_id) || !read_vec16(r, out.client_hello))
    return false;
  if (mode < 1 || mode > 2 || kind < 1 || kind > 2) return r.fail(ParseError::BadValue);
  out.mode = static_cast<RecordMode>(mode);
  out.name_kind = static_cast<NameKind>(kind);
  return true;
}

void TlsStartResponse::encode(Writer& w) const { w.u32(handle).vec16(client_hello); }

bool TlsStartResponse::parse(Reader& r, TlsStartResponse& out) {
  return r.u32(out.handle) && read_vec16(r, out.client_hello);
}

void HandleAndBytes::encode(Writer& w) const { w.u32(handle).vec24(data); }

bool HandleAndBytes::parse(Reader& r, HandleAndBytes& out) { return r.u32(out.handle) && read_vec24(r, out.data); }

void TrafficKey::encode(Writer& w) const { w.vec8(key).vec8(iv).u64(sequence); }

bool TrafficKey::parse(Reader& r, TrafficKey& out) {
  return read_vec8(r, out.key) && read_vec8(r, out.iv) && r.u64(out.sequence);
}

void TlsSummary::encode(Writer& w) const {
  w.u16(version).u16(suite).u16(group).u8(flags).vec8(as_bytes(alpn)).u16(peer_record_limit);
  w.u16(resume_id).vec16(session_ticket);
  w.u8(static_cast<uint8_t>(chain_subjects.size()));
  for (const auto& s : chain_subjects) w.vec16(as_bytes(s));
}

bool TlsSummary::parse(Reader& r, TlsSummary& out) {
  uint8_t count = 0;
  if (!r.u16(out.version) || !r.u16(out.suite) || !r.u16(out.group) || !r.u8(out.flags) ||
      !read_string8(r, out.alpn) || !r.u16(out.peer_record_limit) || !r.u16(out.resume_id) ||
      !read_vec16(r, out.session_ticket) || !r.u8(count))
    return false;
  out.chain_subjects.clear();
  for (uint8_t i = 0; i < count; ++i) {
    Reader c;
    if (!r.prefixed16(c)) return false;
    out.chain_subjects.emplace_back(c.rest().begin(), c.rest().end());
  }
  return true;
}

void TlsHandshakeResponse::encode(Writer& w) const {
  w.u8(static_cast<uint8_t>(progress)).u32(consumed).vec24(output).u16(retry_group).vec16(retry_cookie);
  write_optional(w, summary);
  write_optional(w, client_key);
  write_optional(w, server_key);
}

bool TlsHandshakeResponse::parse(Reader& r, TlsHandshakeResponse& out) {
  uint8_t progress = 0;
  if (!r.u8(progress) || !r.u32(out.consumed) || !read_vec24(r, out.output) || !r.u16(out.retry_group) ||
      !read_vec16(r, out.retry_cookie) || !read_optional(r, out.summary) || !read_optional(r, out.client_key) ||
      !read_optional(r, out.server_key))
    return false;
  if (progress < 1 || progress > 3) return r.fail(ParseError::BadValue);
  out.progress = static_cast<HandshakeProgress>(progress);
  return true;
}

void TlsTicket::encode(Writer& w) const { w.u16(id).u32(lifetime).vec16(ticket); }

bool TlsTicket::parse(Reader& r, TlsTicket& out) {
  return r.u16(out.id) && r.u32(out.lifetime) && read_vec16(r, out.ticket);
}

void TlsRecordInResponse::encode(Writer& w) const {
  w.u32(consumed).vec24(application_data).vec24(output).u8(static_cast<uint8_t>(tickets.size()));
  for (const auto& t : tickets) t.encode(w);
  w.u8(alert);
}

bool TlsRecordInResponse::parse(Reader& r, TlsRecordInResponse& out) {
  uint8_t count = 0;
  if (!r.u32(out.consumed) || !read_vec24(r, out.application_data) || !read_vec24(r, out.output) || !r.u8(count))
    return false;
  out.tickets.clear();
  for (uint8_t i = 0; i < count; ++i) {
    TlsTicket t;
    if (!TlsTicket::parse(r, t)) return false;
    out.tickets.push_back(std::move(t));
  }
  return r.u8(out.alert);
}

void TlsSealRequest::encode(Writer& w) const { w.u32(handle).u8(content_type).vec24(plaintext); }

bool TlsSealRequest::parse(Reader& r, TlsSealRequest& out) {
  return r.u32(out.handle) && r.u8(out.content_type) && read_vec24(r, out.plaintext);
}

void TlsPostHandshakeResponse::encode(Writer& w) const {
  write_optional(w, ticket);
  write_optional(w, server_key);
  write_optional(w, client_key);
  w.vec16(message);
}

bool TlsPostHandshakeResponse::parse(Reader& r, TlsPostHandshakeResponse& out) {
  return read_optional(r, out.ticket) && read_optional(r, out.server_key) && read_optional(r, out.client_key) &&
         read_vec16(r, out.message);
}

void TlsKeyUpdateResponse::encode(Writer& w) const {
  w.vec24(message_or_record);
  write_optional(w, client_key);
}

bool TlsKeyUpdateResponse::parse(Reader& r, TlsKeyUpdateResponse& out) {
  return read_vec24(r, out.message_or_record) && read_optional(r, out.client_key);
}

}  // namespace setls::bus

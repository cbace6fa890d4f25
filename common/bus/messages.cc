#include "common/bus/messages.h"

namespace setls::bus {

namespace {
bool valid_lifecycle(uint8_t v) { return v >= 1 && v <= 3; }
bool valid_kind(uint8_t v) { return v >= 1 && v <= 3; }
bool valid_role(uint8_t v) { return v >= 1 && v <= 8; }

bool read_string8(Reader& r, std::string& s) {
  Reader child;
  if (!r.prefixed8(child)) return false;
  ByteView v = child.rest();
  s.assign(v.begin(), v.end());
  return true;
}
}  // namespace

const char* boot_state_name(BootState s) {
  switch (s) {
    case BootState::NotBooted: return "not-booted";
    case BootState::Verified: return "verified";
    case BootState::Failed: return "failed";
  }
  return "unknown";
}

void HelloRequest::encode(Writer& w) const { w.u16(min_version).u16(max_version); }

bool HelloRequest::parse(Reader& r, HelloRequest& out) {
  return r.u16(out.min_version) && r.u16(out.max_version) &&
         (out.min_version <= out.max_version || r.fail(ParseError::BadValue));
}

void HelloResponse::encode(Writer& w) const {
  w.u16(version).u16(max_payload).u32(max_transfer).bytes(serial);
  w.u8(static_cast<uint8_t>(lifecycle)).u8(features);
}

bool HelloResponse::parse(Reader& r, HelloResponse& out) {
  uint8_t lifecycle = 0;
  if (!r.u16(out.version) || !r.u16(out.max_payload) || !r.u32(out.max_transfer) ||
      !r.copy(out.serial) || !r.u8(lifecycle) || !r.u8(out.features))
    return false;
  if (!valid_lifecycle(lifecycle)) return r.fail(ParseError::BadValue);
  out.lifecycle = static_cast<Lifecycle>(lifecycle);
  return true;
}

void ChipInfo::encode(Writer& w) const {
  w.bytes(serial).u8(static_cast<uint8_t>(lifecycle)).u32(firmware_version);
  w.u32(nvm_capacity).u32(nvm_used).u64(time_floor).u32(admin_counter).u32(rollback_version);
  w.u8(static_cast<uint8_t>(boot_state)).u32(booted_version).bytes(booted_digest);
  w.u8(sessions_used).u8(sessions_total);
  w.u16(static_cast<uint16_t>(objects.size()));
  for (const auto& o : objects) {
    w.u16(o.id).u8(static_cast<uint8_t>(o.kind)).u8(static_cast<uint8_t>(o.role)).u32(o.policy);
    w.u8(o.curve).u16(o.size).bytes(o.fingerprint);
    std::string summary = o.summary.substr(0, 255);
    w.vec8(as_bytes(summary));
  }
}

bool ChipInfo::parse(Reader& r, ChipInfo& out) {
  uint8_t lifecycle = 0, boot = 0;
  uint16_t count = 0;
  if (!r.copy(out.serial) || !r.u8(lifecycle) || !r.u32(out.firmware_version) ||
      !r.u32(out.nvm_capacity) || !r.u32(out.nvm_used) || !r.u64(out.time_floor) ||
      !r.u32(out.admin_counter) || !r.u32(out.rollback_version) || !r.u8(boot) ||
      !r.u32(out.booted_version) || !r.copy(out.booted_digest) || !r.u8(out.sessions_used) ||
      !r.u8(out.sessions_total) || !r.u16(count))
    return false;
  if (!valid_lifecycle(lifecycle) || boot > 2) return r.fail(ParseError::BadValue);
  out.lifecycle = static_cast<Lifecycle>(lifecycle);
  out.boot_state = static_cast<BootState>(boot);
  out.objects.clear();
  for (uint16_t i = 0; i < count; ++i) {
    ObjectInfo o;
    uint8_t kind = 0, role = 0;
    if (!r.u16(o.id) || !r.u8(kind) || !r.u8(role) || !r.u32(o.policy) || !r.u8(o.curve) ||
        !r.u16(o.size) || !r.copy(o.fingerprint) || !read_string8(r, o.summary))
      return false;
    if (!valid_kind(kind) || !valid_role(role)) return r.fail(ParseError::BadValue);
    o.kind = static_cast<ObjectKind>(kind);
    o.role = static_cast<ObjectRole>(role);
    out.objects.push_back(std::move(o));
  }
  return true;
}

void ReadObjectResponse::encode(Writer& w) const {
  w.u8(static_cast<uint8_t>(kind)).u8(static_cast<uint8_t>(role)).vec16(data);
}

bool ReadObjectResponse::parse(Reader& r, ReadObjectResponse& out) {
  uint8_t kind = 0, role = 0;
  Reader data;
  if (!r.u8(kind) || !r.u8(role) || !r.prefixed16(data)) return false;
  if (!valid_kind(kind) || !valid_role(role)) return r.fail(ParseError::BadValue);
  out.kind = static_cast<ObjectKind>(kind);
  out.role = static_cast<ObjectRole>(role);
  out.data.assign(data.rest().begin(), data.rest().end());
  return true;
}

void KeygenResponse::encode(Writer& w) const { w.u16(id).vec16(spki); }

bool KeygenResponse::parse(Reader& r, KeygenResponse& out) {
  Reader spki;
  if (!r.u16(out.id) || !r.prefixed16(spki, 1, 1024)) return false;
  out.spki.assign(spki.rest().begin(), spki.rest().end());
  return true;
}

bool parse_u8(ByteView payload, uint8_t& v) {
  Reader r(payload);
  return r.u8(v) && r.expect_end();
}

bool parse_u16(ByteView payload, uint16_t& v) {
  Reader r(payload);
  return r.u16(v) && r.expect_end();
}

bool parse_vec16(ByteView payload, ByteView& v) {
  Reader r(payload), child;
  if (!r.prefixed16(child) || !r.expect_end()) return false;
  v = child.rest();
  return true;
}

bool parse_role_and_der(ByteView payload, ObjectRole& role, ByteView& der) {
  Reader r(payload), child;
  uint8_t role_byte = 0;
  if (!r.u8(role_byte) || !r.prefixed16(child) || !r.expect_end()) return false;
  if (!valid_role(role_byte)) return false;
  role = static_cast<ObjectRole>(role_byte);
  der = child.rest();
  return true;
}

Bytes encode_u8(uint8_t v) { return Bytes{v}; }

Bytes encode_u16(uint16_t v) {
  Bytes out;
  Writer(out).u16(v);
  return out;
}

Bytes encode_vec16(ByteView v) {
  Bytes out;
  Writer(out).vec16(v);
  return out;
}

Bytes encode_role_and_der(ObjectRole role, ByteView der) {
  Bytes out;
  Writer(out).u8(static_cast<uint8_t>(role)).vec16(der);
  return out;
}

}  // namespace setls::bus

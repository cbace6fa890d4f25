#include "chip/nvm/state.h"

#include <algorithm>

#include "common/bytes/reader.h"
#include "common/bytes/writer.h"

namespace setls::chip {

namespace {
constexpr uint8_t kStateFormat = 1;
}

StoredObject StoredObject::clone() const {
  StoredObject o;
  o.id = id;
  o.kind = kind;
  o.role = role;
  o.policy = policy;
  o.curve = curve;
  o.public_data = public_data;
  o.private_der = SecretBytes(private_der.view());
  return o;
}

NvmState NvmState::clone() const {
  NvmState s;
  s.lifecycle = lifecycle;
  s.time_floor = time_floor;
  s.admin_counter = admin_counter;
  s.rollback_version = rollback_version;
  s.next_object_id = next_object_id;
  s.objects.reserve(objects.size());
  for (const auto& o : objects) s.objects.push_back(o.clone());
  return s;
}

const StoredObject* NvmState::find(uint16_t id) const {
  for (const auto& o : objects)
    if (o.id == id) return &o;
  return nullptr;
}

const StoredObject* NvmState::find_role(bus::ObjectRole role) const {
  for (const auto& o : objects)
    if (o.role == role) return &o;
  return nullptr;
}

size_t NvmState::count_role(bus::ObjectRole role) const {
  return static_cast<size_t>(
      std::count_if(objects.begin(), objects.end(), [&](const StoredObject& o) { return o.role == role; }));
}

Result<uint16_t> NvmState::add(StoredObject object) {
  if (objects.size() >= kMaxObjects || next_object_id == 0xFFFF) return Status::TooManyObjects;
  object.id = next_object_id++;
  uint16_t id = object.id;
  objects.push_back(std::move(object));
  return id;
}

bool NvmState::remove(uint16_t id) {
  auto it = std::find_if(objects.begin(), objects.end(), [&](const StoredObject& o) { return o.id == id; });
  if (it == objects.end()) return false;
  objects.erase(it);
  return true;
}

Result<SecretBytes> NvmState::serialize(size_t capacity) const {
  // Holds private keys: reserved up front so that it never reallocates
  // (leaving copies behind), copied into SecretBytes and wiped below.
  Bytes out;
  out.reserve(capacity);
  Writer w(out, capacity);
  w.u8(kStateFormat).u8(static_cast<uint8_t>(lifecycle)).u64(time_floor).u32(admin_counter);
  w.u32(rollback_version).u16(next_object_id).u16(static_cast<uint16_t>(objects.size()));
  for (const auto& o : objects) {
    w.u16(o.id).u8(static_cast<uint8_t>(o.kind)).u8(static_cast<uint8_t>(o.role)).u32(o.policy);
    w.u8(o.curve).vec16(o.public_data).vec16(o.private_der.view());
  }
  if (!w.ok()) {
    wipe(out.data(), out.size());
    return Status::NvmFull;
  }
  SecretBytes result(out);
  wipe(out.data(), out.size());
  return result;
}

Result<NvmState> NvmState::parse(ByteView body) {
  // The image already passed its MAC, so a parse failure means a firmware
  // bug or a format change; still, every field is checked.
  Reader r(body);
  NvmState s;
  uint8_t format = 0, lifecycle = 0;
  uint16_t count = 0;
  if (!r.u8(format) || format != kStateFormat || !r.u8(lifecycle) || lifecycle < 1 || lifecycle > 3 ||
      !r.u64(s.time_floor) || !r.u32(s.admin_counter) || !r.u32(s.rollback_version) ||
      !r.u16(s.next_object_id) || !r.u16(count) || count > kMaxObjects)
    return Status::NvmTampered;
  s.lifecycle = static_cast<bus::Lifecycle>(lifecycle);
  for (uint16_t i = 0; i < count; ++i) {
    StoredObject o;
    uint8_t kind = 0, role = 0;
    Reader pub, priv;
    if (!r.u16(o.id) || !r.u8(kind) || kind < 1 || kind > 3 || !r.u8(role) || role < 1 || role > 8 ||
        !r.u32(o.policy) || !r.u8(o.curve) || !r.prefixed16(pub) || !r.prefixed16(priv))
      return Status::NvmTampered;
    o.kind = static_cast<bus::ObjectKind>(kind);
    o.role = static_cast<bus::ObjectRole>(role);
    o.public_data.assign(pub.rest().begin(), pub.rest().end());
    o.private_der = SecretBytes(priv.rest());
    s.objects.push_back(std::move(o));
  }
  if (!r.expect_end()) return Status::NvmTampered;
  return s;
}

}  // namespace setls::chip

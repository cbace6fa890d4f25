// The chip's persistent state: lifecycle, counters and the object store.
// Serialized into the NVM image by Storage; every change goes through
// Firmware::update(), which commits a modified copy or nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "common/bus/objects.h"
#include "common/bytes/bytes.h"
#include "common/result.h"
#include "common/secure/secret.h"

namespace setls::chip {

constexpr size_t kMaxObjects = 32;

struct StoredObject {
  uint16_t id = 0;
  bus::ObjectKind kind = bus::ObjectKind::PublicKey;
  bus::ObjectRole role = bus::ObjectRole::RootCa;
  uint32_t policy = 0;
  uint8_t curve = 0;        // Curve for EC keys
  Bytes public_data;        // certificate DER, or SPKI DER (for a private key: its public half)
  SecretBytes private_der;  // private keys only

  StoredObject clone() const;
};

struct NvmState {
  bus::Lifecycle lifecycle = bus::Lifecycle::Manufacturing;
  uint64_t time_floor = 0;        // UNIX seconds; see ARCHITECTURE.md "Time"
  uint32_t admin_counter = 0;     // bumped by every applied admin authorization
  uint32_t rollback_version = 0;  // lowest host firmware version secure boot accepts
  uint16_t next_object_id = 1;
  std::vector<StoredObject> objects;

  NvmState clone() const;

  const StoredObject* find(uint16_t id) const;
  const StoredObject* find_role(bus::ObjectRole role) const;
  size_t count_role(bus::ObjectRole role) const;
  // Adds an object and returns its id (ids are never reused).
  Result<uint16_t> add(StoredObject object);
  bool remove(uint16_t id);

  // Fails with NvmFull when the state does not fit in `capacity` bytes.
  Result<SecretBytes> serialize(size_t capacity) const;
  static Result<NvmState> parse(ByteView body);
};

}  // namespace setls::chip

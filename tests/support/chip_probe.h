// Looking inside a chip from a test: its persistent state as comparable
// bytes, and its device key's private scalar (to prove that no answer ever
// carries it). Tests only: real firmware has no such window.
#pragma once

#include <cstdint>

#include "chip/firmware/firmware.h"
#include "chip/nvm/state.h"
#include "common/bytes/bytes.h"

namespace setls::test {

// The state serialized exactly as it goes into the NVM image body: two
// states are equal when these bytes are.
Bytes state_bytes(const chip::NvmState& state);

// The same with the device key's material (both halves) and the device
// certificate blanked: two chips provisioned alike differ only there,
// because the key is random and the certificate is issued for it.
Bytes state_bytes_without_device_key(const chip::NvmState& state);

// What "changed nothing" compares: the state and the storage generation
// (a commit of an identical state would still bump the generation).
struct ChipSnapshot {
  Bytes state;
  uint64_t generation = 0;
  friend bool operator==(const ChipSnapshot&, const ChipSnapshot&) = default;
};
ChipSnapshot snapshot(chip::Firmware& fw);

// The device key's private scalar, big-endian and padded to the curve size,
// read from the stored private key with OSSL_PKEY_PARAM_PRIV_KEY; empty when
// the chip holds no device key.
Bytes device_private_scalar(const chip::NvmState& state);

// True when `needle` (non-empty) occurs anywhere in `haystack`.
bool contains(ByteView haystack, ByteView needle);

}  // namespace setls::test

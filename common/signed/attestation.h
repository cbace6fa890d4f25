// Attestation statements (docs/attestation.md): what the chip reports about
// itself, bound to a verifier's nonce and signed by the device key, which a
// clone cannot have.
#pragma once

#include <array>
#include <vector>

#include "common/bus/messages.h"
#include "common/signed/signed_object.h"

namespace setls::attestation {

constexpr size_t kMaxNonce = 64;

struct Statement {
  static constexpr uint8_t kFormat = 1;
  bus::Serial serial{};
  Bytes nonce;  // 1..64 bytes chosen by the verifier
  bus::Lifecycle lifecycle = bus::Lifecycle::Operational;
  uint32_t chip_firmware_version = 0;
  bus::BootState boot_state = bus::BootState::NotBooted;
  uint32_t booted_version = 0;
  std::array<uint8_t, 32> booted_digest{};
  uint32_t rollback_version = 0;
  uint32_t admin_counter = 0;
  uint64_t time_floor = 0;
  std::array<uint8_t, 32> device_cert_fingerprint{};
  std::vector<std::array<uint8_t, 32>> root_fingerprints;

  void encode_body(Writer& w) const;
  static bool parse(ByteView blob, Statement& out, ByteView& body, ByteView& signature);
};

}  // namespace setls::attestation

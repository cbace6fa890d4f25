// Firmware manifests for secure boot (docs/secure-boot.md): the SHA-256 of
// the host firmware image, its size and version, signed offline by the
// firmware-signing key. The chip hashes the streamed image itself.
#pragma once

#include <array>
#include <string>

#include "common/signed/signed_object.h"

namespace setls::firmware {

struct Manifest {
  static constexpr uint8_t kFormat = 1;
  uint32_t version = 0;  // anti-rollback: never below the chip's counter
  uint64_t image_size = 0;
  std::array<uint8_t, 32> digest{};  // SHA-256 of the image
  std::string name;                  // a label for people, ≤ 64 bytes

  void encode_body(Writer& w) const;
  static bool parse(ByteView blob, Manifest& out, ByteView& body, ByteView& signature);
};

Result<Bytes> sign_manifest(const Manifest& m, const EcKey& firmware_key);

}  // namespace setls::firmware

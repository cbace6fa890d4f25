// Admin authorizations (docs/admin.md): a chip-bound, single-use command
// signed offline by the admin key over the operation, its parameters, the
// chip's serial, a fresh chip nonce and the chip's admin counter.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "common/bus/messages.h"
#include "common/signed/signed_object.h"

namespace setls::admin {

constexpr size_t kNonceSize = 32;
using Nonce = std::array<uint8_t, kNonceSize>;
using Fingerprint = std::array<uint8_t, 32>;

enum class Operation : uint8_t {
  AddRoot = 1,
  ReplaceRoot = 2,
  RemoveRoot = 3,
  RotateAdminKey = 4,
  RotateFirmwareKey = 5,
  RaiseTimeFloor = 6,
  Terminate = 7,
};
const char* operation_name(Operation op);
std::optional<Operation> operation_from_name(std::string_view name);

// What AdminChallenge answers.
struct Challenge {
  bus::Serial serial{};
  Nonce nonce{};
  uint32_t counter = 0;
  void encode(Writer& w) const;
  static bool parse(Reader& r, Challenge& out);
};

struct Authorization {
  static constexpr uint8_t kFormat = 1;
  bus::Serial serial{};
  Nonce nonce{};
  uint32_t counter = 0;
  Operation operation = Operation::Terminate;
  // Parameters, by operation:
  Bytes certificate;          // AddRoot, ReplaceRoot: the new root (DER)
  Fingerprint target{};       // ReplaceRoot, RemoveRoot: SHA-256 of the root to replace/remove
  Bytes public_key;           // RotateAdminKey, RotateFirmwareKey: SubjectPublicKeyInfo DER
  uint64_t time_floor = 0;    // RaiseTimeFloor: UNIX seconds

  void encode_body(Writer& w) const;
  // Parses a whole blob: body and signature.
  static bool parse(ByteView blob, Authorization& out, ByteView& body, ByteView& signature);
};

// Offline: the blob for `auth`, signed by the admin key.
Result<Bytes> sign_authorization(const Authorization& auth, const EcKey& admin_key);

}  // namespace setls::admin

// Payloads of the device and factory commands (docs/bus-protocol.md §5), one
// codec for both sides: the host encodes requests and parses responses, the
// chip parses requests and encodes responses, with the same functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bus/objects.h"
#include "common/bytes/reader.h"
#include "common/bytes/writer.h"
#include "common/crypto/ec.h"

namespace setls::bus {

constexpr size_t kSerialSize = 8;
using Serial = std::array<uint8_t, kSerialSize>;

struct HelloRequest {
  uint16_t min_version = kDefaultVersion;
  uint16_t max_version = kDefaultVersion;
  static constexpr uint16_t kDefaultVersion = 1;
  void encode(Writer& w) const;
  static bool parse(Reader& r, HelloRequest& out);
};

// Feature bits a chip advertises in HELLO.
enum ChipFeature : uint8_t {
  kFeatureSecureChannel = 0x01,  // CHANNEL_OPEN is available
  kFeatureHostPaired = 0x02,     // a host key is installed: the channel can authenticate
};

struct HelloResponse {
  uint16_t version = 0;
  uint16_t max_payload = 0;
  uint32_t max_transfer = 0;
  Serial serial{};
  Lifecycle lifecycle = Lifecycle::Manufacturing;
  uint8_t features = 0;
  void encode(Writer& w) const;
  static bool parse(Reader& r, HelloResponse& out);
};

struct ObjectInfo {
  uint16_t id = 0;
  ObjectKind kind = ObjectKind::PublicKey;
  ObjectRole role = ObjectRole::RootCa;
  uint32_t policy = 0;
  uint8_t curve = 0;  // Curve for EC keys, 0 otherwise
  uint16_t size = 0;  // bytes stored
  std::array<uint8_t, 32> fingerprint{};  // SHA-256 of the certificate DER or the SPKI
  std::string summary;                    // a certificate's subject, for people
};

enum class BootState : uint8_t { NotBooted = 0, Verified = 1, Failed = 2 };
const char* boot_state_name(BootState s);

struct ChipInfo {
  Serial serial{};
  Lifecycle lifecycle = Lifecycle::Manufacturing;
  uint32_t firmware_version = 0;  // the chip's own firmware
  uint32_t nvm_capacity = 0;
  uint32_t nvm_used = 0;
  uint64_t time_floor = 0;        // UNIX seconds
  uint32_t admin_counter = 0;
  uint32_t rollback_version = 0;  // lowest host firmware version secure boot accepts
  BootState boot_state = BootState::NotBooted;
  uint32_t booted_version = 0;
  std::array<uint8_t, 32> booted_digest{};
  uint8_t sessions_used = 0;
  uint8_t sessions_total = 0;
  std::vector<ObjectInfo> objects;
  void encode(Writer& w) const;
  static bool parse(Reader& r, ChipInfo& out);
};

struct ReadObjectResponse {
  ObjectKind kind = ObjectKind::PublicKey;
  ObjectRole role = ObjectRole::RootCa;
  Bytes data;  // certificate DER, or SubjectPublicKeyInfo DER for keys
  void encode(Writer& w) const;
  static bool parse(Reader& r, ReadObjectResponse& out);
};

struct KeygenResponse {
  uint16_t id = 0;
  Bytes spki;
  void encode(Writer& w) const;
  static bool parse(Reader& r, KeygenResponse& out);
};

// Small payloads shared by several commands.
bool parse_u8(ByteView payload, uint8_t& v);
bool parse_u16(ByteView payload, uint16_t& v);
bool parse_vec16(ByteView payload, ByteView& v);
bool parse_role_and_der(ByteView payload, ObjectRole& role, ByteView& der);
Bytes encode_u8(uint8_t v);
Bytes encode_u16(uint16_t v);
Bytes encode_vec16(ByteView v);
Bytes encode_role_and_der(ObjectRole role, ByteView der);

// Encodes any message with an encode(Writer&) member.
template <class M>
Bytes encode(const M& m) {
  Bytes out;
  Writer w(out);
  m.encode(w);
  return out;
}

// Parses a whole payload into a message with a static parse(Reader&, M&).
template <class M>
bool decode(ByteView payload, M& out) {
  Reader r(payload);
  return M::parse(r, out) && r.expect_end();
}

}  // namespace setls::bus

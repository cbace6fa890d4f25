// The cipher suites, groups and signature schemes setls allows
// (ARCHITECTURE.md invariant 5). One list: the host offers from it, the chip
// refuses anything outside it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "common/crypto/aead.h"
#include "common/crypto/ec.h"
#include "common/crypto/hash.h"
#include "common/tls/constants.h"

namespace setls::tls {

enum class CipherSuite : uint16_t {
  // TLS 1.3
  Aes128GcmSha256 = 0x1301,
  Aes256GcmSha384 = 0x1302,
  Aes128CcmSha256 = 0x1304,
  // TLS 1.2, ECDHE-ECDSA with AEAD only
  EcdheEcdsaAes128GcmSha256 = 0xC02B,
  EcdheEcdsaAes256GcmSha384 = 0xC02C,
  EcdheEcdsaAes128Ccm = 0xC0AC,
  EcdheEcdsaAes256Ccm = 0xC0AD,
  EcdheEcdsaAes128Ccm8 = 0xC0AE,
  // Signalling values, not suites.
  EmptyRenegotiationInfoScsv = 0x00FF,
};

struct SuiteInfo {
  CipherSuite id;
  uint16_t version;  // kTls13 or kTls12
  AeadAlg aead;
  HashAlg hash;      // transcript/HKDF hash (1.3), PRF hash (1.2)
  size_t iv_size;    // 12 (1.3: static IV), 4 (1.2: implicit part of the nonce)
  const char* name;  // IANA name
  const char* openssl_name;
};

// Every suite setls may negotiate, in our order of preference.
std::span<const SuiteInfo> allowed_suites();
// nullptr unless `id` is an allowed suite.
const SuiteInfo* find_suite(uint16_t id);
const char* suite_name(uint16_t id);  // IANA name, or "unknown"

// Groups: P-256 and P-384.
bool group_allowed(uint16_t group);
std::optional<Curve> group_curve(uint16_t group);
uint16_t curve_group(Curve curve);
const char* group_name(uint16_t group);

// Handshake signatures (server CertificateVerify / ServerKeyExchange, our
// CertificateVerify): ECDSA P-256/SHA-256 and P-384/SHA-384.
bool handshake_scheme_allowed(uint16_t scheme);
// The scheme a key of `curve` signs with.
uint16_t curve_scheme(Curve curve);
std::optional<Curve> scheme_curve(uint16_t scheme);
// Signatures on certificates (signature_algorithms_cert): the ECDSA ones and
// RSA ≥ 2048 with SHA-256 or better (PKCS#1 v1.5 and PSS).
bool certificate_scheme_allowed(uint16_t scheme);
const char* scheme_name(uint16_t scheme);

}  // namespace setls::tls

#include "common/tls/cipher_suite.h"

namespace setls::tls {

namespace {
constexpr SuiteInfo kSuites[] = {
    {CipherSuite::Aes128GcmSha256, kTls13, AeadAlg::Aes128Gcm, HashAlg::Sha256, 12, "TLS_AES_128_GCM_SHA256",
     "TLS_AES_128_GCM_SHA256"},
    {CipherSuite::Aes256GcmSha384, kTls13, AeadAlg::Aes256Gcm, HashAlg::Sha384, 12, "TLS_AES_256_GCM_SHA384",
     "TLS_AES_256_GCM_SHA384"},
    {CipherSuite::Aes128CcmSha256, kTls13, AeadAlg::Aes128Ccm, HashAlg::Sha256, 12, "TLS_AES_128_CCM_SHA256",
     "TLS_AES_128_CCM_SHA256"},
    {CipherSuite::EcdheEcdsaAes128GcmSha256, kTls12, AeadAlg::Aes128Gcm, HashAlg::Sha256, 4,
     "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {CipherSuite::EcdheEcdsaAes256GcmSha384, kTls12, AeadAlg::Aes256Gcm, HashAlg::Sha384, 4,
     "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {CipherSuite::EcdheEcdsaAes128Ccm, kTls12, AeadAlg::Aes128Ccm, HashAlg::Sha256, 4,
     "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM"},
    {CipherSuite::EcdheEcdsaAes256Ccm, kTls12, AeadAlg::Aes256Ccm, HashAlg::Sha256, 4,
     "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM"},
    {CipherSuite::EcdheEcdsaAes128Ccm8, kTls12, AeadAlg::Aes128Ccm8, HashAlg::Sha256, 4,
     "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8"},
};
}  // namespace

std::span<const SuiteInfo> allowed_suites() { return kSuites; }

const SuiteInfo* find_suite(uint16_t id) {
  for (const auto& s : kSuites)
    if (static_cast<uint16_t>(s.id) == id) return &s;
  return nullptr;
}

const char* suite_name(uint16_t id) {
  const SuiteInfo* s = find_suite(id);
  return s ? s->name : "unknown";
}

bool group_allowed(uint16_t group) { return group_curve(group).has_value(); }

std::optional<Curve> group_curve(uint16_t group) {
  if (group == static_cast<uint16_t>(NamedGroup::Secp256r1)) return Curve::P256;
  if (group == static_cast<uint16_t>(NamedGroup::Secp384r1)) return Curve::P384;
  return std::nullopt;
}

uint16_t curve_group(Curve curve) {
  return static_cast<uint16_t>(curve == Curve::P256 ? NamedGroup::Secp256r1 : NamedGroup::Secp384r1);
}

const char* group_name(uint16_t group) {
  switch (group) {
    case 23: return "P-256";
    case 24: return "P-384";
    case 25: return "P-521";
    case 29: return "X25519";
    case 30: return "X448";
    case 19: return "P-192";
    case 26: return "brainpoolP256r1";
  }
  return "unknown";
}

bool handshake_scheme_allowed(uint16_t scheme) { return scheme_curve(scheme).has_value(); }

uint16_t curve_scheme(Curve curve) {
  return static_cast<uint16_t>(curve == Curve::P256 ? SignatureScheme::EcdsaSecp256r1Sha256
                                                    : SignatureScheme::EcdsaSecp384r1Sha384);
}

std::optional<Curve> scheme_curve(uint16_t scheme) {
  if (scheme == static_cast<uint16_t>(SignatureScheme::EcdsaSecp256r1Sha256)) return Curve::P256;
  if (scheme == static_cast<uint16_t>(SignatureScheme::EcdsaSecp384r1Sha384)) return Curve::P384;
  return std::nullopt;
}

bool certificate_scheme_allowed(uint16_t scheme) {
  switch (static_cast<SignatureScheme>(scheme)) {
    case SignatureScheme::EcdsaSecp256r1Sha256:
    case SignatureScheme::EcdsaSecp384r1Sha384:
    case SignatureScheme::EcdsaSecp521r1Sha512:
    case SignatureScheme::RsaPkcs1Sha256:
    case SignatureScheme::RsaPkcs1Sha384:
    case SignatureScheme::RsaPkcs1Sha512:
    case SignatureScheme::RsaPssRsaeSha256:
    case SignatureScheme::RsaPssRsaeSha384:
    case SignatureScheme::RsaPssRsaeSha512:
      return true;
    default:
      return false;
  }
}

const char* scheme_name(uint16_t scheme) {
  switch (static_cast<SignatureScheme>(scheme)) {
    case SignatureScheme::RsaPkcs1Sha1: return "rsa_pkcs1_sha1";
    case SignatureScheme::EcdsaSha1: return "ecdsa_sha1";
    case SignatureScheme::RsaPkcs1Sha256: return "rsa_pkcs1_sha256";
    case SignatureScheme::EcdsaSecp256r1Sha256: return "ecdsa_secp256r1_sha256";
    case SignatureScheme::RsaPkcs1Sha384: return "rsa_pkcs1_sha384";
    case SignatureScheme::EcdsaSecp384r1Sha384: return "ecdsa_secp384r1_sha384";
    case SignatureScheme::RsaPkcs1Sha512: return "rsa_pkcs1_sha512";
    case SignatureScheme::EcdsaSecp521r1Sha512: return "ecdsa_secp521r1_sha512";
    case SignatureScheme::RsaPssRsaeSha256: return "rsa_pss_rsae_sha256";
    case SignatureScheme::RsaPssRsaeSha384: return "rsa_pss_rsae_sha384";
    case SignatureScheme::RsaPssRsaeSha512: return "rsa_pss_rsae_sha512";
    case SignatureScheme::Ed25519: return "ed25519";
    case SignatureScheme::RsaPssPssSha256: return "rsa_pss_pss_sha256";
  }
  return "unknown";
}

}  // namespace setls::tls

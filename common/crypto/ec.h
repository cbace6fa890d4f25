// Elliptic-curve keys (P-256, P-384) from libcrypto: generation, import with
// validation, ECDH and ECDSA. Private keys never leave an EcKey except as
// SecretBytes for the chip's own storage.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "common/bytes/bytes.h"
#include "common/crypto/hash.h"
#include "common/result.h"
#include "common/secure/secret.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace setls {

enum class Curve : uint8_t { P256 = 1, P384 = 2 };

const char* curve_name(Curve c);          // "P-256"
size_t curve_point_size(Curve c);         // uncompressed point: 65 or 97
size_t curve_scalar_size(Curve c);        // 32 or 48
HashAlg curve_hash(Curve c);              // the hash ECDSA pairs with it: SHA-256 / SHA-384
std::optional<Curve> curve_from_name(std::string_view name);  // "P-256", "p256", "prime256v1"…

class EcKey {
 public:
  EcKey() = default;
  // Takes ownership of a libcrypto key.
  explicit EcKey(EVP_PKEY* pkey);

  static Result<EcKey> generate(Curve curve);
  // An uncompressed point, checked to be on the curve and not the identity.
  static Result<EcKey> from_public_point(Curve curve, ByteView point);
  // SubjectPublicKeyInfo DER; only P-256 / P-384 EC keys, named (no explicit parameters).
  static Result<EcKey> from_spki_der(ByteView der);
  // An EC private key as private_der() wrote it (RFC 5915 ECPrivateKey).
  static Result<EcKey> from_private_der(ByteView der);
  // Wraps a libcrypto key if it is a P-256/P-384 EC key (up-ref'd; caller keeps its ref).
  static Result<EcKey> from_pkey(EVP_PKEY* pkey);

  bool valid() const { return pkey_ != nullptr; }
  Curve curve() const { return curve_; }
  EVP_PKEY* pkey() const { return pkey_.get(); }
  bool has_private() const;

  Bytes public_point() const;
  Bytes spki_der() const;
  SecretBytes private_der() const;

  // ECDH shared secret (the x coordinate) with a peer public key on the same curve.
  Result<Secret> ecdh(const EcKey& peer) const;
  // ECDSA over `message` hashed with `hash`, DER-encoded signature.
  Result<Bytes> sign(HashAlg hash, ByteView message) const;
  bool verify(HashAlg hash, ByteView message, ByteView der_signature) const;
  // ECDSA over a digest computed elsewhere (a TLS 1.2 CertificateVerify signs
  // the running transcript hash; the chip hashed it itself).
  Result<Bytes> sign_digest(ByteView digest) const;
  // True when both keys have the same public point.
  bool same_public(const EcKey& other) const;

 private:
  struct Free {
    void operator()(EVP_PKEY* p) const;
  };
  std::unique_ptr<EVP_PKEY, Free> pkey_;
  Curve curve_ = Curve::P256;
};

}  // namespace setls

#include "common/crypto/ec.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <cstring>
#include <string>

#include "common/crypto/op_count.h"

namespace setls {

const char* curve_name(Curve c) { return c == Curve::P256 ? "P-256" : "P-384"; }
size_t curve_point_size(Curve c) { return c == Curve::P256 ? 65 : 97; }
size_t curve_scalar_size(Curve c) { return c == Curve::P256 ? 32 : 48; }
HashAlg curve_hash(Curve c) { return c == Curve::P256 ? HashAlg::Sha256 : HashAlg::Sha384; }

std::optional<Curve> curve_from_name(std::string_view name) {
  if (name == "P-256" || name == "p256" || name == "P256" || name == "prime256v1" ||
      name == "secp256r1")
    return Curve::P256;
  if (name == "P-384" || name == "p384" || name == "P384" || name == "secp384r1") return Curve::P384;
  return std::nullopt;
}

void EcKey::Free::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }

static const char* group_name(Curve c) { return c == Curve::P256 ? "prime256v1" : "secp384r1"; }

static std::optional<Curve> curve_of(EVP_PKEY* pkey) {
  if (pkey == nullptr || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) return std::nullopt;
  char name[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1)
    return std::nullopt;
  return curve_from_name(std::string_view(name, len));
}

EcKey::EcKey(EVP_PKEY* pkey) : pkey_(pkey) {
  if (auto c = curve_of(pkey)) curve_ = *c;
}

Result<EcKey> EcKey::from_pkey(EVP_PKEY* pkey) {
  auto c = curve_of(pkey);
  if (!c) return Status::UnsupportedCurve;
  if (EVP_PKEY_up_ref(pkey) != 1) return Status::CryptoFailure;
  return EcKey(pkey);
}

Result<EcKey> EcKey::generate(Curve curve) {
  count_crypto_op(CryptoOp::Keygen);
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group_name(curve));
  if (pkey == nullptr) return Status::CryptoFailure;
  return EcKey(pkey);
}

Result<EcKey> EcKey::from_public_point(Curve curve, ByteView point) {
  // Only the uncompressed form TLS uses (RFC 8446 §4.2.8.2): 0x04 ‖ X ‖ Y.
  if (point.size() != curve_point_size(curve) || point[0] != 0x04) return Status::BadPublicKey;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (bld == nullptr) return Status::CryptoFailure;
  OSSL_PARAM* params = nullptr;
  if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group_name(curve), 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1)
    params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  if (params == nullptr) return Status::CryptoFailure;

  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  bool ok = ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!ok) return Status::BadPublicKey;  // not on the curve, or malformed
  EcKey key(pkey);
  // Full public-key validation (SP 800-56A 5.6.2.3.3): on curve, not infinity, right order.
  EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
  bool valid = check != nullptr && EVP_PKEY_public_check(check) == 1;
  EVP_PKEY_CTX_free(check);
  if (!valid) return Status::BadPublicKey;
  return key;
}

Result<EcKey> EcKey::from_spki_der(ByteView der) {
  const unsigned char* p = der.data();
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (pkey == nullptr || p != der.data() + der.size()) {
    EVP_PKEY_free(pkey);
    return Status::BadPublicKey;
  }
  EcKey key(pkey);
  if (!curve_of(pkey)) return Status::UnsupportedCurve;
  // RFC 5480 §2.1.1: namedCurve only. libcrypto maps explicit parameters
  // that resemble P-256 (even with a wrong cofactor) to its name.
  char encoding[32] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING, encoding, sizeof encoding, &len) == 1 &&
      std::string_view(encoding, len) != OSSL_PKEY_EC_ENCODING_GROUP)
    return Status::UnsupportedCurve;
  return from_public_point(key.curve(), key.public_point());  // revalidate the point
}

Result<EcKey> EcKey::from_private_der(ByteView der) {
  const unsigned char* p = der.data();
  EVP_PKEY* pkey = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  if (pkey == nullptr) return Status::BadArgument;
  EcKey key(pkey);
  if (!curve_of(pkey)) return Status::UnsupportedCurve;
  return key;
}

bool EcKey::has_private() const {
  BIGNUM* priv = nullptr;
  bool has = pkey_ && EVP_PKEY_get_bn_param(pkey_.get(), OSSL_PKEY_PARAM_PRIV_KEY, &priv) == 1;
  BN_clear_free(priv);
  return has;
}

Bytes EcKey::public_point() const {
  Bytes out(curve_point_size(curve_));
  size_t len = 0;
  if (!pkey_ || EVP_PKEY_get_octet_string_param(pkey_.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                                out.data(), out.size(), &len) != 1)
    return {};
  out.resize(len);
  return out;
}

Bytes EcKey::spki_der() const {
  if (!pkey_) return {};
  int len = i2d_PUBKEY(pkey_.get(), nullptr);
  if (len <= 0) return {};
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  i2d_PUBKEY(pkey_.get(), &p);
  return out;
}

SecretBytes EcKey::private_der() const {
  SecretBytes out;
  if (!pkey_) return out;
  int len = i2d_PrivateKey(pkey_.get(), nullptr);
  if (len <= 0) return out;
  auto buf = out.reset(static_cast<size_t>(len));
  unsigned char* p = buf.data();
  i2d_PrivateKey(pkey_.get(), &p);
  return out;
}

Result<Secret> EcKey::ecdh(const EcKey& peer) const {
  if (!pkey_ || !peer.valid() || peer.curve() != curve_) return Status::BadPublicKey;
  count_crypto_op(CryptoOp::Ecdh);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr);
  Secret out;
  size_t len = curve_scalar_size(curve_);
  auto buf = out.reset(len);
  // validate_peer=1: libcrypto checks the peer key once more before use.
  bool ok = ctx != nullptr && EVP_PKEY_derive_init(ctx) == 1 &&
            EVP_PKEY_derive_set_peer_ex(ctx, peer.pkey(), 1) == 1 &&
            EVP_PKEY_derive(ctx, buf.data(), &len) == 1 && len == buf.size();
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return Status::CryptoFailure;
  return out;
}

Result<Bytes> EcKey::sign(HashAlg hash, ByteView message) const {
  if (!pkey_) return Status::NoDeviceKey;
  count_crypto_op(CryptoOp::EcdsaSign);
  count_crypto_op(CryptoOp::HashBytes, message.size());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  Bytes sig;
  bool ok = ctx != nullptr &&
            EVP_DigestSignInit_ex(ctx, nullptr, hash_name(hash), nullptr, nullptr, pkey_.get(), nullptr) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, message.data(), message.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, sig.data(), &len, message.data(), message.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return Status::CryptoFailure;
  return sig;
}

Result<Bytes> EcKey::sign_digest(ByteView digest) const {
  if (!pkey_) return Status::NoDeviceKey;
  count_crypto_op(CryptoOp::EcdsaSign);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr);
  size_t len = 0;
  Bytes sig;
  bool ok = ctx != nullptr && EVP_PKEY_sign_init(ctx) == 1 &&
            EVP_PKEY_sign(ctx, nullptr, &len, digest.data(), digest.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_PKEY_sign(ctx, sig.data(), &len, digest.data(), digest.size()) == 1;
    sig.resize(len);
  }
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return Status::CryptoFailure;
  return sig;
}

bool EcKey::verify(HashAlg hash, ByteView message, ByteView der_signature) const {
  if (!pkey_) return false;
  count_crypto_op(CryptoOp::EcdsaVerify);
  count_crypto_op(CryptoOp::HashBytes, message.size());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr &&
            EVP_DigestVerifyInit_ex(ctx, nullptr, hash_name(hash), nullptr, nullptr, pkey_.get(), nullptr) == 1 &&
            EVP_DigestVerify(ctx, der_signature.data(), der_signature.size(), message.data(),
                             message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

bool EcKey::same_public(const EcKey& other) const {
  return valid() && other.valid() && curve_ == other.curve_ && public_point() == other.public_point();
}

}  // namespace setls

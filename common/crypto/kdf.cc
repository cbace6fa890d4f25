#include "common/crypto/kdf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdlib>

#include "common/crypto/op_count.h"

namespace setls {

namespace {

void check(int ok) {
  if (ok != 1) std::abort();
}

// Fetched once: fetching per call dominates the cost of a short HMAC.
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) std::abort();
  return mac;
}

EVP_KDF* kdf_algorithm(const char* name) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, name, nullptr);
  if (kdf == nullptr) std::abort();
  return kdf;
}

// OSSL_PARAM wants non-const pointers even for inputs it only reads.
void* mutable_ptr(ByteView v) { return const_cast<uint8_t*>(v.data()); }
char* mutable_name(HashAlg alg) { return const_cast<char*>(hash_name(alg)); }

void derive(EVP_KDF* algorithm, const OSSL_PARAM* params, std::span<uint8_t> out) {
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(algorithm);
  if (ctx == nullptr) std::abort();
  check(EVP_KDF_derive(ctx, out.data(), out.size(), params));
  EVP_KDF_CTX_free(ctx);
}

EVP_KDF* hkdf() {
  static EVP_KDF* kdf = kdf_algorithm("HKDF");
  return kdf;
}

Secret hmac_uncounted(HashAlg alg, ByteView key, ByteView data) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, mutable_name(alg), 0),
      OSSL_PARAM_construct_end()};
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac_algorithm());
  if (ctx == nullptr) std::abort();
  // HMAC with an empty key is legal (TLS 1.3 early secret); libcrypto wants a
  // non-null pointer for it.
  static const uint8_t kEmpty[1] = {0};
  check(EVP_MAC_init(ctx, key.empty() ? kEmpty : key.data(), key.size(), params));
  check(EVP_MAC_update(ctx, data.data(), data.size()));
  Secret out;
  auto buf = out.reset(hash_size(alg));
  size_t len = 0;
  check(EVP_MAC_final(ctx, buf.data(), &len, buf.size()));
  EVP_MAC_CTX_free(ctx);
  return out;
}

}  // namespace

Secret hmac(HashAlg alg, ByteView key, ByteView data) {
  count_crypto_op(CryptoOp::Hmac);
  return hmac_uncounted(alg, key, data);
}

Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm) {
  count_crypto_op(CryptoOp::HkdfExtract);
  // RFC 5869: an absent salt is hash_size zero bytes; an absent IKM is
  // hash_size zero bytes in TLS 1.3. Callers pass those explicitly.
  return hmac_uncounted(alg, salt, ikm);
}

Secret hkdf_expand(HashAlg alg, ByteView prk, ByteView info, size_t length) {
  count_crypto_op(CryptoOp::HkdfExpand);
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, mutable_name(alg), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mutable_ptr(prk), prk.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, mutable_ptr(info), info.size()),
      OSSL_PARAM_construct_end()};
  Secret out;
  derive(hkdf(), params, out.reset(length));
  return out;
}

Secret tls12_prf(HashAlg alg, ByteView secret, std::string_view label, ByteView seed,
                 size_t length) {
  count_crypto_op(CryptoOp::Prf);
  static EVP_KDF* prf = kdf_algorithm("TLS1-PRF");
  // The PRF's seed is label ‖ seed; libcrypto concatenates repeated SEED params.
  ByteView label_bytes = as_bytes(label);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, mutable_name(alg), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, mutable_ptr(secret), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, mutable_ptr(label_bytes),
                                        label_bytes.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, mutable_ptr(seed), seed.size()),
      OSSL_PARAM_construct_end()};
  Secret out;
  derive(prf, params, out.reset(length));
  return out;
}

}  // namespace setls

#include "common/crypto/hash.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <utility>

#include "common/crypto/op_count.h"

namespace setls {

// libcrypto only fails these calls on allocation failure or misuse; both are
// fatal programming/resource errors, not input errors.
static void check(int ok) {
  if (ok != 1) std::abort();
}

const EVP_MD* evp_md(HashAlg alg) { return alg == HashAlg::Sha256 ? EVP_sha256() : EVP_sha384(); }
const char* hash_name(HashAlg alg) { return alg == HashAlg::Sha256 ? "SHA256" : "SHA384"; }

Digest digest(HashAlg alg, ByteView data) {
  count_crypto_op(CryptoOp::HashBytes, data.size());
  Digest d;
  unsigned int len = 0;
  check(EVP_Digest(data.data(), data.size(), d.bytes.data(), &len, evp_md(alg), nullptr));
  d.size = len;
  return d;
}

Hash::Hash(HashAlg alg) : alg_(alg), ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) std::abort();
  check(EVP_DigestInit_ex(ctx_, evp_md(alg), nullptr));
}

Hash::Hash(const Hash& other) : alg_(other.alg_), ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) std::abort();
  check(EVP_MD_CTX_copy_ex(ctx_, other.ctx_));
}

Hash& Hash::operator=(const Hash& other) {
  if (this != &other) {
    alg_ = other.alg_;
    check(EVP_MD_CTX_copy_ex(ctx_, other.ctx_));
  }
  return *this;
}

Hash::Hash(Hash&& other) noexcept : alg_(other.alg_), ctx_(std::exchange(other.ctx_, nullptr)) {}

Hash& Hash::operator=(Hash&& other) noexcept {
  std::swap(alg_, other.alg_);
  std::swap(ctx_, other.ctx_);
  return *this;
}

Hash::~Hash() { EVP_MD_CTX_free(ctx_); }

void Hash::update(ByteView data) {
  count_crypto_op(CryptoOp::HashBytes, data.size());
  check(EVP_DigestUpdate(ctx_, data.data(), data.size()));
}

Digest Hash::current() const {
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  if (copy == nullptr) std::abort();
  check(EVP_MD_CTX_copy_ex(copy, ctx_));
  Digest d;
  unsigned int len = 0;
  check(EVP_DigestFinal_ex(copy, d.bytes.data(), &len));
  EVP_MD_CTX_free(copy);
  d.size = len;
  return d;
}

}  // namespace setls

#include "common/crypto/aead.h"

#include <openssl/evp.h>

#include "common/secure/secret.h"

#include <utility>

namespace setls {

size_t aead_key_size(AeadAlg alg) {
  return alg == AeadAlg::Aes256Gcm || alg == AeadAlg::Aes256Ccm ? 32 : 16;
}

size_t aead_tag_size(AeadAlg alg) { return alg == AeadAlg::Aes128Ccm8 ? 8 : 16; }

const char* aead_name(AeadAlg alg) {
  switch (alg) {
    case AeadAlg::Aes128Gcm: return "AES-128-GCM";
    case AeadAlg::Aes256Gcm: return "AES-256-GCM";
    case AeadAlg::Aes128Ccm: return "AES-128-CCM";
    case AeadAlg::Aes256Ccm: return "AES-256-CCM";
    case AeadAlg::Aes128Ccm8: return "AES-128-CCM-8";
  }
  return "?";
}

static const EVP_CIPHER* cipher(AeadAlg alg) {
  switch (alg) {
    case AeadAlg::Aes128Gcm: return EVP_aes_128_gcm();
    case AeadAlg::Aes256Gcm: return EVP_aes_256_gcm();
    case AeadAlg::Aes128Ccm:
    case AeadAlg::Aes128Ccm8: return EVP_aes_128_ccm();
    case AeadAlg::Aes256Ccm: return EVP_aes_256_ccm();
  }
  return nullptr;
}

Aead::Aead(Aead&& o) noexcept
    : alg_(o.alg_), ctx_(std::exchange(o.ctx_, nullptr)), ccm_key_(std::move(o.ccm_key_)), keyed_enc_(o.keyed_enc_) {}

Aead& Aead::operator=(Aead&& o) noexcept {
  std::swap(alg_, o.alg_);
  std::swap(ctx_, o.ctx_);
  std::swap(ccm_key_, o.ccm_key_);
  std::swap(keyed_enc_, o.keyed_enc_);
  return *this;
}

Aead::~Aead() { reset(); }

void Aead::reset() {
  EVP_CIPHER_CTX_free(ctx_);  // cleanses the key schedule
  ctx_ = nullptr;
  ccm_key_.clear();
  keyed_enc_ = 1;
}

bool Aead::key_for(int enc) {
  if (!ccm() || keyed_enc_ == enc) return true;
  if (EVP_CipherInit_ex(ctx_, nullptr, nullptr, ccm_key_.view().data(), nullptr, enc) != 1) return false;
  keyed_enc_ = enc;
  return true;
}

bool Aead::ccm() const { return alg_ != AeadAlg::Aes128Gcm && alg_ != AeadAlg::Aes256Gcm; }

Outcome Aead::init(AeadAlg alg, ByteView key) {
  reset();
  alg_ = alg;
  if (key.size() != aead_key_size(alg)) return Status::BadArgument;
  ctx_ = EVP_CIPHER_CTX_new();
  if (ctx_ == nullptr) return Status::CryptoFailure;
  // The key schedule is computed once here; each record only sets the nonce.
  // Encrypt-mode init also serves decryption for GCM; CCM re-inits per call.
  if (EVP_EncryptInit_ex(ctx_, cipher(alg), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_IVLEN, kAeadNonceSize, nullptr) != 1 ||
      (ccm() && EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG,
                                    static_cast<int>(tag_size()), nullptr) != 1) ||
      EVP_EncryptInit_ex(ctx_, nullptr, nullptr, key.data(), nullptr) != 1) {
    reset();
    return Status::CryptoFailure;
  }
  if (ccm()) ccm_key_.assign(key);
  keyed_enc_ = 1;
  return {};
}

static bool fits_int(size_t n) { return n < (1u << 30); }

Outcome Aead::seal(ByteView nonce, ByteView aad, ByteView plaintext, std::span<uint8_t> out) {
  if (!ready() || nonce.size() != kAeadNonceSize || out.size() < plaintext.size() + tag_size() ||
      !fits_int(plaintext.size()) || !fits_int(aad.size()))
    return Status::BadArgument;
  int len = 0;
  if (!key_for(1) || EVP_CipherInit_ex(ctx_, nullptr, nullptr, nullptr, nonce.data(), 1) != 1)
    return Status::CryptoFailure;
  if (ccm() && EVP_EncryptUpdate(ctx_, nullptr, &len, nullptr, static_cast<int>(plaintext.size())) != 1)
    return Status::CryptoFailure;
  if (!aad.empty() && EVP_EncryptUpdate(ctx_, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
    return Status::CryptoFailure;
  // CCM needs the update call even for an empty plaintext, with a non-null
  // input (a null one means "set the length").
  static const uint8_t kNothing = 0;
  if ((!plaintext.empty() || ccm()) &&
      EVP_EncryptUpdate(ctx_, out.data(), &len, plaintext.empty() ? &kNothing : plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1)
    return Status::CryptoFailure;
  if (EVP_EncryptFinal_ex(ctx_, out.data() + plaintext.size(), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size()),
                          out.data() + plaintext.size()) != 1)
    return Status::CryptoFailure;
  return {};
}

Outcome Aead::open(ByteView nonce, ByteView aad, ByteView ciphertext, std::span<uint8_t> out) {
  if (!ready() || nonce.size() != kAeadNonceSize) return Status::BadArgument;
  if (ciphertext.size() < tag_size()) return Status::TlsBadRecordMac;
  size_t body = ciphertext.size() - tag_size();
  if (out.size() < body || !fits_int(body) || !fits_int(aad.size())) return Status::BadArgument;
  auto* tag = const_cast<uint8_t*>(ciphertext.data() + body);
  int len = 0;
  bool ok = key_for(0) && EVP_CipherInit_ex(ctx_, nullptr, nullptr, nullptr, nonce.data(), 0) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size()), tag) == 1;
  if (ok && ccm()) ok = EVP_DecryptUpdate(ctx_, nullptr, &len, nullptr, static_cast<int>(body)) == 1;
  if (ok && !aad.empty())
    ok = EVP_DecryptUpdate(ctx_, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1;
  if (!ok) return Status::CryptoFailure;
  // For CCM the tag is checked inside this update; for GCM in Final.
  uint8_t nowhere = 0;  // CCM wants a non-null output even for an empty body
  if ((body != 0 || ccm()) &&
      EVP_DecryptUpdate(ctx_, body != 0 ? out.data() : &nowhere, &len, ciphertext.data(), static_cast<int>(body)) != 1) {
    wipe(out.data(), body);
    return Status::TlsBadRecordMac;
  }
  if (!ccm() && EVP_DecryptFinal_ex(ctx_, out.data() + body, &len) != 1) {
    wipe(out.data(), body);  // never hand out unauthenticated plaintext
    return Status::TlsBadRecordMac;
  }
  return {};
}

}  // namespace setls
